"""What each party does with a works piece it holds, carried to Chorus Pro by a worker.

- Take into account: the holder deposits its own piece answering the one it holds (the MOE's
  payment statement A15 answering the contractor's A4, the MOA's validated statement A19
  answering the A15...), stating the works it admits; it goes through the works sending queue,
  exactly once. A subcontractor's piece is closed with prendreencompte instead.
- Refuse (with a reason of Chorus Pro's list), ask to complete (with what is missing), complete
  (the depositor, with a comment and documents): decisions queued in the shared actions queue
  (invoices/actions/), one at a time per piece, each safe to run twice.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus_client import InvoiceStatus, SupportingAttachment, ValidatorAction, WorksParty
from invoices.actions.services import ActionNotAllowedError, action_handler, action_queue
from invoices.attachments import attachment_add
from invoices.models import Attachment, Invoice, InvoiceAction, WorksPiece
from invoices.sending.preflight import facturx_preflight_check
from invoices.sending.submission import attachments_upload_missing
from invoices.works.drafting import statement_amounts_write
from invoices.works.frameworks import (
    ANSWERS,
    CONTRACTOR_WAITING,
    MOA_WAITING,
    MOE_WAITING,
    TO_COMPLETE,
    VALIDATOR_WAITING,
    framework_code,
)
from invoices.works.submission import works_piece_queue
from invoices.works.sync import works_piece_refresh
from structures.models import Structure

MOE_FIXABLE = ("ERREUR_FOURNISSEUR_SUR_MOE",)
WAITING = {"moe": MOE_WAITING, "moa": MOA_WAITING, "contractor": CONTRACTOR_WAITING}
NUMBER_PREFIX = {"A15": "EA", "A19": "EV", "A17": "PG", "A20": "DG", "A8": "DS"}
SUBCONTRACTED = ("A10", "A11")


def role_on_piece(piece: WorksPiece, structure: Structure) -> str | None:
    """The role in which ``structure`` holds ``piece`` now, if it does."""
    status = piece.invoice.chorus_status
    if status in VALIDATOR_WAITING and piece.validator_id == structure.pk:
        return "validator"
    if status in MOE_WAITING and piece.project_manager_id == structure.pk:
        return "moe"
    if status in MOA_WAITING and piece.project_owner_id == structure.pk:
        return "moa"
    if status in CONTRACTOR_WAITING and piece.invoice.supplier_id == structure.pk:
        return "contractor"
    return None


def _fresh(piece: WorksPiece) -> WorksPiece:
    """The piece as the database has it now: a status the sync just recorded decides."""
    return WorksPiece.objects.select_related("invoice", "contract").get(pk=piece.pk)


def _holding(piece: WorksPiece, structure: Structure) -> str:
    role = role_on_piece(piece, structure)
    if role is None:
        raise ActionNotAllowedError(_("This piece is not waiting for you."))
    return role


def works_piece_answer(
    *,
    piece: WorksPiece,
    structure: Structure,
    user,
    cumulative: Decimal | None = None,
    comment: str = "",
) -> Invoice:
    """The holder takes the piece into account with its own piece, stating ``cumulative`` works
    done to date (by default, what the piece stated), and queues it for sending."""
    piece = _fresh(piece)
    role = _holding(piece, structure)
    framework = ANSWERS.get(role, {}).get(piece.framework)
    if (
        framework is None
        or piece.answered_by.exclude(invoice__status=Invoice.Status.SUBMISSION_REFUSED).exists()
    ):
        raise ActionNotAllowedError(_("This piece has no answer to give, or has one already."))
    answered = piece.invoice
    cumulative = piece.cumulative_excl_tax if cumulative is None else cumulative
    code = framework_code(framework)
    with transaction.atomic():
        number = f"{NUMBER_PREFIX[code]}{piece.sequence or 0:02d}-{piece.contract.number}"[:20]
        taken = Invoice.objects.filter(supplier=answered.supplier, number=number).count()
        if taken:
            number = f"{number[:17]}-{taken + 1}"
        invoice = Invoice.objects.create(
            supplier=answered.supplier,
            recipient=answered.recipient,
            service=answered.service,
            number=number,
            issue_date=timezone.localdate(),
            billing_framework=code[:3],
            payment_mode=Invoice.PaymentMode.TRANSFER,
            market_number=answered.market_number,
            comment=comment,
            created_by=user,
        )
        WorksPiece.objects.create(
            invoice=invoice,
            contract=piece.contract,
            framework=framework,
            depositor=structure,
            project_manager=piece.project_manager,
            project_manager_service_code=piece.project_manager_service_code,
            project_owner=piece.project_owner,
            answers=piece,
            sequence=piece.sequence,
            period_end=piece.period_end,
            previous_cumulative_excl_tax=piece.previous_cumulative_excl_tax,
        )
        statement_amounts_write(
            invoice=invoice, cumulative=cumulative, previous=piece.previous_cumulative_excl_tax
        )
    check = facturx_preflight_check(invoice)
    if not check.ok:
        raise ActionNotAllowedError(check.fix or check.label)
    works_piece_queue(invoice=invoice, user=user)
    return invoice


def works_piece_refuse(
    *, piece: WorksPiece, structure: Structure, user, reason_code: str, comment: str = ""
) -> InvoiceAction:
    piece = _fresh(piece)
    role = _holding(piece, structure)
    if reason_code == "AUTRE" and not comment.strip():
        raise ActionNotAllowedError(_("Say why in the comment."), field="comment")
    return action_queue(
        invoice=piece.invoice,
        kind=InvoiceAction.Kind.WORKS_REFUSE,
        user=user,
        payload={
            "as": role,
            "structure_id": structure.pk,
            "refusal_reason": reason_code,
            "comment": comment,
        },
    )


def works_piece_suspend(
    *, piece: WorksPiece, structure: Structure, user, comment: str
) -> InvoiceAction:
    """The MOE or the MOA asks the depositor to complete the piece; its delay waits."""
    piece = _fresh(piece)
    role = _holding(piece, structure)
    if role not in ("moe", "moa"):
        raise ActionNotAllowedError(_("Only the project manager or owner asks to complete."))
    if not comment.strip():
        raise ActionNotAllowedError(_("Say what is missing."), field="comment")
    return action_queue(
        invoice=piece.invoice,
        kind=InvoiceAction.Kind.WORKS_SUSPEND,
        user=user,
        payload={"as": role, "structure_id": structure.pk, "comment": comment},
    )


def works_piece_take(*, piece: WorksPiece, structure: Structure, user) -> InvoiceAction:
    """A subcontractor's piece (A10, A11) is closed by its holder without a piece of its own."""
    piece = _fresh(piece)
    role = _holding(piece, structure)
    if piece.code not in SUBCONTRACTED:
        raise ActionNotAllowedError(_("Take this piece into account with your own statement."))
    return action_queue(
        invoice=piece.invoice,
        kind=InvoiceAction.Kind.WORKS_TAKE,
        user=user,
        payload={"as": role, "structure_id": structure.pk},
    )


def works_piece_validate(*, piece: WorksPiece, structure: Structure, user) -> InvoiceAction:
    """The contractor accepts its subcontractor's request, which goes on to the MOE (silence
    for 15 days would be acceptance too)."""
    piece = _fresh(piece)
    if _holding(piece, structure) != "validator":
        raise ActionNotAllowedError(_("This piece is not waiting for your validation."))
    return action_queue(
        invoice=piece.invoice,
        kind=InvoiceAction.Kind.WORKS_VALIDATE,
        user=user,
        payload={"as": "validator", "structure_id": structure.pk},
    )


def works_piece_moe_service(
    *, piece: WorksPiece, structure: Structure, user, service_code: str
) -> InvoiceAction:
    """The MOE holding the piece hands it to one of its services (completerservicemoe)."""
    piece = _fresh(piece)
    if _holding(piece, structure) != "moe":
        raise ActionNotAllowedError(_("This piece is not waiting for you."))
    if not service_code.strip():
        raise ActionNotAllowedError(_("Give the service's code."), field="service_code")
    return action_queue(
        invoice=piece.invoice,
        kind=InvoiceAction.Kind.WORKS_MOE_SERVICE,
        user=user,
        payload={"as": "moe", "structure_id": structure.pk, "service_code": service_code.strip()},
    )


def works_piece_fix_moe(
    *, piece: WorksPiece, structure: Structure, user, siret: str, service_code: str = ""
) -> InvoiceAction:
    """The depositor names the right MOE of a piece its MOE refused as not its own
    (completermoe): the piece goes to that MOE, whose delay starts again."""
    piece = _fresh(piece)
    if piece.depositor_id != structure.pk or piece.invoice.chorus_status not in MOE_FIXABLE:
        raise ActionNotAllowedError(_("This piece does not wait for another project manager."))
    return action_queue(
        invoice=piece.invoice,
        kind=InvoiceAction.Kind.WORKS_FIX_MOE,
        user=user,
        payload={"structure_id": structure.pk, "siret": siret, "service_code": service_code},
    )


def works_piece_complete(
    *, piece: WorksPiece, structure: Structure, user, comment: str, files=()
) -> InvoiceAction:
    """The depositor answers a request to complete, with a comment and documents."""
    piece = _fresh(piece)
    invoice = piece.invoice
    if piece.depositor_id != structure.pk or invoice.chorus_status not in TO_COMPLETE:
        raise ActionNotAllowedError(_("This piece is not waiting to be completed by you."))
    added = [attachment_add(invoice=invoice, uploaded_file=uploaded).pk for uploaded in files]
    return action_queue(
        invoice=invoice,
        kind=InvoiceAction.Kind.WORKS_COMPLETE,
        user=user,
        payload={"structure_id": structure.pk, "comment": comment, "attachment_ids": added},
    )


def _acting(action: InvoiceAction) -> Structure:
    return Structure.objects.get(pk=action.payload["structure_id"])


def _already(client, action: InvoiceAction, *statuses: str) -> bool:
    """After an attempt whose answer was lost: is the piece already where the decision puts it?"""
    if action.attempts <= 1:
        return False
    works_piece_refresh(client, action.invoice)
    return action.invoice.chorus_status in statuses


def _done(client, action: InvoiceAction, result) -> dict:
    works_piece_refresh(client, action.invoice)
    return {"status": result.status.value if result and result.status else ""}


@action_handler(InvoiceAction.Kind.WORKS_REFUSE, side=_acting)
def _refuse(client, action: InvoiceAction) -> dict:
    if _already(
        client,
        action,
        "REFUSEE_MOE",
        "REFUSEE_MOA",
        "ERREUR_FOURNISSEUR_SUR_MOE",
        "REFUSEE_FOURNISSEUR",
        "REFUSEE_1",
        "ERREUR_FOURNISSEUR_SUR_VALIDEUR",
    ):
        return {"status": action.invoice.chorus_status}
    result = client.works.refuse(
        action.invoice.chorus_invoice_id,
        action.payload["refusal_reason"],
        comment=action.payload.get("comment") or None,
    )
    return _done(client, action, result)


@action_handler(InvoiceAction.Kind.WORKS_SUSPEND, side=_acting)
def _suspend(client, action: InvoiceAction) -> dict:
    if _already(client, action, InvoiceStatus.A_COMPLETER.value):
        return {"status": action.invoice.chorus_status}
    client.works.request_completion(action.invoice.chorus_invoice_id, action.payload["comment"])
    works_piece_refresh(client, action.invoice)
    return {"status": action.invoice.chorus_status}


@action_handler(InvoiceAction.Kind.WORKS_TAKE, side=_acting)
def _take(client, action: InvoiceAction) -> dict:
    if _already(
        client, action, "PRISE_EN_COMPTE_MOE", "PRISE_EN_COMPTE_MOA", "PRISE_EN_COMPTE_DESTINATAIRE"
    ):
        return {"status": action.invoice.chorus_status}
    return _done(client, action, client.works.take_into_account(action.invoice.chorus_invoice_id))


@action_handler(InvoiceAction.Kind.WORKS_COMPLETE, side=_acting)
def _complete(client, action: InvoiceAction) -> dict:
    if _already(client, action, InvoiceStatus.COMPLETEE.value, *MOE_WAITING, *MOA_WAITING):
        return {"status": action.invoice.chorus_status}
    added = Attachment.objects.filter(pk__in=action.payload.get("attachment_ids", []))
    attachments_upload_missing(client, added)
    result = client.works.complete(
        action.invoice.chorus_invoice_id,
        comment=action.payload.get("comment") or None,
        attachments=tuple(
            SupportingAttachment(attachment_id=a.chorus_attachment_id, designation=a.name)
            for a in added.all()
        ),
    )
    return _done(client, action, result)


@action_handler(InvoiceAction.Kind.WORKS_VALIDATE, side=_acting)
def _validate(client, action: InvoiceAction) -> dict:
    # traiter/factureAValider serves works pieces too (the emulator's table, [U]).
    if not _already(client, action, "VALIDEE_1", *MOE_WAITING, *MOA_WAITING):
        client.validator.treat(action.invoice.chorus_invoice_id, ValidatorAction.VALIDATION)
    works_piece_refresh(client, action.invoice)
    return {"status": action.invoice.chorus_status}


@action_handler(InvoiceAction.Kind.WORKS_MOE_SERVICE, side=_acting)
def _moe_service(client, action: InvoiceAction) -> dict:
    code = action.payload["service_code"]
    client.works.complete_project_manager_service(action.invoice.chorus_invoice_id, code)
    WorksPiece.objects.filter(invoice=action.invoice).update(project_manager_service_code=code)
    works_piece_refresh(client, action.invoice)
    return {"status": action.invoice.chorus_status, "service_code": code}


@action_handler(InvoiceAction.Kind.WORKS_FIX_MOE, side=_acting)
def _fix_moe(client, action: InvoiceAction) -> dict:
    if _already(client, action, *MOE_WAITING):
        return {"status": action.invoice.chorus_status}
    payload = action.payload
    party = WorksParty(identifier=payload["siret"], service_code=payload["service_code"] or None)
    client.works.complete_project_manager(action.invoice.chorus_invoice_id, party)
    manager = Structure.objects.filter(siret=payload["siret"]).first()
    WorksPiece.objects.filter(invoice=action.invoice).update(
        project_manager=manager, project_manager_service_code=payload["service_code"]
    )
    works_piece_refresh(client, action.invoice)
    return {"status": action.invoice.chorus_status}
