"""The supplier's answers to Chorus Pro's statuses (issue 4 §8).

- SUSPENDUE: complete the invoice with a comment and supporting documents (completer).
- A_RECYCLER: re-route it to a new recipient, service or commitment, under the same number
  (recycling.py). Recycling is withdrawn (annex v6.1 §2): only invoices put there before can be.
- REJETEE: acknowledge the rejection (traiterRejet) and draft the corrected invoice.
- Refused by the validator for naming the wrong one: name the right one (validator_correction).
- Any sent invoice: draft a credit note.

Requests only record an InvoiceAction (invoices/actions/services.py); the handlers registered here
are what a worker runs. A handler may run again after a transient failure that reached Chorus Pro:
from the second attempt on it reads the real status first and treats "already done" as done.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from chorus_client import (
    ChorusRejectedError,
    InvoiceStatus,
    SupplierInvoiceSearch,
)
from chorus_client import SupportingAttachment as ChorusSupportingAttachment
from invoices.actions.services import (
    ActionNotAllowedError,
    ActionUnderWayError,
    action_handler,
    action_queue,
    action_under_way,
)
from invoices.attachments import AttachmentRejected, attachment_add, attachment_name_shorten
from invoices.invoice_page.refusals import invoice_validator_refusal
from invoices.models import (
    ATTACHMENT_NAME_MAX_LENGTH,
    VALIDATOR_REFUSED_STATUSES,
    Attachment,
    ChorusStatus,
    Invoice,
    InvoiceAction,
)
from invoices.sending.status_sync import history_record
from invoices.sending.submission import attachments_upload_missing, submission_error_explained
from structures.models import Structure

SUPPLIER_KINDS = (
    InvoiceAction.Kind.COMPLETE,
    InvoiceAction.Kind.RECYCLE,
    InvoiceAction.Kind.ACKNOWLEDGE_REJECTION,
    InvoiceAction.Kind.FIX_VALIDATOR,
)
COMMENT_MAX_LENGTH = 1000


# --- what the invoice's status allows ------------------------------------------------------


@dataclass(frozen=True)
class SupplierOptions:
    """What the supplier may do about the invoice now."""

    complete: bool = False
    recycle: bool = False
    acknowledge_rejection: bool = False
    correct: bool = False
    correct_validator: bool = False
    credit_note: bool = False

    @property
    def any(self) -> bool:
        return any(
            (
                self.complete,
                self.recycle,
                self.acknowledge_rejection,
                self.correct,
                self.correct_validator,
                self.credit_note,
            )
        )


def supplier_options(*, invoice: Invoice) -> SupplierOptions:
    sent = invoice.chorus_invoice_id is not None
    status = invoice.chorus_status
    return SupplierOptions(
        complete=sent and status == ChorusStatus.SUSPENDED,
        recycle=sent and status == ChorusStatus.TO_RECYCLE,
        acknowledge_rejection=sent
        and status == ChorusStatus.REJECTED
        and invoice.rejection_acknowledged_at is None,
        # A rejected invoice is cancelled for good, and one its validator refused goes no
        # further: either way the supplier sends a corrected invoice under a new number.
        correct=sent
        and (status == ChorusStatus.REJECTED or status in VALIDATOR_REFUSED_STATUSES),
        # Refused because it named the wrong validator: the same invoice can name the right one
        # (corriger/valideur/facture, annex §2.1.1.14).
        correct_validator=sent and _wrong_validator(invoice),
        # Nothing to cancel by a credit note on an invoice that will not be paid as it stands.
        credit_note=sent
        and invoice.kind == Invoice.Kind.INVOICE
        and status not in {ChorusStatus.REJECTED, ChorusStatus.DELETED, ChorusStatus.ABANDONED}
        and status not in VALIDATOR_REFUSED_STATUSES,
    )


def _wrong_validator(invoice: Invoice) -> bool:
    refusal = invoice_validator_refusal(invoice=invoice)
    return refusal is not None and refusal.wrong_validator


def require_allowed(allowed: bool, message: str) -> None:
    if not allowed:
        raise ActionNotAllowedError(message)


def require_nothing_under_way(invoice: Invoice) -> None:
    # Checked before anything is stored, so a refused request leaves nothing behind; the
    # database constraint behind action_queue still settles a race between two requests.
    if action_under_way(invoice=invoice) is not None:
        raise ActionUnderWayError(invoice.pk)


# --- completing a suspended invoice (completer) --------------------------------------------


@dataclass
class CompletionOutcome:
    """What became of a completion request: the queued action, or the files refused (each as
    (file name, AttachmentRejected)) and nothing queued. Files accepted meanwhile are kept and
    sent with the next request; `renamed` lists (typed name, stored name)."""

    action: InvoiceAction | None = None
    rejected: list[tuple[str, AttachmentRejected]] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)


def invoice_completion_pending(*, invoice: Invoice) -> list[Attachment]:
    """Supporting documents added for a completion and not yet in Chorus Pro."""
    return list(
        invoice.attachments.filter(
            kind=Attachment.Kind.SUPPORTING, chorus_attachment_id__isnull=True
        ).order_by("uploaded_at", "pk")
    )


def invoice_complete(
    *, invoice: Invoice, user, comment: str, files: list, shorten_long_names: bool = True
) -> CompletionOutcome:
    """Answer a suspension: store the supporting files under Chorus Pro's rules, then queue the
    completion. Nothing is queued while a file is refused; the accepted ones are kept."""
    require_allowed(
        supplier_options(invoice=invoice).complete,
        _("Only a suspended invoice can be completed."),
    )
    require_nothing_under_way(invoice)
    outcome = CompletionOutcome()
    for uploaded in files:
        typed = uploaded.name or ""
        name = None
        if shorten_long_names and len(typed) > ATTACHMENT_NAME_MAX_LENGTH:
            name = attachment_name_shorten(typed)
        try:
            attachment_add(invoice=invoice, uploaded_file=uploaded, name=name)
        except AttachmentRejected as error:
            outcome.rejected.append((typed, error))
            continue
        if name:
            outcome.renamed.append((typed, name))
    if outcome.rejected:
        return outcome
    pending = invoice_completion_pending(invoice=invoice)
    comment = (comment or "").strip()
    if not comment and not pending:
        raise ActionNotAllowedError(
            _("Write a comment or add at least one supporting document."), field="comment"
        )
    outcome.action = action_queue(
        invoice=invoice,
        kind=InvoiceAction.Kind.COMPLETE,
        payload={"comment": comment, "attachment_ids": [item.pk for item in pending]},
        user=user,
    )
    return outcome


def invoice_completion_attachment_remove(*, invoice: Invoice, attachment_id: int) -> None:
    """Withdraw a supporting document added for a completion, before it is sent."""
    require_nothing_under_way(invoice)
    attachment = next(
        (item for item in invoice_completion_pending(invoice=invoice) if item.pk == attachment_id),
        None,
    )
    if attachment is None:
        raise ActionNotAllowedError(_("This document was already sent to Chorus Pro."))
    from invoices.attachments import attachment_remove

    attachment_remove(attachment=attachment)


@action_handler(InvoiceAction.Kind.COMPLETE, side="supplier")
def _complete(client, action: InvoiceAction) -> dict:
    invoice = action.invoice
    chorus_id = invoice.chorus_invoice_id
    if action.attempts > 1:
        # An earlier attempt may have been committed without us hearing the answer.
        history = client.supplier.history(chorus_id)
        if history.current_status != InvoiceStatus.SUSPENDUE:
            history_record(invoice, history)
            return {"status": history.current_status.value, "already_done": True}
    attachments = Attachment.objects.filter(
        invoice=invoice, pk__in=action.payload.get("attachment_ids", [])
    ).order_by("uploaded_at", "pk")
    attachments_upload_missing(client, attachments)
    try:
        client.supplier.complete(
            chorus_id,
            comment=action.payload.get("comment") or None,
            attachments=tuple(
                ChorusSupportingAttachment(
                    attachment_id=item.chorus_attachment_id, designation=item.name
                )
                for item in attachments.all()
            ),
        )
    except ChorusRejectedError:
        # Nothing was linked to the invoice: the files stay ready for the next completion
        # (uploaded again then; an unlinked upload is harmless in Chorus Pro).
        attachments.update(chorus_attachment_id=None)
        raise
    return history_refresh(client, invoice)


def history_refresh(client, invoice: Invoice) -> dict:
    """Re-read the history at once, so the timeline shows the new status without waiting for
    the next polling cycle."""
    history = client.supplier.history(invoice.chorus_invoice_id)
    history_record(invoice, history)
    return {"status": history.current_status.value}


# --- the structures an answer names -------------------------------------------------------


def active_public_structure(*, siret: str, field: str) -> Structure:
    """The public entity the portal knows under ``siret``, active in Chorus Pro; otherwise
    ActionNotAllowedError on the form's ``field``."""
    structure = Structure.objects.filter(siret="".join(siret.split())).first()
    if structure is None or not structure.is_public:
        raise ActionNotAllowedError(
            _(
                "This SIRET is not a public entity known to the portal: look it up in the "
                "directory first (new invoice, recipient search)."
            ),
            field=field,
        )
    if not structure.is_active:
        raise ActionNotAllowedError(
            _("%(name)s is no longer active in Chorus Pro.") % {"name": structure.name},
            field=field,
        )
    return structure


# --- rejected invoices (traiterRejet, corrected invoice) -----------------------------------


def invoice_rejection_acknowledge(*, invoice: Invoice, user, comment: str = "") -> InvoiceAction:
    """Queue the acknowledgement of a rejection (traiterRejet)."""
    require_allowed(
        supplier_options(invoice=invoice).acknowledge_rejection,
        _("Only a rejected invoice whose rejection is not acknowledged yet can be acknowledged."),
    )
    return action_queue(
        invoice=invoice,
        kind=InvoiceAction.Kind.ACKNOWLEDGE_REJECTION,
        payload={"comment": comment.strip()},
        user=user,
    )


@action_handler(InvoiceAction.Kind.ACKNOWLEDGE_REJECTION, side="supplier")
def _acknowledge_rejection(client, action: InvoiceAction) -> dict:
    invoice = action.invoice
    already_done = False
    if action.attempts > 1:
        page = client.supplier.search(
            SupplierInvoiceSearch(
                invoice_number=invoice.number, supplier_id=invoice.supplier.chorus_id
            )
        )
        found = next((i for i in page.items if i.invoice_id == invoice.chorus_invoice_id), None)
        already_done = bool(found and found.rejection_handled)
    if not already_done:
        client.supplier.acknowledge_rejection(
            [invoice.chorus_invoice_id], details=action.payload.get("comment") or None
        )
    Invoice.objects.filter(pk=invoice.pk, rejection_acknowledged_at__isnull=True).update(
        rejection_acknowledged_at=timezone.now()
    )
    return {"already_done": already_done}


# --- a failed action, explained ------------------------------------------------------------


def action_error_explained(*, code: str) -> str:
    """What a supplier should do about a decision Chorus Pro (or the portal) refused, in plain
    words; the page shows Chorus Pro's raw code and libelle next to it."""
    if code == "NO_CONNECTION":
        return _(
            "Your structure has no Chorus Pro connection: your structure manager must set it "
            "up, then you can try again."
        )
    if code == "AUTHENTICATION":
        return submission_error_explained(code="auth")
    if code == "20002":
        return _(
            "Chorus Pro refused: the invoice's status no longer allows this action. Someone may "
            "have acted on it meanwhile; its current status is shown on this page."
        )
    if code in {"20003", "20004", "20013"}:
        return _(
            "Chorus Pro refused a supporting document (size, name or format). Remove it, add a "
            "corrected file, then try again."
        )
    if code == "20018":
        return _(
            "Chorus Pro refused the validator named: check its SIRET with the order or the "
            "contract, then try again."
        )
    if code in {"20005", "20006", "20007", "20008", "20009", "20010", "20011", "20012"}:
        return _(
            "Chorus Pro refused the new routing (recipient, service or commitment number). "
            "Check them against the order, then try again."
        )
    return _(
        "Chorus Pro refused the request. Read its message below; if it is unclear, contact the "
        "portal's support."
    )
