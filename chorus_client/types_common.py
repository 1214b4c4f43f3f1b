"""Enumerations and the Page type shared by every operation group.

Enumeration members are the Chorus Pro codes themselves (``InvoiceStatus.MISE_A_DISPOSITION``):
they are codes of the domain, shown as such in Chorus Pro's portal and documentation, not field
names. Field names of every dataclass are English.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum


class InvoiceStatus(StrEnum):
    """Invoice statuses (contract §9.1 [S], full list from the official annex via ZMOG)."""

    # Supplier and recipient lifecycle
    BROUILLON = "BROUILLON"
    DEPOSEE = "DEPOSEE"
    EN_COURS_ACHEMINEMENT = "EN_COURS_ACHEMINEMENT"
    MISE_A_DISPOSITION = "MISE_A_DISPOSITION"
    A_RECYCLER = "A_RECYCLER"
    SUSPENDUE = "SUSPENDUE"
    COMPLETEE = "COMPLETEE"
    REJETEE = "REJETEE"
    SERVICE_FAIT = "SERVICE_FAIT"
    MANDATEE = "MANDATEE"
    MISE_A_DISPOSITION_COMPTABLE = "MISE_A_DISPOSITION_COMPTABLE"
    COMPTABILISEE = "COMPTABILISEE"
    MISE_EN_PAIEMENT = "MISE_EN_PAIEMENT"
    ABANDONNEE = "ABANDONNEE"
    SUPPRIMEE = "SUPPRIMEE"
    # Validation
    A_VALIDER_1 = "A_VALIDER_1"
    VALIDEE_1 = "VALIDEE_1"
    REFUSEE_1 = "REFUSEE_1"
    ABSENCE_VALIDATION_1_HORS_DELAI = "ABSENCE_VALIDATION_1_HORS_DELAI"
    ERREUR_FOURNISSEUR_SUR_VALIDEUR = "ERREUR_FOURNISSEUR_SUR_VALIDEUR"
    A_VALIDER_2 = "A_VALIDER_2"
    VALIDEE_2 = "VALIDEE_2"
    REFUSEE_2 = "REFUSEE_2"
    ABSENCE_VALIDATION_2_HORS_DELAI = "ABSENCE_VALIDATION_2_HORS_DELAI"
    ERREUR_COTRAITANT_SUR_VALIDEUR = "ERREUR_COTRAITANT_SUR_VALIDEUR"
    # Works / MOE / MOA and miscellaneous
    ASSOCIEE = "ASSOCIEE"
    EN_COURS_TRAITEMENT_PIVOT_S = "EN_COURS_TRAITEMENT_PIVOT_S"
    A_VALIDER_MOE = "A_VALIDER_MOE"
    REFUSEE_MOE = "REFUSEE_MOE"
    EN_ATTENTE_RECYCLAGE_FOURNISSEUR = "EN_ATTENTE_RECYCLAGE_FOURNISSEUR"
    ERREUR_MOE_SUR_FOURNISSEUR = "ERREUR_MOE_SUR_FOURNISSEUR"
    ERREUR_MOA_SUR_FOURNISSEUR = "ERREUR_MOA_SUR_FOURNISSEUR"
    INTERPRETEE_OCR = "INTERPRETEE_OCR"
    ERREUR_FOURNISSEUR_SUR_MOE = "ERREUR_FOURNISSEUR_SUR_MOE"
    ERREUR_FOURNISSEUR_SUR_MOA = "ERREUR_FOURNISSEUR_SUR_MOA"
    ERREUR_MOE_SUR_MOA = "ERREUR_MOE_SUR_MOA"
    ERREUR_DESTINATAIRE_PD = "ERREUR_DESTINATAIRE_PD"
    ERREUR_DESTINATAIRE_EA = "ERREUR_DESTINATAIRE_EA"
    NON_CONFORME = "NON_CONFORME"
    A_ASSOCIER_MOE = "A_ASSOCIER_MOE"
    ERREUR_DE_MOE = "ERREUR_DE_MOE"
    MISE_A_DISPOSITION_MOE = "MISE_A_DISPOSITION_MOE"
    PRISE_EN_COMPTE_MOE = "PRISE_EN_COMPTE_MOE"
    A_ASSOCIER_MOA = "A_ASSOCIER_MOA"
    ERREUR_DE_MOA = "ERREUR_DE_MOA"
    REFUSEE_MOA = "REFUSEE_MOA"
    A_ASSOCIER_FOURNISSEUR = "A_ASSOCIER_FOURNISSEUR"
    REFUSEE_FOURNISSEUR = "REFUSEE_FOURNISSEUR"
    A_COMPLETER = "A_COMPLETER"
    TRANSMISE_MOA = "TRANSMISE_MOA"
    PRISE_EN_COMPTE_DESTINATAIRE = "PRISE_EN_COMPTE_DESTINATAIRE"
    REMPLACEE_PAR_A22 = "REMPLACEE_PAR_A22"
    DUPLIQUE_APRES_REFUS = "DUPLIQUE_APRES_REFUS"
    MISE_A_DISPOSITION_MOA = "MISE_A_DISPOSITION_MOA"
    PRISE_EN_COMPTE_MOA = "PRISE_EN_COMPTE_MOA"
    ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE = "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE"
    TECHNIQUE_INCONNU = "TECHNIQUE_INCONNU"

    @property
    def is_terminal(self) -> bool:
        """Contract §9.2 recommendation: REJETEE and MISE_EN_PAIEMENT end the lifecycle.

        [U] §9.2: SUPPRIMEE and ABANDONNEE are counted as terminal too.
        """
        return self in _TERMINAL_STATUSES


_TERMINAL_STATUSES = frozenset({InvoiceStatus.REJETEE, InvoiceStatus.MISE_EN_PAIEMENT,
                                InvoiceStatus.SUPPRIMEE, InvoiceStatus.ABANDONNEE})


class FlowStatus(StrEnum):
    """States of a deposited flow (contract §9.11 [C])."""

    IN_RECU = "IN_RECU"
    IN_TRAITE_SE_CPP = "IN_TRAITE_SE_CPP"
    IN_EN_ATTENTE_TRAITEMENT_CPP = "IN_EN_ATTENTE_TRAITEMENT_CPP"
    IN_EN_COURS_TRAITEMENT_CPP = "IN_EN_COURS_TRAITEMENT_CPP"
    IN_EN_ATTENTE_RETRAITEMENT_CPP = "IN_EN_ATTENTE_RETRAITEMENT_CPP"
    IN_INCIDENTE = "IN_INCIDENTE"
    IN_REJETE = "IN_REJETE"
    IN_INTEGRE = "IN_INTEGRE"
    IN_INTEGRE_PARTIEL = "IN_INTEGRE_PARTIEL"
    QP_IRRECEVABLE = "QP_IRRECEVABLE"
    QP_RECEVABLE = "QP_RECEVABLE"
    QP_RECEVABLE_AVEC_ERREUR = "QP_RECEVABLE_AVEC_ERREUR"
    IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP = "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP"

    @property
    def is_final(self) -> bool:
        """OCA stops polling at IN_REJETE, IN_INTEGRE, IN_INTEGRE_PARTIEL (contract §9.11).

        IN_INCIDENTE and QP_IRRECEVABLE are final too: the whole flow must be sent again.
        """
        return self in _FINAL_FLOW_STATUSES


_FINAL_FLOW_STATUSES = frozenset({FlowStatus.IN_REJETE, FlowStatus.IN_INTEGRE,
                                  FlowStatus.IN_INTEGRE_PARTIEL, FlowStatus.IN_INCIDENTE,
                                  FlowStatus.QP_IRRECEVABLE})


class BillingFramework(StrEnum):
    """``codeCadreFacturation`` (contract §9.5). A1, A2, A9 and A12 are usable with soumettre."""

    A1_FACTURE_FOURNISSEUR = "A1_FACTURE_FOURNISSEUR"
    A2_FACTURE_FOURNISSEUR_DEJA_PAYEE = "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE"
    A3_MEMOIRE_JUSTICE = "A3_MEMOIRE_JUSTICE"
    A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR = "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"
    A5_ETAT_ACOMPTE_FOURNISSEUR = "A5_ETAT_ACOMPTE_FOURNISSEUR"
    A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR = "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR"
    A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR = "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR"
    A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR = "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR"
    A9_FACTURE_SOUSTRAITANT = "A9_FACTURE_SOUSTRAITANT"
    A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT = "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT"
    A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT = "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT"
    A12_FACTURE_COTRAITANT = "A12_FACTURE_COTRAITANT"
    A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT = "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT"
    A14_PROJET_DECOMPTE_FINAL_COTRAITANT = "A14_PROJET_DECOMPTE_FINAL_COTRAITANT"
    A15_ETAT_ACOMPTE_MOE = "A15_ETAT_ACOMPTE_MOE"
    A16_ETAT_ACOMPTE_VALIDE_MOE = "A16_ETAT_ACOMPTE_VALIDE_MOE"
    A17_PROJET_DECOMPTE_GENERAL_MOE = "A17_PROJET_DECOMPTE_GENERAL_MOE"
    A18_DECOMPTE_GENERAL_MOE = "A18_DECOMPTE_GENERAL_MOE"
    A19_ETAT_ACOMPTE_VALIDE_MOA = "A19_ETAT_ACOMPTE_VALIDE_MOA"
    A20_DECOMPTE_GENERAL_MOA = "A20_DECOMPTE_GENERAL_MOA"
    A21_DEMANDE_REMBOURSEMENT_TIC = "A21_DEMANDE_REMBOURSEMENT_TIC"
    A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE = (
        "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE")
    A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR = (
        "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR")
    A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE = "A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE"
    A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE = (
        "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE")


class DepositMode(StrEnum):
    """``modeDepot``: the first three are soumettre inputs; the rest appear in outputs (§9.9)."""

    SAISIE_API = "SAISIE_API"
    DEPOT_PDF_API = "DEPOT_PDF_API"
    DEPOT_PDF_SIGNE_API = "DEPOT_PDF_SIGNE_API"
    SAISIE_WEB = "SAISIE_WEB"
    PORTAIL_PDF = "PORTAIL_PDF"
    EDI_XML_STRUCT = "EDI_XML_STRUCT"
    EDI_MIXTE = "EDI_MIXTE"
    EDI_PDF_ARCHIVE = "EDI_PDF_ARCHIVE"
    SAISIE_PORTAIL = "SAISIE_PORTAIL"
    DEPOT_PDF_PORTAIL = "DEPOT_PDF_PORTAIL"
    DEPOT_PDF_SIGNE_PORTAIL = "DEPOT_PDF_SIGNE_PORTAIL"
    EDI = "EDI"
    UPLOAD_PORTAIL = "UPLOAD_PORTAIL"
    UPLOAD_API = "UPLOAD_API"
    EDI_NUMERISATION = "EDI_NUMERISATION"


class PaymentMode(StrEnum):
    """``modePaiement`` (contract §9.7 [C])."""

    CHEQUE = "CHEQUE"
    PRELEVEMENT = "PRELEVEMENT"
    VIREMENT = "VIREMENT"
    ESPECE = "ESPECE"
    AUTRE = "AUTRE"
    REPORT = "REPORT"


class InvoiceType(StrEnum):
    """``typeFacture`` (contract §9.8): FACTURE (invoice) or AVOIR (credit note); ACOMPTE is [U]."""

    FACTURE = "FACTURE"
    AVOIR = "AVOIR"
    ACOMPTE = "ACOMPTE"


class VatType(StrEnum):
    """``typeTva`` (contract §9.4 [C])."""

    TVA_SUR_DEBIT = "TVA_SUR_DEBIT"
    TVA_SUR_ENCAISSEMENT = "TVA_SUR_ENCAISSEMENT"
    EXONERATION = "EXONERATION"
    SANS_TVA = "SANS_TVA"


class PaymentRequestType(StrEnum):
    """``typeDemandePaiement`` (contract §9.10 [C])."""

    FACTURE = "FACTURE"
    FACTURE_TRAVAUX = "FACTURE_TRAVAUX"


class WorksInvoiceType(StrEnum):
    """``typeFactureTravaux`` (contract-works §1.2 [S: ZMOG]): which document of the CCAG-Travaux
    payment chain a piece is."""

    PROJET_DECOMPTE_MENSUEL = "PROJET_DECOMPTE_MENSUEL"
    ETAT_ACOMPTE = "ETAT_ACOMPTE"
    ETAT_ACOMPTE_VALIDE = "ETAT_ACOMPTE_VALIDE"
    PROJET_DECOMPTE_FINAL = "PROJET_DECOMPTE_FINAL"
    PROJET_DECOMPTE_GENERAL = "PROJET_DECOMPTE_GENERAL"
    DECOMPTE_GENERAL = "DECOMPTE_GENERAL"
    DECOMPTE_GENERAL_SIGNE = "DECOMPTE_GENERAL_SIGNE"
    PROJET_DECOMPTE_GENERAL_PROCEDURE_TACITE = "PROJET_DECOMPTE_GENERAL_PROCEDURE_TACITE"
    DECOMPTE_GENERAL_DEFINITIF_TACITE = "DECOMPTE_GENERAL_DEFINITIF_TACITE"
    DECOMPTE_GENERAL_DEFINITIF_PROCEDURE_TACITE = "DECOMPTE_GENERAL_DEFINITIF_PROCEDURE_TACITE"
    DP_DE_SOUSTRAITANT_TRAVAUX = "DP_DE_SOUSTRAITANT_TRAVAUX"


class FlowSyntax(StrEnum):
    """``syntaxeFlux`` for deposer/flux (contract §9.6)."""

    IN_DP_E1_UBL_INVOICE = "IN_DP_E1_UBL_INVOICE"
    IN_DP_E1_CII = "IN_DP_E1_CII"
    IN_DP_E1_PES_FACTURE = "IN_DP_E1_PES_FACTURE"
    IN_DP_E1_XCBL = "IN_DP_E1_XCBL"
    IN_DP_E1_CII_16B = "IN_DP_E1_CII_16B"
    IN_DP_E2_UBL_INVOICE_MIN = "IN_DP_E2_UBL_INVOICE_MIN"
    IN_DP_E2_CII_MIN = "IN_DP_E2_CII_MIN"
    IN_DP_E2_PES_FACTURE_MIN = "IN_DP_E2_PES_FACTURE_MIN"
    IN_DP_E2_CPP_FACTURE_MIN = "IN_DP_E2_CPP_FACTURE_MIN"
    IN_DP_E2_CII_FACTURX = "IN_DP_E2_CII_FACTURX"
    IN_DP_E2_CII_MIN_16B = "IN_DP_E2_CII_MIN_16B"
    IN_DP_E3_UBL_INVOICE = "IN_DP_E3_UBL_INVOICE"
    IN_DP_PDFARCHIVE_UBL_INVOICE_MUG = "IN_DP_PDFARCHIVE_UBL_INVOICE_MUG"
    IN_DP_PDFARCHIVE_CII_MUG = "IN_DP_PDFARCHIVE_CII_MUG"


class PdfFormat(StrEnum):
    """``formatDepot`` of deposer/pdf (contract §9.10 [C])."""

    PDF_NON_SIGNE = "PDF_NON_SIGNE"
    PDF_SIGNE_PADES = "PDF_SIGNE_PADES"
    PDF_SIGNE_XADES = "PDF_SIGNE_XADES"


class DownloadFormat(StrEnum):
    """``format`` of telecharger/groupe and telecharger/pieceJointe (contract §9.10 [C])."""

    PDF = "PDF"
    PIVOT = "PIVOT"


class IdentifierType(StrEnum):
    """``typeIdentifiantStructure`` (contract §9.10 [C: SWAG])."""

    SIRET = "SIRET"
    UE_HORS_FRANCE = "UE_HORS_FRANCE"
    HORS_UE = "HORS_UE"
    RIDET = "RIDET"
    TAHITI = "TAHITI"
    AUTRE = "AUTRE"
    PARTICULIER = "PARTICULIER"


class StructureKind(StrEnum):
    """``typeStructure`` / ``structurePriveePublique``."""

    PRIVEE = "PRIVEE"
    PUBLIQUE = "PUBLIQUE"


class ValidatorAction(StrEnum):
    """``action`` of traiter/factureAValider (contract §5.13 [S: GO]; which are legal is [U])."""

    VALIDATION = "VALIDATION"
    REFUS = "REFUS"
    MISE_EN_PAIEMENT = "MISE_EN_PAIEMENT"
    MISE_EN_RECYCLAGE = "MISE_EN_RECYCLAGE"
    SUSPENSION = "SUSPENSION"
    REJET = "REJET"


class SortDirection(StrEnum):
    """``triSens`` (contract §2 [C: SWAG]; GO's "Ascendant " with a space is a bug)."""

    ASCENDING = "Ascendant"
    DESCENDING = "Descendant"


@dataclass(frozen=True, kw_only=True)
class Page[T]:
    """One page of a search. ``page`` is 1-based; ``pages`` is 0 when nothing matched."""

    page: int
    pages: int
    page_size: int
    total: int
    items: list[T]


@dataclass(frozen=True, kw_only=True)
class PageRequest:
    """Which page to ask for, and how to sort (sort columns depend on the operation)."""

    page: int = 1
    page_size: int = 100
    sort_column: str | None = None
    sort_direction: SortDirection | None = None

    def __post_init__(self) -> None:
        if self.page < 1 or self.page_size < 1:
            raise ValueError("page and page_size start at 1")


def iterate_pages[T](search: Callable[[PageRequest], Page[T]], page_size: int) -> Iterator[T]:
    """Yield every item of every page, asking ``search`` for page 1, 2, ... until the last one.

    Stops at ``pages`` as reported by the first answers (OCA's loop, contract §5.5), and also on an
    empty page so that a server that miscounts cannot make us loop forever.
    """
    number = 1
    while True:
        page = search(PageRequest(page=number, page_size=page_size))
        yield from page.items
        if not page.items or number >= page.pages:
            return
        number += 1
