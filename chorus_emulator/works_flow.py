"""The life of works pieces: creation, routing to their holder, deadlines, moves and the clock.

Routing reuses the invoices table's clock step (``next_step_at``): DEPOSEE ⏱
EN_COURS_ACHEMINEMENT ⏱ arrival at the validator or the holder; VALIDEE_1 (set by
traiter/factureAValider), ABSENCE_VALIDATION_1_HORS_DELAI and COMPLETEE move on the same way.
Deadlines are ``works_pieces.due_at``: a validator's or an MOE's silence changes the status at the
very moment the delay runs out, stamped with that moment.
"""

from chorus_emulator import invoices, works_pieces
from chorus_emulator.protocol import BusinessError
from chorus_emulator.rules import FORBIDDEN_TRANSITION, FORBIDDEN_TRANSITION_LIBELLE
from chorus_emulator.works_rules import (
    DAY,
    DESTINATAIRE,
    GENERAL_STATEMENT_DAYS,
    HOLDER_OF,
    MOA,
    MOE,
    TACIT_ANSWER_DAYS,
    VALIDATOR_DAYS,
    VALIDEUR,
    WORKS_SQL,
    arrival_status,
    framework,
    moe_days,
)

VALIDATOR_SILENT, MOE_SILENT = "VALIDATOR_SILENT", "MOE_SILENT"


def forbidden() -> BusinessError:
    return BusinessError(FORBIDDEN_TRANSITION, FORBIDDEN_TRANSITION_LIBELLE)


def create(store, clock, invoice_values: dict, piece_values: dict, *, login: str | None,
           attachments=()) -> int:
    """Insert a piece in DEPOSEE (history, attachments) and its works row; the clock routes it."""
    piece_id = invoices.create(store, clock, invoice_values, login=login, attachments=attachments)
    works_pieces.insert(store, {"id": piece_id, **piece_values})
    return piece_id


def associate(store, clock, previous_invoice, new_id: int, *, replaced: bool,
              login: str | None) -> None:
    """The previous piece's part is over: ASSOCIEE, or REMPLACEE_PAR_A22 for the tacit path."""
    invoices.set_status(store, clock, previous_invoice,
                        "REMPLACEE_PAR_A22" if replaced else "ASSOCIEE", login=login)
    works_pieces.update(store, previous_invoice["id"], next_id=new_id, due_at=None,
                        due_action=None)


def first_holder(frame, piece) -> str:
    if frame.goes_to == MOE and not piece["moe_id"]:
        return MOA  # a subcontractor's piece naming no MOE (annexe §2.1.2.14)
    return frame.goes_to


def arrive(store, clock, invoice, piece, holder: str, *, at: float,
           login: str | None = None) -> str:
    """Hand the piece to ``holder`` at ``at``: its waiting status, visibility and deadlines."""
    frame = framework(invoice["cadre"])
    status = arrival_status(frame, holder)
    updates = {"due_at": None, "due_action": None}
    if holder == VALIDEUR:
        due = at + VALIDATOR_DAYS * DAY
        updates.update(validator_due_at=due, due_at=due, due_action=VALIDATOR_SILENT)
    else:
        updates["routed"] = 1
    if holder == MOE:
        due = at + moe_days(frame) * DAY
        updates.update(moe_received_at=at, moe_due_at=due, due_at=due, due_action=MOE_SILENT)
    if holder in (MOE, MOA) and frame.clock == "final" and piece["general_due_at"] is None:
        updates["general_due_at"] = at + GENERAL_STATEMENT_DAYS * DAY
    if holder == MOA and frame.tacit:
        # The MOA's own days to answer the contractor's tacit projet (A22).
        updates["general_due_at"] = at + TACIT_ANSWER_DAYS * DAY
    if (holder in (MOE, MOA, DESTINATAIRE) and frame.clock == "payment"
            and piece["payment_start_at"] is None):
        # CCP R. 2192-12: the payment delay runs from the first receipt by the MOE (or by the
        # buyer when no MOE handles the piece), as stamped by Chorus Pro.
        updates.update(payment_start_at=at, payment_due_at=at + piece["payment_days"] * DAY)
    invoices.set_status(store, clock, invoice, status, at=at, login=login)
    works_pieces.update(store, invoice["id"], **updates)
    return status


def _step(store, clock, invoice, at: float) -> None:
    """One clock step of a routed piece."""
    piece = works_pieces.piece(store, invoice["id"])
    frame = framework(invoice["cadre"])
    status = invoice["status"]
    if status == "DEPOSEE":
        invoices.set_status(store, clock, invoice, "EN_COURS_ACHEMINEMENT", at=at)
    elif status == "EN_COURS_ACHEMINEMENT":
        holder = VALIDEUR if frame.validator and not piece["validated"] else first_holder(
            frame, piece)
        arrive(store, clock, invoice, piece, holder, at=at)
    elif status in ("VALIDEE_1", "ABSENCE_VALIDATION_1_HORS_DELAI"):
        # Validated, or tacitly accepted once the validator's 15 days ran out (§1.5 [S]).
        works_pieces.update(store, invoice["id"], validated=1)
        arrive(store, clock, invoice, {**piece, "validated": 1}, first_holder(frame, piece),
               at=at)
    elif status == "COMPLETEE" and piece["resume_status"]:
        resume(store, clock, invoice, piece, at=at)
    else:
        store.update_invoice(invoice["id"], next_step_at=None)


def resume(store, clock, invoice, piece, *, at: float) -> None:
    """Back to where the piece waited before its holder asked for completion."""
    status = piece["resume_status"]
    updates = {"resume_status": None, "due_at": None, "due_action": None}
    if status in ("A_ASSOCIER_MOE", "MISE_A_DISPOSITION_MOE") and piece["moe_due_at"]:
        updates.update(due_at=piece["moe_due_at"], due_action=MOE_SILENT)
    invoices.set_status(store, clock, invoice, status, at=at)
    works_pieces.update(store, invoice["id"], **updates)


def suspend(store, clock, invoice, *, comment: str, login: str | None) -> None:
    """The holder asks for completion: A_COMPLETER; its delay waits (CCP R. 2192-27)."""
    works_pieces.update(store, invoice["id"], resume_status=invoice["status"], due_at=None,
                        due_action=None)
    invoices.set_status(store, clock, invoice, "A_COMPLETER", comment=comment, login=login)


def complete(store, clock, invoice, piece, *, comment: str | None, login: str | None) -> None:
    """The depositor completes: COMPLETEE. The time spent suspended is added to the running
    deadlines; a piece its MOE or MOA suspended goes back to them at the next step."""
    now = clock.now()
    shift = now - invoice["status_at"]
    updates = {}
    if piece["payment_due_at"] is not None:
        updates["payment_due_at"] = piece["payment_due_at"] + shift
    if piece["resume_status"] in ("A_ASSOCIER_MOE", "MISE_A_DISPOSITION_MOE") and piece[
            "moe_due_at"]:
        updates["moe_due_at"] = piece["moe_due_at"] + shift
    if updates:
        works_pieces.update(store, invoice["id"], **updates)
    step = {"next_step_at": now + clock.step_delay} if piece["resume_status"] else {}
    invoices.set_status(store, clock, invoice, "COMPLETEE", comment=comment, login=login, **step)


def close(store, clock, invoice, status: str, *, comment: str | None,
          login: str | None, **piece_updates) -> None:
    """A final move for this piece (refused, taken into account...): no deadline waits on it."""
    works_pieces.update(store, invoice["id"], due_at=None, due_action=None, **piece_updates)
    invoices.set_status(store, clock, invoice, status, comment=comment, login=login)


def holder(invoice) -> str | None:
    return HOLDER_OF.get(invoice["status"])


# The clock ------------------------------------------------------------------------------------
def _silence(store, clock, invoice, piece, at: float) -> None:
    if piece["due_action"] == VALIDATOR_SILENT and invoice["status"] == "A_VALIDER_1":
        # Tacit acceptance goes on to the MOE; with no MOE the subcontractor may name one
        # (completermoe, annexe §2.1.2.14), so the piece waits.
        step = {"next_step_at": at + clock.step_delay} if piece["moe_id"] else {}
        invoices.set_status(store, clock, invoice, "ABSENCE_VALIDATION_1_HORS_DELAI", at=at,
                            **step)
    elif piece["due_action"] == MOE_SILENT and invoice["status"] in (
            "A_ASSOCIER_MOE", "MISE_A_DISPOSITION_MOE"):
        # The MOE stays able to act; the status records that it let its delay pass.
        invoices.set_status(store, clock, invoice, "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE",
                            at=at)
    works_pieces.update(store, piece["id"], due_at=None, due_action=None)


def apply_due_steps(app, now: float) -> int:
    """Apply every routing step and every deadline of works pieces due at ``now``, in time order,
    each stamped with its own due time."""
    store, clock = app.store, app.clock
    applied = 0
    while True:
        step = store.conn.execute(
            f"SELECT * FROM invoices WHERE next_step_at IS NOT NULL AND next_step_at <= ? "  # noqa: S608
            f"AND {WORKS_SQL} ORDER BY next_step_at, id LIMIT 1", (now,)).fetchone()
        deadline = store.conn.execute(
            "SELECT * FROM works_pieces WHERE due_at IS NOT NULL AND due_at <= ? "
            "ORDER BY due_at, id LIMIT 1", (now,)).fetchone()
        if step is None and deadline is None:
            return applied
        if deadline is None or (step is not None and step["next_step_at"] <= deadline["due_at"]):
            _step(store, clock, step, step["next_step_at"])
        else:
            _silence(store, clock, store.invoice(deadline["id"]), dict(deadline),
                     deadline["due_at"])
        applied += 1
