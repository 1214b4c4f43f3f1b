"""Works invoices (facturesTravaux): the frameworks, statuses, moves, deadlines and return codes the
emulator plays, in one place (contract-works-and-new-apis §1).

The real transition table is not public (§1.3 "[U]"); this module is the emulator's choice, listed
in ``chorus_emulator/README.md``. In short, for a monthly payment (CCAG-Travaux art. 12):

    contractor A4 ─soumettre→ DEPOSEE ⏱ EN_COURS_ACHEMINEMENT ⏱ A_ASSOCIER_MOE   (MOE: 7 days)
    MOE A15 answering it ─soumettre→ A4 ASSOCIEE; A15 … ⏱ A_ASSOCIER_MOA
    MOA A19 answering the A15 ─soumettre→ A15 ASSOCIEE; A19 … ⏱ MISE_A_DISPOSITION
    destinataire traiter/recue … MISE_EN_PAIEMENT, before the payment deadline (30 days from the
    MOE's receipt of the A4, suspensions excepted)

Subcontractor and co-contractor pieces first wait for their validator (the contractor, 15 days,
silence is acceptance). Nothing here touches the store: works_flow.py applies these rules.
"""

from dataclasses import dataclass

# An account attached to a structure with this role may use the works space for it
# (contract-works §1.1 [S: weka]: users need the habilitation on "Factures de travaux").
WORKS_ROLE = "FACTURES_TRAVAUX"
PAYMENT_REQUEST_TYPE = "FACTURE_TRAVAUX"  # typeDemandePaiement of works pieces [C: PAS-W]

DAY = 86400.0
# contract-works §1.5 [C: COMM-BP, CCAG art. 12.2.2]: the MOE has 7 days for a monthly request;
# [S: weka] 15 days is the regulatory ceiling for its other steps, which we apply to them [U].
MOE_MONTHLY_DAYS = 7
MOE_OTHER_DAYS = 15
VALIDATOR_DAYS = 15  # §1.5 [S: COMM-BP]: the contractor accepts or refuses a subcontractor's piece
# §1.5 [C: CCP R. 2192-10]: 30 days for the State and local authorities; a structure of the world
# may say otherwise with "delaiGlobalPaiementJours" (50 for hospitals, 60 for public companies).
PAYMENT_DAYS = 30
# §1.5 [S]: the MOA notifies the décompte général within 30 days of the MOE's receipt of the
# projet de décompte final; [U, CCAG-Travaux 2009 art. 13.4.4] it then has 10 days to answer the
# contractor's own projet (A22) before that becomes a tacit DGD (A23).
GENERAL_STATEMENT_DAYS = 30
TACIT_ANSWER_DAYS = 10

# Actors of a piece. FOURNISSEUR is the company of the billing file (contractor, co-contractor or
# subcontractor); the others are the parties the piece names.
FOURNISSEUR, MOE, MOA, VALIDEUR, DESTINATAIRE = (
    "FOURNISSEUR", "MOE", "MOA", "VALIDATEUR", "DESTINATAIRE")
SEARCH_ROLES = (FOURNISSEUR, MOE, MOA, VALIDEUR, DESTINATAIRE)  # roleUtilisateur [C/S]


@dataclass(frozen=True)
class Framework:
    """What a works billing framework (codeCadreFacturation) is in the chain (§1.2 [U])."""

    piece_type: str  # typeFactureTravaux
    deposited_by: str  # FOURNISSEUR, MOE or MOA
    answers: tuple[str, ...] = ()  # frameworks it may follow; () = it opens a billing file
    goes_to: str = MOE  # who holds it once routed
    validator: bool = False  # a subcontractor's or co-contractor's piece: validated first
    monthly: bool = False  # the MOE's 7 days rather than 15
    clock: str | None = None  # "payment" starts the payment delay, "final" the DG delay
    tacit: bool = False  # answers a piece whose holder let its delay pass (tacit procedure)
    subcontracted: bool = False  # annexe §2.1.2.9: may be "pris en compte"


_MONTHLY_REQUESTS = ("A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR",
                     "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT",
                     "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT")
_FINAL_REQUESTS = ("A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR",
                   "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT",
                   "A14_PROJET_DECOMPTE_FINAL_COTRAITANT")
_TACIT_STATEMENT = "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE"

# contract-works §1.2: the frameworks [S: GO] and the chains the public guides describe [C: weka,
# COMM-BP, KB0011386]; which framework follows which, and who holds each, are [U].
FRAMEWORKS: dict[str, Framework] = {
    "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR": Framework(
        "PROJET_DECOMPTE_MENSUEL", FOURNISSEUR, monthly=True, clock="payment"),
    "A5_ETAT_ACOMPTE_FOURNISSEUR": Framework(
        "ETAT_ACOMPTE", FOURNISSEUR, goes_to=MOA, clock="payment"),
    "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR": Framework(
        "ETAT_ACOMPTE_VALIDE", FOURNISSEUR, goes_to=DESTINATAIRE, clock="payment"),
    "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR": Framework(
        "PROJET_DECOMPTE_FINAL", FOURNISSEUR, clock="final"),
    "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR": Framework(
        "DECOMPTE_GENERAL_SIGNE", FOURNISSEUR,
        ("A18_DECOMPTE_GENERAL_MOE", "A20_DECOMPTE_GENERAL_MOA"), DESTINATAIRE, clock="payment"),
    "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT": Framework(
        "PROJET_DECOMPTE_MENSUEL", FOURNISSEUR, validator=True, monthly=True, clock="payment",
        subcontracted=True),
    "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT": Framework(
        "PROJET_DECOMPTE_FINAL", FOURNISSEUR, validator=True, clock="final", subcontracted=True),
    "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT": Framework(
        "PROJET_DECOMPTE_MENSUEL", FOURNISSEUR, validator=True, monthly=True, clock="payment"),
    "A14_PROJET_DECOMPTE_FINAL_COTRAITANT": Framework(
        "PROJET_DECOMPTE_FINAL", FOURNISSEUR, validator=True, clock="final"),
    "A15_ETAT_ACOMPTE_MOE": Framework("ETAT_ACOMPTE", MOE, _MONTHLY_REQUESTS, MOA),
    "A16_ETAT_ACOMPTE_VALIDE_MOE": Framework(
        "ETAT_ACOMPTE_VALIDE", MOE, _MONTHLY_REQUESTS, DESTINATAIRE),
    "A17_PROJET_DECOMPTE_GENERAL_MOE": Framework(
        "PROJET_DECOMPTE_GENERAL", MOE, _FINAL_REQUESTS, MOA),
    "A18_DECOMPTE_GENERAL_MOE": Framework("DECOMPTE_GENERAL", MOE, _FINAL_REQUESTS, FOURNISSEUR),
    "A19_ETAT_ACOMPTE_VALIDE_MOA": Framework(
        "ETAT_ACOMPTE_VALIDE", MOA, ("A15_ETAT_ACOMPTE_MOE", "A5_ETAT_ACOMPTE_FOURNISSEUR"),
        DESTINATAIRE),
    "A20_DECOMPTE_GENERAL_MOA": Framework(
        "DECOMPTE_GENERAL", MOA, ("A17_PROJET_DECOMPTE_GENERAL_MOE", _TACIT_STATEMENT),
        FOURNISSEUR),
    _TACIT_STATEMENT: Framework(
        "PROJET_DECOMPTE_GENERAL_PROCEDURE_TACITE", FOURNISSEUR,
        (*_FINAL_REQUESTS, "A17_PROJET_DECOMPTE_GENERAL_MOE"), MOA, tacit=True),
    "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR": Framework(
        "DECOMPTE_GENERAL_DEFINITIF_TACITE", FOURNISSEUR, (_TACIT_STATEMENT,), DESTINATAIRE,
        clock="payment", tacit=True),
    "A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE": Framework(
        "DECOMPTE_GENERAL_DEFINITIF_TACITE", MOE, (_TACIT_STATEMENT,), DESTINATAIRE,
        clock="payment", tacit=True),
    "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE": Framework(
        "DECOMPTE_GENERAL_DEFINITIF_PROCEDURE_TACITE", MOE, (_TACIT_STATEMENT,), DESTINATAIRE,
        clock="payment", tacit=True),
}
WORKS_FRAMEWORKS = tuple(FRAMEWORKS)

# contract-works §1.2 [S: ZMOG; C for PROJET_DECOMPTE_MENSUEL]: the list served by
# transverses/v1/recuperer/typefacturetravaux.
WORKS_INVOICE_TYPES = (
    "PROJET_DECOMPTE_MENSUEL", "ETAT_ACOMPTE", "ETAT_ACOMPTE_VALIDE", "PROJET_DECOMPTE_FINAL",
    "PROJET_DECOMPTE_GENERAL", "DECOMPTE_GENERAL", "DECOMPTE_GENERAL_SIGNE",
    "PROJET_DECOMPTE_GENERAL_PROCEDURE_TACITE", "DECOMPTE_GENERAL_DEFINITIF_TACITE",
    "DECOMPTE_GENERAL_DEFINITIF_PROCEDURE_TACITE", "DP_DE_SOUSTRAITANT_TRAVAUX")

# Where a routed piece waits, by holder. A subcontractor's piece is "mis à disposition" rather
# than "à associer": its holder may close it with prendreencompte (annexe §2.1.2.9) [U].
ARRIVAL = {MOE: "A_ASSOCIER_MOE", MOA: "A_ASSOCIER_MOA", FOURNISSEUR: "A_ASSOCIER_FOURNISSEUR",
           DESTINATAIRE: "MISE_A_DISPOSITION", VALIDEUR: "A_VALIDER_1"}
SUBCONTRACTED_ARRIVAL = {**ARRIVAL, MOE: "MISE_A_DISPOSITION_MOE", MOA: "MISE_A_DISPOSITION_MOA"}
HOLDER_OF = {
    "A_VALIDER_1": VALIDEUR,
    "A_ASSOCIER_MOE": MOE, "MISE_A_DISPOSITION_MOE": MOE,
    "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE": MOE,
    "A_ASSOCIER_MOA": MOA, "MISE_A_DISPOSITION_MOA": MOA,
    "A_ASSOCIER_FOURNISSEUR": FOURNISSEUR,
}
REFUSED = {VALIDEUR: "REFUSEE_1", MOE: "REFUSEE_MOE", MOA: "REFUSEE_MOA",
           FOURNISSEUR: "REFUSEE_FOURNISSEUR"}
TAKEN_INTO_ACCOUNT = {MOE: "PRISE_EN_COMPTE_MOE", MOA: "PRISE_EN_COMPTE_MOA",
                      DESTINATAIRE: "PRISE_EN_COMPTE_DESTINATAIRE"}
# Refusals that send the piece back to its depositor to fix the routing (annexe §2.1.2.13,
# §2.1.2.14); with recycling withdrawn (annexe §2), a wrong MOA is a plain refusal.
ROUTING_REFUSALS = {("MAUVAISE_MOE", MOE): "ERREUR_FOURNISSEUR_SUR_MOE",
                    ("MAUVAIS_VALIDEUR", VALIDEUR): "ERREUR_FOURNISSEUR_SUR_VALIDEUR"}
ONLY_BY = {"MAUVAISE_MOE": MOE, "MAUVAIS_VALIDEUR": VALIDEUR}
# contract-works §1.4.7 [C: KB0011867]: an amount disagreement is not a refusal; the emulator
# refuses the refusal, as the portal's window does.
AMOUNT_ERROR = "ERREUR_MONTANT"

# Who may do what, from which status (the README's table is this).
SUSPENDABLE_BY = (MOE, MOA)
COMPLETABLE = ("A_COMPLETER", "SUSPENDUE")
MOE_FIXABLE = ("ERREUR_FOURNISSEUR_SUR_MOE",)
VALIDATOR_FIXABLE = ("REFUSEE_1", "ERREUR_FOURNISSEUR_SUR_VALIDEUR")
ROUTING_STATUSES = ("DEPOSEE", "EN_COURS_ACHEMINEMENT", "VALIDEE_1",
                    "ABSENCE_VALIDATION_1_HORS_DELAI", "COMPLETEE")

# Every status a works piece can take here (served to the admin API's seeding).
WORKS_STATUSES = frozenset((
    "DEPOSEE", "EN_COURS_ACHEMINEMENT", "A_VALIDER_1", "VALIDEE_1", "REFUSEE_1",
    "ABSENCE_VALIDATION_1_HORS_DELAI", "ERREUR_FOURNISSEUR_SUR_VALIDEUR", *HOLDER_OF,
    "ASSOCIEE", "REMPLACEE_PAR_A22", "A_COMPLETER", "COMPLETEE", "ERREUR_FOURNISSEUR_SUR_MOE",
    *REFUSED.values(), *TAKEN_INTO_ACCOUNT.values(), "MISE_A_DISPOSITION", "SUSPENDUE",
    "REJETEE", "SERVICE_FAIT", "MANDATEE", "MISE_A_DISPOSITION_COMPTABLE", "COMPTABILISEE",
    "MISE_EN_PAIEMENT"))

# Return codes. contract-works §1.6 [C: ANNEX change log V4.10]: soumettreFactureTravaux has
# codes 20003–20005, 20042, 20064, 20065, 20127–20129, 20131–20134 and rechercher has 20007 and
# 20008; their meanings are unknown, so the meanings below are ours [U]. 20001, 20002, 20013,
# 20014, 20015, 20016, 20017, 20018 and 20019 keep the meaning they have for simple invoices.
NO_RESULT = 20007  # [C: PAS-W, PAS-L]
NO_RESULT_LIBELLE = "GFT_MSG_01.075 La recherche n'a retourné aucun résultat"
BAD_ROLE = 20008
DUPLICATE_NUMBER = 20015
MOE_SERVICE_UNKNOWN = 20064
MOA_SERVICE_UNKNOWN = 20065
PREVIOUS_UNKNOWN = 20127
CHAIN_BROKEN = 20128
PREVIOUS_NOT_WAITING = 20129
MOE_UNKNOWN = 20131
MOA_UNKNOWN = 20132
NOT_DEPOSITOR = 20133
TACIT_TOO_EARLY = 20134


def framework(code: str | None) -> Framework | None:
    return FRAMEWORKS.get(code or "")


def is_works(cadre: str | None) -> bool:
    return (cadre or "") in FRAMEWORKS


def payment_request_type(cadre: str | None) -> str:
    return PAYMENT_REQUEST_TYPE if is_works(cadre) else "FACTURE"


def works_type(cadre: str | None) -> str | None:
    found = framework(cadre)
    return found.piece_type if found else None


def frameworks_of_types(types: list[str]) -> tuple[str, ...]:
    return tuple(code for code, frame in FRAMEWORKS.items() if frame.piece_type in types)


def moe_days(frame: Framework) -> int:
    return MOE_MONTHLY_DAYS if frame.monthly else MOE_OTHER_DAYS


def arrival_status(frame: Framework, holder: str) -> str:
    return (SUBCONTRACTED_ARRIVAL if frame.subcontracted else ARRIVAL)[holder]


def _quoted(codes) -> str:
    # Constant identifiers of this module, never caller input: safe inside SQL.
    return ", ".join(f"'{code}'" for code in codes)


# SQL fragments on the invoices table, for the searches and the clock of simple invoices.
WORKS_SQL = f"cadre IN ({_quoted(WORKS_FRAMEWORKS)})"
NOT_WORKS_SQL = f"cadre NOT IN ({_quoted(WORKS_FRAMEWORKS)})"


def payment_request_clause(side: str, kind: str | None, works_types: list[str]) -> str | None:
    """Which invoices rows a factures/v1 search covers, by ``typeDemandePaiement``.

    The supplier's rechercher/fournisseur never lists works pieces (they have their own search).
    rechercher/recipiendaire: FACTURE → simple invoices, FACTURE_TRAVAUX → works pieces,
    absent → both (contract §5.12 [U]: the field became optional, annex change log V3.x);
    ``listeTypeFactureTravaux`` narrows works pieces to some types.
    """
    if side == "supplier":
        return NOT_WORKS_SQL
    if side != "recipient":
        return None
    if kind == "FACTURE":
        return NOT_WORKS_SQL
    works = WORKS_SQL
    if works_types:
        wanted = frameworks_of_types(works_types)
        works = f"cadre IN ({_quoted(wanted)})" if wanted else "0"
    if kind == PAYMENT_REQUEST_TYPE:
        return works
    if kind is None:
        return f"({NOT_WORKS_SQL} OR {works})" if works_types else None
    return "0"  # an unknown typeDemandePaiement matches nothing
