"""Business rules and their return codes.

contract §8.1/§13 [U]: the official error appendix is not public. Apart from 20000, 20002 and
20003 (whose meaning the contract records), every code below is our choice. Codes 20303–20305
are known to exist for soumettreFacture (SPEC410) and are used for the arithmetic checks, 20013
for the main attachment; the wording of every libelle is ours.
"""

from decimal import Decimal

from chorus_emulator.protocol import BusinessError

NO_RESULT = 20000  # contract §5.12 [C]
UNKNOWN_INVOICE = 20001
FORBIDDEN_TRANSITION = 20002  # contract §5.12 [S]
ATTACHMENT_TOO_LARGE = 20003  # contract §3.2 [S]
ATTACHMENT_NAME = 20004
RECIPIENT_UNKNOWN = 20005
RECIPIENT_INACTIVE = 20006
SERVICE_REQUIRED = 20007
SERVICE_UNKNOWN = 20008
SERVICE_INACTIVE = 20009
COMMITMENT_REQUIRED = 20010
COMMITMENT_UNKNOWN = 20011
PUBLIC_SERVICE_FOR_PRIVATE = 20012
MAIN_ATTACHMENT = 20013  # contract §8.1 [S]: 20013 exists for soumettre; meaning ours
SUPPLIER_NOT_ALLOWED = 20014
DUPLICATE_NUMBER = 20015
MOTIF = 20016
INVALID_VALUE = 20017
VALIDATOR = 20018
BANK_ACCOUNT = 20019
STRUCTURE_UNKNOWN = 20020
FLOW_UNKNOWN = 20021
FLOW_SYNTAX = 20022
LINES_TOTAL = 20303
VAT_TOTAL = 20304
TTC_TOTAL = 20305

NO_RESULT_LIBELLE = "TRA_MSG_00.015 La recherche n'a retourné aucun résultat"
FORBIDDEN_TRANSITION_LIBELLE = (
    "Incohérence au niveau du statut d'origine ou de destination de la facture.")
UNKNOWN_INVOICE_LIBELLE = "GDP_MSG_11.008 La demande de paiement est inconnue du système."

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # contract §3.2 [S]
# Annex v6.1 §1.3: "Dans le cas spécifique d'une facture sa taille maximale est de 100 MO
# décompressé": an invoice with all its files, and each invoice file of a flow once unpacked.
MAX_INVOICE_BYTES = 100 * 1024 * 1024
MAX_ATTACHMENT_NAME = 50  # contract §8.3 [S]: including the extension
MAX_MOTIF = 255  # contract §5.12 [S]
MAX_EJ_LENGTH = 50  # contract §8.3 [S]
TOLERANCE = Decimal("0.01")

# contract §3.2 [S]: FE's docstring list, which OCA's agrees with (FE's XSD and XSL included).
ALLOWED_EXTENSIONS = frozenset((
    "BMP", "GIF", "FAX", "ODT", "PPT", "TIFF", "XLS", "BZ2", "GZ", "JPEG", "P7S", "RTF", "TXT",
    "XML", "CSV", "GZIP", "JPG", "PDF", "SVG", "XHTML", "XLSX", "DOC", "HTM", "ODP", "PNG", "TGZ",
    "XLC", "ZIP", "DOCX", "HTML", "ODS", "PPS", "TIF", "XLM", "PPTX", "XSD", "XSL"))

MODES_DEPOT = ("SAISIE_API", "DEPOT_PDF_API", "DEPOT_PDF_SIGNE_API")  # contract §9.9 [C]
PDF_MODES = ("DEPOT_PDF_API", "DEPOT_PDF_SIGNE_API")
TYPES_FACTURE = ("FACTURE", "AVOIR")  # contract §9.8
TYPES_TVA = ("TVA_SUR_DEBIT", "TVA_SUR_ENCAISSEMENT", "EXONERATION", "SANS_TVA")  # §9.4

# contract §9.3 [U]: the proposed matrix, used by traiter/recue AND
# recupererEtatsPossiblesPourTraitement so the two can never disagree. Annexe v6.1 §2 withdraws
# recycling: A_RECYCLER is no longer a status a recipient may set (a wrong routing is a
# rejection, and the supplier issues a new invoice); asking for it is a forbidden transition.
_AFTER_AVAILABLE = ("SUSPENDUE", "REJETEE", "SERVICE_FAIT", "MANDATEE",
                    "MISE_A_DISPOSITION_COMPTABLE", "COMPTABILISEE", "MISE_EN_PAIEMENT")
RECIPIENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "MISE_A_DISPOSITION": _AFTER_AVAILABLE,
    "COMPLETEE": _AFTER_AVAILABLE,
    "SERVICE_FAIT": ("SUSPENDUE", "REJETEE", "MANDATEE", "MISE_A_DISPOSITION_COMPTABLE",
                     "COMPTABILISEE", "MISE_EN_PAIEMENT"),
    "MANDATEE": ("REJETEE", "MISE_A_DISPOSITION_COMPTABLE", "COMPTABILISEE", "MISE_EN_PAIEMENT"),
    "MISE_A_DISPOSITION_COMPTABLE": ("REJETEE", "COMPTABILISEE", "MISE_EN_PAIEMENT"),
    "COMPTABILISEE": ("MISE_EN_PAIEMENT",),
}

# contract §9.1: every status value the emulator knows; used to validate inputs.
KNOWN_STATUSES = frozenset((
    "BROUILLON", "DEPOSEE", "EN_COURS_ACHEMINEMENT", "MISE_A_DISPOSITION", "A_RECYCLER",
    "SUSPENDUE", "COMPLETEE", "REJETEE", "SERVICE_FAIT", "MANDATEE",
    "MISE_A_DISPOSITION_COMPTABLE", "COMPTABILISEE", "MISE_EN_PAIEMENT", "ABANDONNEE",
    "SUPPRIMEE", "A_VALIDER_1", "VALIDEE_1", "REFUSEE_1", "ABSENCE_VALIDATION_1_HORS_DELAI",
    "ERREUR_FOURNISSEUR_SUR_VALIDEUR", "A_VALIDER_2", "VALIDEE_2", "REFUSEE_2",
    "ABSENCE_VALIDATION_2_HORS_DELAI", "ERREUR_COTRAITANT_SUR_VALIDEUR"))

MOTIF_REQUIRED = ("SUSPENDUE", "REJETEE")  # contract §9.3 [S]


def allowed_targets(status: str) -> tuple[str, ...]:
    return RECIPIENT_TRANSITIONS.get(status, ())


def check_transition(current: str, target: str) -> None:
    if target not in allowed_targets(current):
        raise BusinessError(FORBIDDEN_TRANSITION, FORBIDDEN_TRANSITION_LIBELLE)


def check_motif(target: str, motif: str | None, *, required_for=MOTIF_REQUIRED) -> None:
    if target in required_for and not (motif or "").strip():
        raise BusinessError(MOTIF, f"Le motif est obligatoire pour passer la facture au statut "
                                   f"{target}.")
    if motif and len(motif) > MAX_MOTIF:
        raise BusinessError(MOTIF, f"Le motif ne doit pas dépasser {MAX_MOTIF} caractères.")


def check_attachment(name: str, extension: str | None, size: int) -> str:
    """Return the normalised extension, or raise the attachment error (contract §3.2)."""
    if size > MAX_ATTACHMENT_BYTES:
        raise BusinessError(ATTACHMENT_TOO_LARGE,
                            "La taille de la pièce jointe dépasse la limite autorisée de 10 Mo.")
    if len(name) > MAX_ATTACHMENT_NAME:
        raise BusinessError(ATTACHMENT_NAME, f"Le nom de la pièce jointe ne doit pas dépasser "
                                             f"{MAX_ATTACHMENT_NAME} caractères, extension "
                                             f"comprise.")
    if "." not in name.strip(".") :
        raise BusinessError(ATTACHMENT_NAME, "Le nom de la pièce jointe doit comporter une "
                                             "extension.")
    name_extension = name.rsplit(".", 1)[1].upper()
    extension = (extension or name_extension).upper().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS or name_extension not in ALLOWED_EXTENSIONS:
        raise BusinessError(ATTACHMENT_NAME, f"L'extension {extension} n'est pas autorisée pour "
                                             f"une pièce jointe.")
    return extension


def close_enough(left: Decimal, right: Decimal) -> bool:
    return abs(left - right) <= TOLERANCE


def check_ttc(ht: Decimal, tva: Decimal, ttc: Decimal) -> None:
    """TTC = HT + TVA within the tolerance (20305), for every way of depositing an invoice."""
    if not close_enough(ttc, ht + tva):
        raise BusinessError(TTC_TOTAL, f"Le montant TTC ({ttc}) doit être égal au montant HT "
                                       f"({ht}) augmenté du montant de TVA ({tva}).")
