"""Sending an invoice to Chorus Pro, exactly once.

The web request only queues the work (`invoice_submit`). A worker then runs `invoice_send`:

1. Claim the invoice with a conditional UPDATE when its attempt is due (queued, or waiting for
   its retry, or left by a worker whose lease expired): only one worker holds it at a time, with
   a short lease kept while it works (invoices/retries.py).
2. If an earlier attempt may have reached Chorus Pro, look the invoice up by its number first and
   adopt what Chorus Pro already has: one portal invoice never creates two Chorus Pro invoices.
3. Build the Factur-X document, upload the documents not uploaded yet (ajouter/fichier; ids kept
   as soon as known), submit (soumettre, DEPOT_PDF_API, our number).
4. Record the answer. A transient failure sets when the next attempt is due (backoff or
   Retry-After) and the task retries then; a rejection by Chorus Pro is kept raw and explained
   in plain French.
"""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus_client import (
    AttachmentUpload,
    BillingFramework,
    ChorusAuthenticationError,
    ChorusRejectedError,
    DepositMode,
    InvoiceSubmission,
    InvoiceTotals,
    InvoiceType,
    MainAttachment,
    PaymentMode,
    SupplierInvoiceSearch,
    SupportingAttachment,
    VatType,
)
from invoices.models import Attachment, ChorusStatus, Invoice, StatusEvent
from invoices.retries import WorkQueue
from invoices.sending.preflight import invoice_preflight
from portal.jobs import enqueue
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection

# The task that carries an invoice to Chorus Pro (invoices/sending/tasks.py).
SEND_TASK = "invoices.send"

SENDING = WorkQueue(
    Invoice,
    # Works pieces have their own queue and operation (invoices/works/submission.py).
    pending=Q(status__in=[Invoice.Status.QUEUED, Invoice.Status.SENDING], works__isnull=True),
    lease="send_lease_until",
    due="send_next_attempt_at",
    attempts="send_attempts",
)

FRAMEWORKS = {
    "A1": BillingFramework.A1_FACTURE_FOURNISSEUR,
    "A2": BillingFramework.A2_FACTURE_FOURNISSEUR_DEJA_PAYEE,
    "A9": BillingFramework.A9_FACTURE_SOUSTRAITANT,
    "A12": BillingFramework.A12_FACTURE_COTRAITANT,
}
PAYMENT_MODES = {
    "transfer": PaymentMode.VIREMENT,
    "cheque": PaymentMode.CHEQUE,
    "direct_debit": PaymentMode.PRELEVEMENT,
    "cash": PaymentMode.ESPECE,
    "offset": PaymentMode.REPORT,
    "other": PaymentMode.AUTRE,
}
VAT_TYPES = {
    "on_debits": VatType.TVA_SUR_DEBIT,
    "on_receipts": VatType.TVA_SUR_ENCAISSEMENT,
    "exempt": VatType.EXONERATION,
    "no_vat": VatType.SANS_TVA,
}


class NotReady(Exception):
    """The pre-flight check does not pass: nothing was queued."""


def invoice_submit(*, invoice: Invoice, user) -> None:
    """Queue the invoice for sending. Returns at once; a worker does the rest."""
    checks = invoice_preflight(invoice=invoice)
    if not all(check.ok for check in checks):
        raise NotReady(invoice.pk)
    validated = next((check.document for check in checks if check.document), None)
    with transaction.atomic():
        now = timezone.now()
        claimed = Invoice.objects.filter(pk=invoice.pk, status=Invoice.Status.DRAFT).update(
            status=Invoice.Status.QUEUED,
            submission_error_code="",
            submission_error_message="",
            send_next_attempt_at=now,
            updated_at=now,
        )
        if not claimed:
            return  # already queued by a double click or another tab
        if validated is not None:
            main_document_keep(invoice, validated)
        _event(invoice, Invoice.Status.QUEUED, actor=user)
        enqueue(SEND_TASK, invoice.pk)


def invoice_reopen(*, invoice: Invoice, user) -> bool:
    """Back to draft after Chorus Pro refused the submission, so the supplier can correct it."""
    reopened = Invoice.objects.filter(
        pk=invoice.pk, status=Invoice.Status.SUBMISSION_REFUSED
    ).update(status=Invoice.Status.DRAFT)
    return bool(reopened)


def invoice_send(*, invoice_id: int) -> str:
    """Worker side of the submission; safe to run twice. Returns what happened, for logs, or
    raises :class:`~invoices.retries.RetryLater` when the next attempt is set."""
    if not SENDING.claim(invoice_id, status=Invoice.Status.SENDING):
        return "not-claimed"
    invoice = Invoice.objects.select_related("supplier", "recipient", "service", "validator").get(
        pk=invoice_id
    )
    try:
        with SENDING.held(invoice.pk, invoice.send_attempts):
            connection = ChorusConnection.objects.get(structure=invoice.supplier)
            with chorus_client_for(connection, invoice=invoice) as client:
                if invoice.send_attempts > 1 and _adopt_existing(client, invoice, connection):
                    return "adopted"
                main = main_document_for_sending(invoice)
                attachments_upload_missing(client, invoice.attachments.all())
                submitted = client.supplier.submit(_submission(invoice, connection, main))
    except (ChorusRejectedError, ChorusAuthenticationError) as error:
        _refused(invoice, error)
        return "refused"
    _submitted(invoice, submitted.invoice_id, submitted.deposited_on)
    return "submitted"


def submissions_lost(*, now=None) -> list[int]:
    """Submissions whose task was lost (broker flushed, worker gone), made due again: never one
    that waits for its scheduled retry."""
    return SENDING.lost(now=now)


def _adopt_existing(client, invoice: Invoice, connection: ChorusConnection) -> bool:
    """An earlier attempt may have been committed by Chorus Pro without us hearing the answer."""
    page = client.supplier.search(
        SupplierInvoiceSearch(invoice_number=invoice.number, supplier_id=invoice.supplier.chorus_id)
    )
    found = next((item for item in page.items if item.invoice_number == invoice.number), None)
    if found is None:
        return False
    _submitted(invoice, found.invoice_id, found.deposited_on)
    return True


def main_document_for_sending(invoice: Invoice) -> Attachment:
    """The document to submit: the one the pre-flight check validated, stored when the invoice
    was queued (a queued invoice can no longer change), or, on a retry, the one already
    uploaded. Built here only for an invoice queued without it (works pieces, or queued before
    this was kept)."""
    existing = invoice.attachments.filter(kind=Attachment.Kind.MAIN).first()
    if existing is not None:
        return existing
    from invoices.documents.facturx import facturx_build

    return main_document_keep(invoice, facturx_build(invoice, check=False).pdf)


def main_document_keep(invoice: Invoice, content: bytes) -> Attachment:
    """Keep ``content`` as the invoice's main document, in place of an earlier one (from a
    submission Chorus Pro refused, before the supplier corrected the invoice)."""
    for previous in invoice.attachments.filter(kind=Attachment.Kind.MAIN):
        previous.file.delete(save=False)
        previous.delete()
    name = f"{invoice.number}.pdf"[-50:]
    attachment = Attachment(
        invoice=invoice,
        kind=Attachment.Kind.MAIN,
        name=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_type="application/pdf",
    )
    attachment.file.save(name, ContentFile(content), save=True)
    return attachment


def attachments_upload_missing(client, attachments) -> None:
    """Upload (ajouter/fichier) those of ``attachments`` Chorus Pro has no id for yet. Shared by
    the submission and the supplier's completion of a suspended invoice."""
    for attachment in attachments.filter(chorus_attachment_id__isnull=True):
        with attachment.file.open("rb") as handle:
            content = handle.read()
        attachment_id = client.transverses.upload_attachment(
            AttachmentUpload(
                file_name=attachment.name, content=content, mime_type=attachment.content_type
            )
        )
        # Kept at once: a retry re-uploads only what Chorus Pro has not acknowledged.
        Attachment.objects.filter(pk=attachment.pk).update(chorus_attachment_id=attachment_id)


def _submission(invoice: Invoice, connection, main: Attachment) -> InvoiceSubmission:
    main.refresh_from_db()
    supporting = invoice.attachments.filter(kind=Attachment.Kind.SUPPORTING)
    return InvoiceSubmission(
        deposit_mode=DepositMode.DEPOT_PDF_API,
        recipient_siret=invoice.recipient.siret,
        supplier_id=invoice.supplier.chorus_id,
        totals=InvoiceTotals(
            total_excl_tax=invoice.total_excl_tax,
            total_vat=invoice.total_vat,
            total_incl_tax=invoice.total_incl_tax,
            amount_due=invoice.amount_due,
        ),
        framework=FRAMEWORKS[invoice.billing_framework],
        invoice_type=InvoiceType.AVOIR
        if invoice.kind == Invoice.Kind.CREDIT_NOTE
        else InvoiceType.FACTURE,
        vat_type=VAT_TYPES[invoice.vat_regime],
        currency=invoice.currency,
        invoice_number=invoice.number,
        invoice_date=invoice.issue_date,
        payment_due_date=invoice.due_date,
        recipient_service_code=invoice.service.code if invoice.service else None,
        supplier_bank_account_id=invoice.bank_account_chorus_id,
        validator_structure_code=invoice.validator.siret if invoice.validator else None,
        payment_mode=PAYMENT_MODES.get(invoice.payment_mode),
        vat_exemption_reason=invoice.vat_exemption_reason or None,
        purchase_order_number=invoice.commitment_number or None,
        contract_number=invoice.market_number or None,
        original_invoice_number=invoice.original_number or None,
        main_attachment=MainAttachment(
            attachment_id=main.chorus_attachment_id, designation=main.name
        ),
        supporting_attachments=tuple(
            SupportingAttachment(attachment_id=item.chorus_attachment_id, designation=item.name)
            for item in supporting
        ),
        comment=invoice.comment or None,
    )


def _submitted(invoice: Invoice, chorus_id: int, deposited_on) -> None:
    now = timezone.now()
    with transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(
            status=Invoice.Status.SUBMITTED,
            chorus_invoice_id=chorus_id,
            chorus_status=ChorusStatus.DEPOSITED,
            chorus_status_changed_at=now,
            deposited_on=deposited_on or timezone.localdate(),
            submitted_at=now,
            send_lease_until=None,
        )
        # Chorus Pro's own history (DEPOSEE and on) arrives with the status sync, stamped to the
        # minute: this event is too, so that the timeline keeps the order things happened in.
        # The page names the Chorus Pro id next to it, in the reader's language.
        _event(invoice, Invoice.Status.SUBMITTED, at=now.replace(second=0, microsecond=0))


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
        _event(invoice, Invoice.Status.SUBMISSION_REFUSED, comment=f"{code} – {raw}")


def _event(invoice, status, *, source=StatusEvent.Source.PORTAL, actor=None, comment="", at=None):
    StatusEvent.objects.create(
        invoice=invoice,
        status=status,
        occurred_at=at or timezone.now(),
        source=source,
        actor=actor,
        comment=comment,
    )


def submission_error_explained(*, code: str) -> str:
    """What a supplier should do about Chorus Pro's refusal, in plain words."""
    explanations = {
        "auth": _(
            "Chorus Pro refused the technical account: your structure manager must test "
            "the Chorus Pro connection and renew the password if it expired."
        ),
        "20015": _(
            "Chorus Pro already has an invoice with this number from you: give this "
            "invoice a new number."
        ),
    }
    generic = _(
        "Chorus Pro refused the invoice. Read its message below, correct the invoice, then "
        "send it again."
    )
    return explanations.get(code, generic)
