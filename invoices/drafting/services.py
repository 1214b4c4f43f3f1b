"""Drafting an invoice: every change is saved as it is typed, and totals are recomputed by the
server. What does not validate yet is kept in `Invoice.draft_input`, so nothing typed is lost."""

import re
import uuid
from dataclasses import dataclass, field

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from invoices.attachments import (
    AttachmentRejected,
    attachment_add,
    attachment_name_shorten,
    attachment_remove,
)
from invoices.drafting.commitments import commitment_check_request
from invoices.drafting.defaults import draft_defaults, draft_defaults_store
from invoices.drafting.forms import InvoiceDraftForm, InvoiceLineForm
from invoices.drafting.selectors import DraftLocked, empty_drafts
from invoices.models import ATTACHMENT_MAX_BYTES, Attachment, Invoice, InvoiceLine, InvoiceVatLine
from invoices.totals import LineAmounts, totals_compute
from structures.models import Structure

# Form field → model attribute, for the fields that map one to one.
DIRECT_FIELDS = [
    "kind",
    "number",
    "original_number",
    "issue_date",
    "due_date",
    "billing_framework",
    "payment_mode",
    "bank_account_chorus_id",
    "vat_regime",
    "vat_exemption_reason",
    "commitment_number",
    "market_number",
    "comment",
]


@dataclass
class DraftChange:
    """The outcome of saving what was typed: the (bound) form with its errors, if any, and the
    names of the values that changed."""

    form: object
    saved: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.form.errors


def _editable(invoice: Invoice) -> None:
    if invoice.status != Invoice.Status.DRAFT:
        raise DraftLocked(invoice)


def invoice_draft_create(
    *, supplier: Structure, user, kind: str = Invoice.Kind.INVOICE, **initial
) -> Invoice:
    return Invoice.objects.create(supplier=supplier, created_by=user, kind=kind, **initial)


def invoice_draft_start(*, supplier: Structure, user, kind: str = Invoice.Kind.INVOICE) -> Invoice:
    """The draft "New invoice" opens: the user's own draft of that kind in which nothing was
    typed yet, if one is left, so that clicking again leaves no second empty draft behind."""
    if kind not in Invoice.Kind.values:
        kind = Invoice.Kind.INVOICE
    untouched = (
        empty_drafts()
        .filter(supplier=supplier, created_by=user, kind=kind)
        .order_by("-created_at")
        .first()
    )
    return untouched or invoice_draft_create(supplier=supplier, user=user, kind=kind)


@transaction.atomic
def invoice_draft_delete(*, invoice: Invoice) -> None:
    """Delete a draft with its lines and supporting documents (refused once it is sent)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    _editable(invoice)
    for attachment in invoice.attachments.all():
        attachment_remove(attachment=attachment)
    invoice.delete()


def invoice_draft_form(*, invoice: Invoice) -> InvoiceDraftForm:
    """The editor's form as the user left it: saved values, overlaid with unsaved typed ones."""
    initial = {name: getattr(invoice, name) for name in DIRECT_FIELDS}
    initial["recipient_siret"] = invoice.recipient.siret if invoice.recipient else ""
    initial["validator_siret"] = invoice.validator.siret if invoice.validator else ""
    initial["service_code"] = invoice.service.code if invoice.service else ""
    pending = {k: v for k, v in invoice.draft_input.items() if k != "lines"}
    initial.update(draft_defaults(invoice=invoice))
    if pending:
        form = InvoiceDraftForm({**initial, **pending}, invoice=invoice)
        form.is_valid()  # shows why the pending values were not saved
        return form
    return InvoiceDraftForm(initial=initial, invoice=invoice)


@transaction.atomic
def invoice_draft_update(*, invoice: Invoice, data) -> DraftChange:
    """Save every field that validates; keep the raw text of the others in draft_input."""
    _editable(invoice)
    framework_before = invoice.billing_framework
    before = {name: getattr(invoice, name) for name in (*DIRECT_FIELDS, "recipient_id")}
    form = InvoiceDraftForm(data, invoice=invoice)
    form.is_valid()
    cleaned = form.cleaned_data
    pending = {"lines": invoice.draft_input.get("lines", {})}
    for name in form.fields:
        if name in form.errors:
            pending[name] = data.get(name, "")
    for name in DIRECT_FIELDS:
        if name in cleaned and name not in form.errors:
            value = cleaned[name]
            setattr(invoice, name, value if value is not None or name in _NULLABLE else "")
    if "recipient_siret" in cleaned and "recipient_siret" not in form.errors:
        invoice.recipient = cleaned["recipient_siret"]
    if "validator_siret" in cleaned and "validator_siret" not in form.errors:
        invoice.validator = cleaned["validator_siret"]
    if "service" in cleaned and "service_code" not in form.errors:
        invoice.service = cleaned["service"]
    _keep_consistent(invoice)
    invoice.draft_input = _pending_input(pending, pending.pop("lines"))
    invoice.save()
    if invoice.billing_framework != framework_before:
        # Only the framework changes an amount (A2: already paid, nothing due).
        invoice_totals_refresh(invoice=invoice)
    commitment_check_request(invoice=invoice)
    changed = [name for name, value in before.items() if getattr(invoice, name) != value]
    return DraftChange(form=form, saved=changed)


def _pending_input(header: dict, lines: dict) -> dict:
    """draft_input is empty exactly when nothing typed is waiting: the pre-flight check relies
    on it."""
    pending = {key: value for key, value in header.items() if key != "lines"}
    if lines:
        pending["lines"] = lines
    return pending


_NULLABLE = {"issue_date", "due_date", "bank_account_chorus_id"}


def _keep_consistent(invoice: Invoice) -> None:
    # The database refuses these combinations; the editor drops the value that no longer applies.
    if invoice.billing_framework not in {"A9", "A12"}:
        invoice.validator = None
    if invoice.vat_regime not in {Invoice.VatRegime.EXEMPT, Invoice.VatRegime.NO_VAT}:
        invoice.vat_exemption_reason = ""
    if invoice.kind != Invoice.Kind.CREDIT_NOTE:
        invoice.original_invoice = None
        invoice.original_number = ""
    elif invoice.original_invoice and invoice.original_invoice.number != invoice.original_number:
        # The supplier typed another original number: the credit note no longer corrects the
        # invoice it was issued from.
        invoice.original_invoice = None
    if invoice.service and invoice.service.structure_id != invoice.recipient_id:
        invoice.service = None


@transaction.atomic
def invoice_line_add(*, invoice: Invoice, **values) -> InvoiceLine:
    """Add a line after the others: empty, or with ``values`` (a saved product's label,
    unit, price and VAT rate)."""
    _editable(invoice)
    draft_defaults_store(invoice=invoice)
    last = invoice.lines.order_by("-position").first()
    exempt = invoice.vat_regime in {Invoice.VatRegime.EXEMPT, Invoice.VatRegime.NO_VAT}
    fields = {
        "description": "",
        "quantity": 1,
        "unit": "C62",
        "unit_price": 0,
        "vat_rate": None if exempt else (last.vat_rate if last else 20),
        **values,
    }
    if exempt:
        fields["vat_rate"] = None
    line = InvoiceLine.objects.create(
        invoice=invoice, position=(last.position + 1) if last else 1, **fields
    )
    invoice_totals_refresh(invoice=invoice)
    return line


def invoice_line_form(*, line: InvoiceLine) -> InvoiceLineForm:
    pending = line.invoice.draft_input.get("lines", {}).get(str(line.pk))
    if pending:
        form = InvoiceLineForm(pending, instance=line, prefix=f"line-{line.pk}")
        form.is_valid()
        return form
    return InvoiceLineForm(instance=line, prefix=f"line-{line.pk}")


@transaction.atomic
def invoice_line_update(*, line: InvoiceLine, data) -> DraftChange:
    invoice = line.invoice
    _editable(invoice)
    form = InvoiceLineForm(data, instance=line, prefix=f"line-{line.pk}")
    lines_pending = dict(invoice.draft_input.get("lines", {}))
    if form.is_valid():
        form.save()
        lines_pending.pop(str(line.pk), None)
    else:
        lines_pending[str(line.pk)] = {
            key: value for key, value in data.items() if key.startswith(f"line-{line.pk}-")
        }
    invoice.draft_input = _pending_input(invoice.draft_input, lines_pending)
    invoice.save(update_fields=["draft_input", "updated_at"])
    invoice_totals_refresh(invoice=invoice)
    return DraftChange(form=form)


@transaction.atomic
def invoice_line_remove(*, line: InvoiceLine) -> None:
    invoice = line.invoice
    _editable(invoice)
    lines_pending = dict(invoice.draft_input.get("lines", {}))
    lines_pending.pop(str(line.pk), None)
    invoice.draft_input = _pending_input(invoice.draft_input, lines_pending)
    invoice.save(update_fields=["draft_input", "updated_at"])
    line.delete()
    invoice_totals_refresh(invoice=invoice)


def invoice_totals_refresh(*, invoice: Invoice) -> None:
    """Recompute line totals, the VAT breakdown and the invoice totals from the saved lines."""
    lines = list(invoice.lines.order_by("position"))
    totals = totals_compute(
        [
            LineAmounts(line.quantity, line.unit_price, line.discount, line.vat_rate)
            for line in lines
        ],
        already_paid=invoice.billing_framework == Invoice.BillingFramework.A2,
    )
    for line, amount in zip(lines, totals.line_totals, strict=True):
        if line.total_excl_tax != amount:
            line.total_excl_tax = amount
            line.save(update_fields=["total_excl_tax"])
    invoice.vat_lines.all().delete()
    InvoiceVatLine.objects.bulk_create(
        InvoiceVatLine(
            invoice=invoice,
            rate=group.rate,
            taxable_amount=group.taxable_amount,
            vat_amount=group.vat_amount,
        )
        for group in totals.vat_groups
    )
    Invoice.objects.filter(pk=invoice.pk).update(
        total_excl_tax=totals.total_excl_tax,
        total_vat=totals.total_vat,
        total_incl_tax=totals.total_incl_tax,
        amount_due=totals.amount_due,
    )
    invoice.total_excl_tax = totals.total_excl_tax
    invoice.total_vat = totals.total_vat
    invoice.total_incl_tax = totals.total_incl_tax
    invoice.amount_due = totals.amount_due


# --- recipient picked from the directory -----------------------------------------------------


class RecipientRefused(Exception):
    """The structure cannot receive invoices through Chorus Pro (private company)."""


@transaction.atomic
def invoice_recipient_set(
    *, invoice: Invoice, recipient: Structure, service_id: int | None = None
) -> None:
    """Make ``recipient`` (picked in the directory, or among the recipients invoiced before,
    with one of its services) the invoice's recipient.

    What was typed in the SIRET and service fields and not saved gives way to the choice; a
    service of the previous recipient is dropped, and the commitment number is checked again.
    """
    _editable(invoice)
    if not recipient.is_public:
        raise RecipientRefused(recipient.pk)
    draft_defaults_store(invoice=invoice)
    invoice.recipient = recipient
    if service_id is not None:
        invoice.service = recipient.services.filter(pk=service_id, is_active=True).first()
    _keep_consistent(invoice)
    header = {
        key: value
        for key, value in invoice.draft_input.items()
        if key not in {"recipient_siret", "service_code", "lines"}
    }
    invoice.draft_input = _pending_input(header, invoice.draft_input.get("lines", {}))
    invoice.save()
    commitment_check_request(invoice=invoice)


# --- supporting documents --------------------------------------------------------------------

HELD_ROOT = "attachments-held"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class UploadOutcome:
    """One file of an upload: added (``attachment``), refused (``code`` and ``message``), or held
    aside with a shorter ``suggestion`` to accept (``token``) because its name is too long."""

    name: str
    attachment: Attachment | None = None
    code: str = ""
    message: str = ""
    token: str = ""
    suggestion: str = ""


def invoice_attachments_add(*, invoice: Invoice, files) -> list[UploadOutcome]:
    """Add supporting documents, each checked on its own against Chorus Pro's rules: one refused
    file does not stop the others. A file refused only for its name's length is kept aside and
    a shorter name is offered (:func:`invoice_attachment_rename_accept`)."""
    _editable(invoice)
    draft_defaults_store(invoice=invoice)
    outcomes = []
    for uploaded in files:
        outcome = UploadOutcome(name=uploaded.name)
        try:
            outcome.attachment = attachment_add(invoice=invoice, uploaded_file=uploaded)
        except AttachmentRejected as error:
            if error.code == "name_too_long" and uploaded.size <= ATTACHMENT_MAX_BYTES:
                outcome.token = _hold(invoice, uploaded)
                outcome.suggestion = error.suggestion or attachment_name_shorten(uploaded.name)
            outcome.code, outcome.message = error.code, _rejection_text(error)
        outcomes.append(outcome)
    return outcomes


def invoice_attachment_rename_accept(*, invoice: Invoice, token: str, name: str) -> UploadOutcome:
    """Add a file held aside for its long name under ``name`` (the offered one, or one the user
    typed). Still too long: held again with a new offer; refused otherwise: dropped."""
    _editable(invoice)
    path = _held_path(invoice, token)
    outcome = UploadOutcome(name=name)
    if path is None or not default_storage.exists(path):
        outcome.code = "held_missing"
        outcome.message = str(_("This file is no longer waiting: add it again."))
        return outcome
    try:
        with default_storage.open(path, "rb") as handle:
            outcome.attachment = attachment_add(
                invoice=invoice, uploaded_file=File(handle, name=name), name=name
            )
    except AttachmentRejected as error:
        outcome.code, outcome.message = error.code, _rejection_text(error)
        if error.code == "name_too_long":
            outcome.token, outcome.suggestion = token, error.suggestion or ""
            return outcome
    default_storage.delete(path)
    return outcome


def invoice_attachment_remove(*, invoice: Invoice, attachment: Attachment) -> None:
    """Remove a supporting document of a draft (refused once Chorus Pro has it)."""
    _editable(invoice)
    attachment_remove(attachment=attachment)


def invoice_attachments_size(*, invoice: Invoice) -> int:
    return invoice.attachments.aggregate(total=Sum("size"))["total"] or 0


def _rejection_text(error: AttachmentRejected) -> str:
    message = error.messages[0] if error.messages else str(error.code)
    return str(message)


def _hold(invoice: Invoice, uploaded) -> str:
    token = uuid.uuid4().hex
    uploaded.seek(0)
    default_storage.save(f"{HELD_ROOT}/{invoice.pk}/{token}", uploaded)
    return token


def _held_path(invoice: Invoice, token: str) -> str | None:
    # The token is all the browser sends back: it must never name a path of its own choosing.
    if not _TOKEN.match(token or ""):
        return None
    return f"{HELD_ROOT}/{invoice.pk}/{token}"
