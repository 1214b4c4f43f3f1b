"""The words invoices are described with: Chorus Pro's statuses and the sets the portal
reasons with, units, flow states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChorusStatus(models.TextChoices):
    """Invoice statuses as Chorus Pro names them (values are Chorus Pro's codes)."""

    DEPOSITED = "DEPOSEE", _("Deposited")
    ROUTING = "EN_COURS_ACHEMINEMENT", _("Being routed")
    AVAILABLE = "MISE_A_DISPOSITION", _("Made available")
    TO_RECYCLE = "A_RECYCLER", _("To be re-routed")
    SUSPENDED = "SUSPENDUE", _("Suspended")
    COMPLETED = "COMPLETEE", _("Completed")
    REJECTED = "REJETEE", _("Rejected")
    SERVICE_DONE = "SERVICE_FAIT", _("Service certified")
    MANDATED = "MANDATEE", _("Payment ordered")
    AVAILABLE_TO_ACCOUNTANT = "MISE_A_DISPOSITION_COMPTABLE", _("Handed to the accountant")
    ACCOUNTED = "COMPTABILISEE", _("Accounted")
    PAID = "MISE_EN_PAIEMENT", _("Payment issued")
    TO_VALIDATE_1 = "A_VALIDER_1", _("Awaiting validation")
    VALIDATED_1 = "VALIDEE_1", _("Validated")
    REFUSED_1 = "REFUSEE_1", _("Refused by the validator")
    NO_VALIDATION_1 = "ABSENCE_VALIDATION_1_HORS_DELAI", _("Not validated in time")
    TO_VALIDATE_2 = "A_VALIDER_2", _("Awaiting second validation")
    VALIDATED_2 = "VALIDEE_2", _("Validated (second validator)")
    REFUSED_2 = "REFUSEE_2", _("Refused by the second validator")
    NO_VALIDATION_2 = (
        "ABSENCE_VALIDATION_2_HORS_DELAI",
        _("Not validated in time (second validator)"),
    )
    SUPPLIER_ERROR_ON_VALIDATOR = "ERREUR_FOURNISSEUR_SUR_VALIDEUR", _("Wrong validator")
    ABANDONED = "ABANDONNEE", _("Abandoned")
    DELETED = "SUPPRIMEE", _("Deleted")
    # Works pieces (facturesTravaux, contract-works §1.3 [U]: as the emulator plays them).
    WITH_PROJECT_MANAGER = "A_ASSOCIER_MOE", _("With the project manager")
    AVAILABLE_TO_PROJECT_MANAGER = "MISE_A_DISPOSITION_MOE", _("With the project manager")
    PROJECT_MANAGER_LATE = (
        "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE",
        _("With the project manager, past its delay"),
    )
    WITH_PROJECT_OWNER = "A_ASSOCIER_MOA", _("With the project owner")
    AVAILABLE_TO_PROJECT_OWNER = "MISE_A_DISPOSITION_MOA", _("With the project owner")
    WITH_CONTRACTOR = "A_ASSOCIER_FOURNISSEUR", _("With the contractor, to sign")
    ASSOCIATED = "ASSOCIEE", _("Taken into account")
    TO_COMPLETE = "A_COMPLETER", _("To complete")
    REFUSED_BY_PROJECT_MANAGER = "REFUSEE_MOE", _("Refused by the project manager")
    REFUSED_BY_PROJECT_OWNER = "REFUSEE_MOA", _("Refused by the project owner")
    REFUSED_BY_CONTRACTOR = "REFUSEE_FOURNISSEUR", _("Refused by the contractor")
    WRONG_PROJECT_MANAGER = "ERREUR_FOURNISSEUR_SUR_MOE", _("Wrong project manager")
    TAKEN_BY_PROJECT_MANAGER = (
        "PRISE_EN_COMPTE_MOE",
        _("Taken into account by the project manager"),
    )
    TAKEN_BY_PROJECT_OWNER = "PRISE_EN_COMPTE_MOA", _("Taken into account by the project owner")
    TAKEN_BY_RECIPIENT = "PRISE_EN_COMPTE_DESTINATAIRE", _("Taken into account by the recipient")
    REPLACED_BY_TACIT = "REMPLACEE_PAR_A22", _("Replaced by the tacit draft general statement")


# contract §9.2: REJETEE and MISE_EN_PAIEMENT are final; SUSPENDUE, A_RECYCLER and MANDATEE are not.
FINAL_CHORUS_STATUSES = frozenset(
    {ChorusStatus.REJECTED, ChorusStatus.PAID, ChorusStatus.ABANDONED, ChorusStatus.DELETED}
)
# A validator turned the invoice down: it goes back to the supplier and nobody pays it as it
# stands (only a corrected invoice, or a corrected validator, brings a payment back).
VALIDATOR_REFUSED_STATUSES = frozenset(
    {ChorusStatus.REFUSED_1, ChorusStatus.REFUSED_2, ChorusStatus.SUPPLIER_ERROR_ON_VALIDATOR}
)
# A works piece whose part is over: taken into account by the next piece of its chain (which
# carries the money on), closed, refused or replaced. Counting it too would count a statement's
# amount once per piece of its chain.
WORKS_CLOSED_STATUSES = frozenset(
    {
        ChorusStatus.ASSOCIATED,
        ChorusStatus.REFUSED_BY_PROJECT_MANAGER,
        ChorusStatus.REFUSED_BY_PROJECT_OWNER,
        ChorusStatus.REFUSED_BY_CONTRACTOR,
        ChorusStatus.TAKEN_BY_PROJECT_MANAGER,
        ChorusStatus.TAKEN_BY_PROJECT_OWNER,
        ChorusStatus.TAKEN_BY_RECIPIENT,
        ChorusStatus.REPLACED_BY_TACIT,
    }
)
# Sent, yet no payment can come of the invoice now: paid already, cancelled, or refused.
NOT_PAYABLE_CHORUS_STATUSES = (
    FINAL_CHORUS_STATUSES | VALIDATOR_REFUSED_STATUSES | WORKS_CLOSED_STATUSES
)
# Statuses Chorus Pro moves on from by itself within moments (routing), as opposed to those
# that wait for a person: a page showing the invoice follows it while it is in one of them.
# A validated invoice goes on to the second validator (VALIDEE_1 → A_VALIDER_2) or the recipient.
ROUTING_CHORUS_STATUSES = frozenset(
    {
        ChorusStatus.DEPOSITED,
        ChorusStatus.ROUTING,
        ChorusStatus.VALIDATED_1,
        ChorusStatus.VALIDATED_2,
    }
)


# UN/ECE recommendation 20 units (EN 16931) by code, as people name them; a code not listed here
# is shown as it is.
UNIT_LABELS = {
    "C62": _("unit"),
    "H87": _("piece"),
    "HUR": _("hour"),
    "DAY": _("day"),
    "WEE": _("week"),
    "MON": _("month"),
    "ANN": _("year"),
    "KGM": _("kilogram"),
    "MTR": _("metre"),
    "MTK": _("square metre"),
    "LTR": _("litre"),
    "LS": _("lump sum"),
    "E48": _("service unit"),
}


# Chorus Pro's flow states (contract §9.11) in words, for the supplier; a file's, not an invoice's.
FLOW_CHORUS_STATES = {
    "IN_RECU": _("File received"),
    "IN_TRAITE_SE_CPP": _("File taken in"),
    "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP": _("File being analysed"),
    "IN_EN_ATTENTE_TRAITEMENT_CPP": _("File waiting to be processed"),
    "IN_EN_COURS_TRAITEMENT_CPP": _("File being processed"),
    "IN_EN_ATTENTE_RETRAITEMENT_CPP": _("File held up, waiting to be processed again"),
    "IN_INCIDENTE": _("File not processed: deposit it again"),
    "IN_REJETE": _("File rejected"),
    "IN_INTEGRE": _("All invoices integrated"),
    "IN_INTEGRE_PARTIEL": _("Some invoices rejected"),
    "QP_IRRECEVABLE": _("File not receivable"),
    "QP_RECEVABLE": _("File receivable"),
    "QP_RECEVABLE_AVEC_ERREUR": _("File receivable with errors"),
}
