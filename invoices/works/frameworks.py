"""The works frameworks and statuses the portal works with, and who holds a piece in each status.

Chorus Pro's transition table for works pieces is not public (contract-works §1.3 [U]); the
portal reads it as the emulator plays it (chorus_emulator/works_rules.py): this module is the one
place where that choice is written on the portal's side.
"""

from django.utils.translation import gettext_lazy as _

from chorus_client import BillingFramework
from invoices.models import ChorusStatus

A4 = BillingFramework.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR
A7 = BillingFramework.A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR
A15 = BillingFramework.A15_ETAT_ACOMPTE_MOE
A19 = BillingFramework.A19_ETAT_ACOMPTE_VALIDE_MOA
A17 = BillingFramework.A17_PROJET_DECOMPTE_GENERAL_MOE
A20 = BillingFramework.A20_DECOMPTE_GENERAL_MOA
A8 = BillingFramework.A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR
A10 = BillingFramework.A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT
A11 = BillingFramework.A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT

# What the contractor may open a billing file with, from the portal: the monthly draft statement
# and the final one; a subcontractor paid directly, its own, which go first to their validator
# (the contractor). Co-contractors' requests (A13, A14) are not drafted in the portal yet.
CONTRACTOR_FRAMEWORKS = {
    A4: _("Monthly draft statement"),
    A7: _("Final draft statement"),
}
SUBCONTRACTOR_FRAMEWORKS = {
    A10: _("Subcontractor's monthly draft statement"),
    A11: _("Subcontractor's final draft statement"),
}
MONTHLY = (A4, A10)
# The piece each party deposits to answer the one it holds (contract-works §1.2 [U], as the
# emulator plays it): the MOE's payment statement or draft general statement, the MOA's validated
# statement or general statement, the contractor's signed general statement.
ANSWERS = {
    "moe": {A4: A15, A7: A17, A10: A15, A11: A17},
    "moa": {A15: A19, A17: A20},
    "contractor": {A20: A8},
}

FRAMEWORK_LABELS = {
    **CONTRACTOR_FRAMEWORKS,
    **SUBCONTRACTOR_FRAMEWORKS,
    A15: _("Payment statement (MOE)"),
    A19: _("Validated payment statement (MOA)"),
    A17: _("Draft general statement (MOE)"),
    A20: _("General statement (MOA)"),
    A8: _("Signed general statement"),
}

# Where a piece waits, and for whom.
MOE_WAITING = (
    "A_ASSOCIER_MOE",
    "MISE_A_DISPOSITION_MOE",
    "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE",
)
MOA_WAITING = ("A_ASSOCIER_MOA", "MISE_A_DISPOSITION_MOA")
CONTRACTOR_WAITING = ("A_ASSOCIER_FOURNISSEUR",)
VALIDATOR_WAITING = ("A_VALIDER_1",)
TO_COMPLETE = ("A_COMPLETER", "SUSPENDUE")
PASSED_ON = ("ASSOCIEE",)
REFUSED = ("REFUSEE_MOE", "REFUSEE_MOA", "REFUSEE_1", "ERREUR_FOURNISSEUR_SUR_MOE", "REJETEE")


def framework_code(framework: str) -> str:
    """A4, A15, A19... as people say it."""
    return framework.partition("_")[0]


def status_label(status: str) -> str:
    """A status in words (the core's vocabulary knows the works statuses too)."""
    return str(ChorusStatus(status).label) if status in ChorusStatus.values else status


def holder_of(status: str) -> str | None:
    """Who acts next on a piece in ``status``: "moe", "moa", "contractor", "recipient"."""
    if status in VALIDATOR_WAITING:
        return "validator"
    if status in MOE_WAITING:
        return "moe"
    if status in MOA_WAITING:
        return "moa"
    if status in TO_COMPLETE or status in (*CONTRACTOR_WAITING, "ERREUR_FOURNISSEUR_SUR_MOE"):
        return "contractor"
    if status in (
        "MISE_A_DISPOSITION",
        "SERVICE_FAIT",
        "MANDATEE",
        "COMPTABILISEE",
        "MISE_A_DISPOSITION_COMPTABLE",
        "COMPLETEE",
    ):
        return "recipient"
    return None
