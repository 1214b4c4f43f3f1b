"""The invoice life cycle shared by every way of creating or treating an invoice: routing checks,
creation, status changes with history, and the clock-driven steps.

contract §9.1/§9.3 and §5.13 [U]: the life cycle we chose is
    DEPOSEE → EN_COURS_ACHEMINEMENT → MISE_A_DISPOSITION                    (A1, A2)
    DEPOSEE → EN_COURS_ACHEMINEMENT → A_VALIDER_1 → VALIDEE_1 → MISE_A_DISPOSITION  (A9, A12)
                                                   ↘ REFUSEE_1 → (corriger valideur) → A_VALIDER_1
and, when the recipient requires a second validation (world key ``valideurSecondNiveau``),
    … → VALIDEE_1 → A_VALIDER_2 → VALIDEE_2 → MISE_A_DISPOSITION
                               ↘ REFUSEE_2 → (corriger valideur) → A_VALIDER_1
each arrow driven by the clock except the validators' decisions and the supplier's correction.
The recipient sees an invoice from its first MISE_A_DISPOSITION on; the first validator from
A_VALIDER_1, the second from A_VALIDER_2.
"""

from decimal import Decimal
from functools import partial

from chorus_emulator import rules, works_pieces
from chorus_emulator.protocol import BusinessError, dumps
from chorus_emulator.rules import (
    COMMITMENT_REQUIRED,
    COMMITMENT_UNKNOWN,
    DUPLICATE_NUMBER,
    PUBLIC_SERVICE_FOR_PRIVATE,
    RECIPIENT_INACTIVE,
    RECIPIENT_UNKNOWN,
    SERVICE_INACTIVE,
    SERVICE_REQUIRED,
    SERVICE_UNKNOWN,
    UNKNOWN_INVOICE,
    UNKNOWN_INVOICE_LIBELLE,
    VALIDATOR,
)
from chorus_emulator.works_rules import NOT_WORKS_SQL

# Statuses the clock moves on by itself, and where each one leads.
ROUTED_STATUSES = ("DEPOSEE", "EN_COURS_ACHEMINEMENT", "VALIDEE_1", "VALIDEE_2")
# What a validator may do with an invoice waiting at its level, per level.
VALIDATION_OUTCOMES = {1: {"VALIDATION": "VALIDEE_1", "REFUS": "REFUSEE_1"},
                       2: {"VALIDATION": "VALIDEE_2", "REFUS": "REFUSEE_2"}}


def check_routing(world, supplier: dict, code_destinataire: str | None,
                  code_service: str | None, numero_ej: str | None) -> tuple[dict, dict | None]:
    """Apply the recipient's routing rules (contract §4.2, §4.4, §12) and return
    (recipient structure, service or None)."""
    if not code_destinataire:
        raise BusinessError(RECIPIENT_UNKNOWN, "Le destinataire (codeDestinataire) n'est pas "
                                               "renseigné.")
    recipient = world.structures_by_siret.get(code_destinataire)
    if recipient is None or recipient["typeStructure"] != "PUBLIQUE":
        raise BusinessError(RECIPIENT_UNKNOWN, f"Le destinataire {code_destinataire} est inconnu "
                                               f"de Chorus Pro ou n'est pas une entité publique.")
    if recipient["statut"] != "ACTIVE":
        raise BusinessError(RECIPIENT_INACTIVE, f"Le destinataire {code_destinataire} n'est pas "
                                                f"actif dans Chorus Pro.")
    params = recipient.get("parametres", {})
    service = None
    if code_service:
        service = world.service_by_code(recipient["idStructureCPP"], code_service)
        if service is None:
            raise BusinessError(SERVICE_UNKNOWN, f"Le service {code_service} n'existe pas pour "
                                                 f"le destinataire {code_destinataire}.")
        if not service.get("estActif", True):
            raise BusinessError(SERVICE_INACTIVE, f"Le service {code_service} du destinataire "
                                                  f"{code_destinataire} n'est pas actif.")
        if code_service == "FACTURES_PUBLIQUES" and supplier["typeStructure"] == "PRIVEE":
            # contract §4.3 / §11.4: reserved for invoicing between public entities.
            raise BusinessError(PUBLIC_SERVICE_FOR_PRIVATE, "Le service FACTURES_PUBLIQUES est "
                                "réservé aux factures entre entités publiques ; un fournisseur "
                                "privé doit indiquer un autre service.")
    either = params.get("gestionNumeroEJOuCodeService")
    if either and not code_service and not numero_ej:
        raise BusinessError(SERVICE_REQUIRED, f"Le destinataire {code_destinataire} exige un "
                                              f"code service ou un numéro d'engagement.")
    if not either and params.get("codeServiceDoitEtreRenseigne") and not code_service:
        raise BusinessError(SERVICE_REQUIRED, f"Le code service est obligatoire pour le "
                                              f"destinataire {code_destinataire}.")
    ej_required = (not either and params.get("numeroEJDoitEtreRenseigne")) or bool(
        service and service.get("numeroEngagement"))
    if ej_required and not numero_ej:
        where = (f"le service {code_service}" if service and service.get("numeroEngagement")
                 else f"le destinataire {code_destinataire}")
        raise BusinessError(COMMITMENT_REQUIRED, f"Le numéro d'engagement juridique est "
                                                 f"obligatoire pour {where}.")
    # contract §6 [U]: a commitment number is checked against the commitments only when the
    # recipient's rules involve one; elsewhere numeroBonCommande is a free purchase reference.
    if numero_ej and (ej_required or either):
        check_commitment(world, recipient, supplier, numero_ej)
    return recipient, service


def check_commitment(world, recipient: dict, supplier: dict, numero_ej: str) -> None:
    if len(numero_ej) > rules.MAX_EJ_LENGTH:
        raise BusinessError(COMMITMENT_UNKNOWN, "Le numéro d'engagement juridique ne doit pas "
                                                "dépasser 50 caractères.")
    commitment = world.commitment(numero_ej)
    if (commitment is None
            or commitment["idStructureEmettrice"] != recipient["idStructureCPP"]
            or commitment.get("etatCourantEngagementJuridique") != "COMMANDE"
            or commitment.get("idStructureFournisseur") not in (None,
                                                                supplier["idStructureCPP"])):
        raise BusinessError(COMMITMENT_UNKNOWN, f"L'engagement juridique {numero_ej} est "
                                                f"inconnu pour le destinataire "
                                                f"{recipient['identifiantStructure']} et ce "
                                                f"fournisseur.")


def check_validator(world, cadre: str, siret: str | None) -> dict | None:
    """contract §5.3/§5.13 [U]: frameworks with a validator (A9, A12) must name an active
    structure in cadreDeFacturation.codeStructureValideur; other frameworks ignore it."""
    if cadre not in world.referentiels.get("cadresAvecValideur", []):
        return None
    if not siret:
        raise BusinessError(VALIDATOR, f"Le cadre de facturation {cadre} exige une structure "
                                       f"valideuse (codeStructureValideur).")
    validator = world.structures_by_siret.get(siret)
    if validator is None or validator["statut"] != "ACTIVE":
        raise BusinessError(VALIDATOR, f"La structure valideuse {siret} est inconnue ou "
                                       f"inactive.")
    return validator


def second_validator(world, recipient: dict, validator: dict | None) -> dict | None:
    """[U] contract §5.13/§9.1: A_VALIDER_2 exists but not what sends an invoice there. In the
    emulator a recipient may name, in its world entry, the structure that validates its
    invoices a second time (``valideurSecondNiveau``, a SIRET); only invoices that have a first
    validator get the second one."""
    siret = recipient.get("valideurSecondNiveau")
    if validator is None or not siret:
        return None
    second = world.structures_by_siret.get(siret)
    return second if second is not None and second["statut"] == "ACTIVE" else None


def check_number_free(store, supplier_id: int, numero: str) -> None:
    # [U] no public code for a duplicate number: 20015, numbers unique per supplier whatever
    # the status of the earlier invoice.
    if store.number_taken(supplier_id, numero):
        raise BusinessError(DUPLICATE_NUMBER, f"Le numéro de facture {numero} a déjà été utilisé "
                                              f"par ce fournisseur.")


# Creation and status changes ----------------------------------------------------------------
def create(store, clock, values: dict, *, login: str | None, attachments=(),
           at: float | None = None) -> int:
    """Insert an invoice in DEPOSEE and schedule its routing. Runs inside a transaction."""
    invoice_id = store.next_id("invoice")
    at = clock.now() if at is None else at
    values = {
        "id": invoice_id, "status": "DEPOSEE", "status_at": at, "deposited_at": at,
        "next_step_at": at + clock.step_delay, "creator": login, **values,
    }
    if isinstance(values.get("data"), dict):
        values["data"] = dumps(values["data"]).decode("utf-8")
    for key in ("montant_ht", "montant_tva", "montant_ttc", "montant_a_payer"):
        values[key] = str(values.get(key) or Decimal(0))
    store.insert_invoice(values)
    store.add_history(invoice_id, "statut", "DEPOSEE", at, None, login)
    for attachment_id, role, designation in attachments:
        store.link_attachment(invoice_id, attachment_id, role, designation)
    return invoice_id


def set_status(store, clock, invoice, status: str, *, at: float | None = None,
               comment: str | None = None, login: str | None = None, **updates) -> None:
    """Move an invoice to ``status``, append the history entry and schedule the next step."""
    at = clock.now() if at is None else at
    values = {"status": status, "status_at": at, "status_comment": comment,
              "next_step_at": at + clock.step_delay if status in ROUTED_STATUSES else None,
              **updates}
    if status == "MISE_A_DISPOSITION":
        values["visible_to_recipient"] = 1
    if status == "A_VALIDER_1":
        values["visible_to_validator"] = 1
    if status == "A_VALIDER_2":
        values["visible_to_validator2"] = 1
    store.update_invoice(invoice["id"], **values)
    store.add_history(invoice["id"], "statut", status, at, comment, login)


def add_action(store, clock, invoice_id: int, code: str, login: str | None,
               comment: str | None = None) -> None:
    store.add_history(invoice_id, "action", code, clock.now(), comment, login)


def _has_passed(store, invoice, status: str) -> bool:
    return store.conn.execute("SELECT 1 FROM history WHERE invoice_id = ? AND code = ?",
                              (invoice["id"], status)).fetchone() is not None


def next_routed_status(store, invoice) -> str:
    status = invoice["status"]
    if status == "DEPOSEE":
        return "EN_COURS_ACHEMINEMENT"
    # A re-routed (recycled) invoice does not wait again for a validation it already had.
    if status == "EN_COURS_ACHEMINEMENT":
        if invoice["validator_id"] and not _has_passed(store, invoice, "VALIDEE_1"):
            return "A_VALIDER_1"
        if invoice["validator2_id"] and not _has_passed(store, invoice, "VALIDEE_2"):
            return "A_VALIDER_2"
    if status == "VALIDEE_1" and invoice["validator2_id"]:
        return "A_VALIDER_2"
    return "MISE_A_DISPOSITION"


def apply_due_steps(store, clock, now: float) -> int:
    """Apply every routing step due at ``now``, each stamped with its own due time. Works pieces
    have their own path (works_flow.apply_due_steps)."""
    applied = 0
    while True:
        due = store.conn.execute(
            "SELECT * FROM invoices WHERE next_step_at IS NOT NULL AND next_step_at <= ? "  # noqa: S608
            f"AND {NOT_WORKS_SQL} ORDER BY next_step_at, id LIMIT 1000", (now,)).fetchall()
        if not due:
            return applied
        for invoice in due:
            set_status(store, clock, invoice, next_routed_status(store, invoice),
                       at=invoice["next_step_at"])
            applied += 1


# Access, scoped to the caller's structures ---------------------------------------------------
def supplier_sees(account, invoice) -> bool:
    return account.has_role(invoice["supplier_id"], "FOURNISSEUR")


def recipient_sees(account, invoice) -> bool:
    return bool(invoice["visible_to_recipient"]) and account.has_role(invoice["recipient_id"],
                                                                      "DESTINATAIRE")


def validator_sees(account, invoice) -> bool:
    return validator_level(account, invoice) is not None


def validator_level(account, invoice) -> int | None:
    """The validation level at which ``account`` sees the invoice: 2 when it is the second
    validator and the invoice reached it, else 1 when it is the first, else None."""
    if invoice["visible_to_validator2"] and account.has_role(invoice["validator2_id"],
                                                             "VALIDATEUR"):
        return 2
    if invoice["visible_to_validator"] and account.has_role(invoice["validator_id"],
                                                            "VALIDATEUR"):
        return 1
    return None


def _visible(store, account, invoice_id, *sides):
    """The invoice if one of ``sides`` lets the account see it; otherwise the "unknown invoice"
    error, so a caller cannot tell someone else's invoice from a missing one."""
    invoice = store.invoice(invoice_id) if invoice_id is not None else None
    if invoice is None or not any(sees(account, invoice) for sees in sides):
        raise BusinessError(UNKNOWN_INVOICE, UNKNOWN_INVOICE_LIBELLE)
    return invoice


def for_supplier(store, account, invoice_id):
    return _visible(store, account, invoice_id, supplier_sees)


def for_recipient(store, account, invoice_id):
    return _visible(store, account, invoice_id, recipient_sees)


def for_validator(store, account, invoice_id):
    return _visible(store, account, invoice_id, validator_sees)


def for_any_side(store, account, invoice_id):
    """Whoever may see the invoice: its supplier, recipient or validator, and for a works piece
    its MOE and MOA too."""
    return _visible(store, account, invoice_id, supplier_sees, recipient_sees, validator_sees,
                    partial(works_pieces.party_sees, store))
