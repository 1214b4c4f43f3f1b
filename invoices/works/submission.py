"""Sending a works piece to Chorus Pro (facturesTravaux/v1/soumettre), exactly once.

The same rules as the ordinary sending (invoices/sending/submission.py), on the same invoice row
and lease fields, through its own queue and task:

1. The web request checks the piece and queues it (`works_piece_submit`); a worker runs
   `works_piece_send`, which claims the row with a conditional UPDATE and holds it with a lease.
2. After an attempt whose answer was lost, the worker first searches the piece by its number in
   the depositor's works space and adopts it when Chorus Pro has it.
3. Otherwise: the Factur-X (built once, kept), the attachments not uploaded yet, then soumettre
   with the depositor's technical account: the contractor opens a billing file, the MOE or the
   MOA answers the piece it holds (``idPiecePrecedente``).
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chorus_client import (
    BillingFramework,
    ChorusAuthenticationError,
    ChorusRejectedError,
    InvoiceTotals,
    MainAttachment,
    SupportingAttachment,
    WorksInvoiceSearch,
    WorksParty,
    WorksSubmission,
    WorksUserRole,
)
from invoices.models import Attachment, ChorusStatus, Invoice, StatusEvent, WorksPiece
from invoices.retries import WorkQueue
from invoices.sending.submission import attachments_upload_missing, main_document_for_sending
from portal.jobs import enqueue
from structures.chorus import chorus_client_for
from structures.selectors import connection_for_structure

WORKS_SEND_TASK = "invoices.works.send"

WORKS_SENDING = WorkQueue(
    Invoice,
    pending=Q(status__in=[Invoice.Status.QUEUED, Invoice.Status.SENDING], works__isnull=False),
    lease="send_lease_until",
    due="send_next_attempt_at",
    attempts="send_attempts",
)


def depositor_role(piece: WorksPiece) -> WorksUserRole:
    """In which capacity the depositor's account acts on the piece."""
    if piece.depositor_id == piece.project_manager_id and piece.answers_id:
        return WorksUserRole.MOE
    if piece.depositor_id == piece.project_owner_id and piece.answers_id:
        return WorksUserRole.MOA
    return WorksUserRole.FOURNISSEUR


def works_piece_queue(*, invoice: Invoice, user) -> bool:
    """Hand a checked piece to a worker; False when it was already queued (double click)."""
    with transaction.atomic():
        now = timezone.now()
        claimed = Invoice.objects.filter(
            pk=invoice.pk, status=Invoice.Status.DRAFT, works__isnull=False
        ).update(
            status=Invoice.Status.QUEUED,
            submission_error_code="",
            submission_error_message="",
            send_next_attempt_at=now,
            updated_at=now,
        )
        if not claimed:
            return False
        StatusEvent.objects.create(
            invoice=invoice,
            status=Invoice.Status.QUEUED,
            occurred_at=now,
            source=StatusEvent.Source.PORTAL,
            actor=user,
        )
        enqueue(WORKS_SEND_TASK, invoice.pk)
    return True


def works_piece_send(*, invoice_id: int) -> str:
    """Worker side; safe to run twice. Returns what happened, for logs, or raises
    :class:`~invoices.retries.RetryLater` when the next attempt is set."""
    if not WORKS_SENDING.claim(invoice_id, status=Invoice.Status.SENDING):
        return "not-claimed"
    invoice = Invoice.objects.select_related("supplier", "recipient", "service").get(pk=invoice_id)
    piece = WorksPiece.objects.select_related(
        "depositor", "project_manager", "project_owner", "answers__invoice", "contract", "validator"
    ).get(invoice=invoice)
    try:
        with WORKS_SENDING.held(invoice.pk, invoice.send_attempts):
            connection = connection_for_structure(structure=piece.depositor)
            if connection is None:
                raise ChorusAuthenticationError("no Chorus Pro connection")
            with chorus_client_for(connection, invoice=invoice) as client:
                if invoice.send_attempts > 1:
                    found = _already_there(client, invoice, piece)
                    if found is not None:
                        _submitted(
                            invoice,
                            piece,
                            found.works_invoice_id,
                            found.billing_file_id,
                            found.billing_file_number,
                        )
                        return "adopted"
                main = main_document_for_sending(invoice)
                attachments_upload_missing(client, invoice.attachments.all())
                main.refresh_from_db()
                submitted = client.works.submit(_submission(invoice, piece, main))
    except (ChorusRejectedError, ChorusAuthenticationError) as error:
        _refused(invoice, error)
        return "refused"
    _submitted(
        invoice,
        piece,
        submitted.works_invoice_id,
        submitted.billing_file_id,
        submitted.billing_file_number,
    )
    return "submitted"


def works_submissions_lost(*, now=None) -> list[int]:
    return WORKS_SENDING.lost(now=now)


def _already_there(client, invoice: Invoice, piece: WorksPiece):
    """The piece Chorus Pro already has under this number, deposited by an attempt whose answer
    never came back; None when there is none."""
    page = client.works.search(
        WorksInvoiceSearch(role=depositor_role(piece), invoice_number=invoice.number)
    )
    return next((i for i in page.items if i.invoice_number == invoice.number), None)


def _party(structure, service_code: str | None) -> WorksParty | None:
    if structure is None:
        return None
    return WorksParty(identifier=structure.siret, service_code=service_code or None)


def _submission(invoice: Invoice, piece: WorksPiece, main: Attachment) -> WorksSubmission:
    supporting = invoice.attachments.filter(kind=Attachment.Kind.SUPPORTING)
    common = {
        "framework": BillingFramework(piece.framework),
        "invoice_number": invoice.number,
        "invoice_date": invoice.issue_date,
        "totals": InvoiceTotals(
            total_excl_tax=invoice.total_excl_tax,
            total_vat=invoice.total_vat,
            total_incl_tax=invoice.total_incl_tax,
            amount_due=invoice.amount_due,
        ),
        "main_attachment": MainAttachment(
            attachment_id=main.chorus_attachment_id, designation=main.name
        ),
        "supporting_attachments": tuple(
            SupportingAttachment(attachment_id=item.chorus_attachment_id, designation=item.name)
            for item in supporting
        ),
        "comment": invoice.comment or None,
    }
    if piece.answers_id:
        # An answer inherits the recipient, MOE, MOA, contract and commitment of its piece.
        return WorksSubmission(previous_piece_id=piece.answers.invoice.chorus_invoice_id, **common)
    contract = piece.contract
    return WorksSubmission(
        supplier_id=invoice.supplier.chorus_id,
        recipient_siret=invoice.recipient.siret,
        recipient_service_code=invoice.service.code if invoice.service else None,
        project_manager=_party(piece.project_manager, piece.project_manager_service_code),
        project_owner=_party(
            piece.project_owner, contract.owner_service.code if contract.owner_service else None
        ),
        contract_number=contract.number,
        purchase_order_number=contract.commitment_number or None,
        validator_structure_code=piece.validator.siret if piece.validator else None,
        **common,
    )


def _submitted(
    invoice: Invoice, piece: WorksPiece, chorus_id: int, billing_file_id, billing_file_number
) -> None:
    now = timezone.now()
    with transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(
            status=Invoice.Status.SUBMITTED,
            chorus_invoice_id=chorus_id,
            chorus_status=ChorusStatus.DEPOSITED,
            chorus_status_changed_at=now,
            deposited_on=timezone.localdate(),
            submitted_at=now,
            send_lease_until=None,
        )
        WorksPiece.objects.filter(pk=piece.pk).update(
            billing_file_id=billing_file_id, billing_file_number=billing_file_number or ""
        )
        if piece.answers_id:
            WorksPiece.objects.filter(pk=piece.answers_id).update(answered_at=now)
        StatusEvent.objects.create(
            invoice=invoice,
            status=Invoice.Status.SUBMITTED,
            occurred_at=now.replace(second=0, microsecond=0),
            source=StatusEvent.Source.PORTAL,
        )


def _refused(invoice: Invoice, error) -> None:
    code = str(getattr(error, "code", "") or "auth")
    raw = getattr(error, "message", "") or str(error)
    with transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(
            status=Invoice.Status.SUBMISSION_REFUSED,
            submission_error_code=code[:20],
            submission_error_message=raw,
            send_lease_until=None,
        )
        StatusEvent.objects.create(
            invoice=invoice,
            status=Invoice.Status.SUBMISSION_REFUSED,
            occurred_at=timezone.now(),
            source=StatusEvent.Source.PORTAL,
            comment=f"{code} – {raw}",
        )
