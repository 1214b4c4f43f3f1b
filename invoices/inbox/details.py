"""The full content of synced invoices (lines, VAT breakdown, references), read from Chorus Pro.

The summary sync only has what a search returns. Received invoices get their details in a
separate background step, so that a cycle bringing thousands of new invoices stays a handful of
search pages: `inbox_details_fetch` reads each invoice (consulter/recipiendaire or
consulter/valideur) and its status history, and stores them.
"""

import logging
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chorus_client import ChorusRejectedError, ChorusTransientError, InvoiceDetails, InvoiceType
from invoices.inbox.parties import CENT, ZERO, amounts
from invoices.inbox.report import details_enqueue
from invoices.inbox.scheduling import RECIPIENT
from invoices.models import Invoice, InvoiceLine, InvoiceVatLine
from invoices.retries import CLOCK_MARGIN, LOST_AFTER, RetryLater, retry_delay
from invoices.sending.status_sync import history_record
from invoices.sending.submission import FRAMEWORKS, PAYMENT_MODES, VAT_TYPES
from structures.chorus import ExchangeRecorder, chorus_client_for
from structures.models import ChorusConnection

logger = logging.getLogger(__name__)
UNKNOWN_INVOICE = 20001

_FRAMEWORK_OF = {chorus: ours for ours, chorus in FRAMEWORKS.items()}
_PAYMENT_MODE_OF = {chorus: ours for ours, chorus in PAYMENT_MODES.items()}
_VAT_REGIME_OF = {chorus: ours for ours, chorus in VAT_TYPES.items()}
_EXEMPT = {Invoice.VatRegime.EXEMPT, Invoice.VatRegime.NO_VAT}
HUNDRED = Decimal(100)


# While a worker reads an invoice (two calls, each within the client's timeouts) its next
# attempt is put this far off, so that the sweep leaves it alone. Reading twice does no harm.
DETAILS_HOLD = timedelta(minutes=3)


def inbox_details_fetch(
    *, connection: ChorusConnection, invoice_ids: list[int], side: str, attempt: int = 1
) -> int:
    """Read and store the details and history of synced invoices; returns how many were stored.

    Safe to run twice: each invoice is taken in turn only if its details are still missing and
    due (conditional UPDATE), lines are replaced, history entries are stored once. An invoice
    Chorus Pro no longer shows to this account (re-routed elsewhere meanwhile) is left as it is.
    On a transient failure, the invoices not read yet are due again after the backoff of
    ``attempt`` (or Chorus Pro's Retry-After) and :class:`RetryLater` is raised.
    """
    waiting = Invoice.objects.filter(
        pk__in=invoice_ids, chorus_invoice_id__isnull=False, details_fetched_at__isnull=True
    )
    stored = 0
    try:
        with chorus_client_for(connection) as client:
            api = client.validator if side == "validator" else client.recipient
            for invoice in waiting.order_by("pk"):
                if not _details_claim(invoice.pk):
                    continue  # another worker reads it
                # One client (one token) for the batch, each exchange still filed under its
                # invoice.
                if isinstance(client.transport.hook, ExchangeRecorder):
                    client.transport.hook.invoice_id = invoice.pk
                try:
                    details = api.get(invoice.chorus_invoice_id)
                except ChorusRejectedError as error:
                    if error.code != UNKNOWN_INVOICE:
                        raise
                    logger.info("invoice %s no longer visible to %s", invoice.pk, connection.login)
                    # Nothing more to read from this account: not a lost task to resume.
                    Invoice.objects.filter(pk=invoice.pk).update(details_fetched_at=timezone.now())
                    continue
                details_store(invoice=invoice, details=details)
                history_record(invoice, client.recipient.history(invoice.chorus_invoice_id))
                stored += 1
    except ChorusTransientError as error:
        delay = retry_delay(attempt=attempt, retry_after=error.retry_after)
        waiting.update(details_next_attempt_at=timezone.now() + timedelta(seconds=delay))
        raise RetryLater(delay, error) from error
    return stored


def _details_claim(invoice_id: int) -> bool:
    now = timezone.now()
    due = Q(details_next_attempt_at__isnull=True) | Q(
        details_next_attempt_at__lte=now + CLOCK_MARGIN
    )
    return bool(
        Invoice.objects.filter(due, pk=invoice_id, details_fetched_at__isnull=True).update(
            details_next_attempt_at=now + DETAILS_HOLD
        )
    )


def inbox_details_lost(*, now=None) -> dict[int, list[int]]:
    """Received invoices whose details task was lost (broker flushed, worker gone), by recipient
    connection: still without details well after their read was due. Never those that wait for
    a scheduled retry."""
    now = now or timezone.now()
    overdue = Q(details_next_attempt_at__lt=now - LOST_AFTER) | Q(
        details_next_attempt_at__isnull=True, created_at__lt=now - LOST_AFTER
    )
    rows = (
        Invoice.objects.filter(
            overdue,
            source=Invoice.Source.CHORUS,
            details_fetched_at__isnull=True,
            recipient__chorus_connection__isnull=False,
        )
        .values_list("recipient__chorus_connection", "pk")
        .order_by("pk")
    )
    lost: dict[int, list[int]] = {}
    for connection_id, invoice_id in rows:
        lost.setdefault(connection_id, []).append(invoice_id)
    return lost


def inbox_details_resume(*, now=None) -> int:
    """Queue again the details of received invoices whose task was lost; returns how many."""
    lost = inbox_details_lost(now=now)
    for connection in ChorusConnection.objects.filter(pk__in=lost):
        details_enqueue(connection=connection, side=RECIPIENT, invoice_ids=lost[connection.pk])
    return sum(len(ids) for ids in lost.values())


def invoice_fields_from_details(details: InvoiceDetails) -> dict:
    """Invoice fields that consulter gives and a search does not, shaped for the constraints."""
    fields = {
        "kind": Invoice.Kind.CREDIT_NOTE
        if details.invoice_type == InvoiceType.AVOIR
        else Invoice.Kind.INVOICE,
        "billing_framework": _FRAMEWORK_OF.get(details.framework, Invoice.BillingFramework.A1),
        "due_date": details.payment_due_date,
        "payment_mode": _PAYMENT_MODE_OF.get(details.payment_mode, ""),
        "vat_regime": _VAT_REGIME_OF.get(details.vat_type, Invoice.VatRegime.ON_DEBITS),
        "commitment_number": (details.purchase_order_number or "")[:50],
        "market_number": (details.contract_number or "")[:50],
        "comment": details.comment or "",
    }
    fields["vat_exemption_reason"] = (
        (details.vat_exemption_reason or "")[:100] if fields["vat_regime"] in _EXEMPT else ""
    )
    fields["original_number"] = (
        (details.original_invoice_number or "")[:20]
        if fields["kind"] == Invoice.Kind.CREDIT_NOTE
        else ""
    )
    if details.mandate_number:
        fields["mandate_number"] = details.mandate_number[:50]
    if details.currency and len(details.currency) == 3 and details.currency.isupper():
        fields["currency"] = details.currency
    if details.invoice_date:
        fields["issue_date"] = details.invoice_date
    if details.deposited_on:
        fields["deposited_on"] = details.deposited_on
    if details.totals is not None:
        totals = details.totals
        excl, vat, incl, due = amounts(
            totals.total_excl_tax, totals.total_incl_tax, totals.amount_due
        )
        fields.update(total_excl_tax=excl, total_vat=vat, total_incl_tax=incl, amount_due=due)
    return fields


@transaction.atomic
def details_store(*, invoice: Invoice, details: InvoiceDetails) -> None:
    """Store what consulter returned: invoice fields, then the lines and VAT breakdown (replaced,
    so that reading an invoice twice leaves one copy)."""
    fields = invoice_fields_from_details(details)
    fields["details_fetched_at"] = timezone.now()
    if invoice.validator_id and fields["billing_framework"] not in ("A9", "A12"):
        fields.pop("billing_framework")  # keep the row valid: only A9/A12 have a validator
    Invoice.objects.filter(pk=invoice.pk).update(**fields)
    for name, value in fields.items():
        setattr(invoice, name, value)
    invoice.lines.all().delete()
    InvoiceLine.objects.bulk_create(
        _line(invoice, position, line) for position, line in enumerate(details.lines, 1)
    )
    invoice.vat_lines.all().delete()
    by_rate: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for line in details.vat_lines:
        rate = _rate(line.rate, line.taxable_amount, line.vat_amount) or ZERO
        base, vat = by_rate.get(rate, (ZERO, ZERO))
        by_rate[rate] = (base + abs(line.taxable_amount or 0), vat + abs(line.vat_amount or 0))
    InvoiceVatLine.objects.bulk_create(
        InvoiceVatLine(invoice=invoice, rate=rate, taxable_amount=base, vat_amount=vat)
        for rate, (base, vat) in by_rate.items()
    )


def _rate(rate: Decimal | None, base: Decimal | None, vat: Decimal | None) -> Decimal | None:
    """The rate as a percentage; when Chorus Pro gives only a rate code (whose values are not
    published, contract §3.4), it is worked out from the amounts."""
    if rate is not None:
        return abs(rate).quantize(CENT)
    if base and vat is not None:
        return (abs(vat) * HUNDRED / abs(base)).quantize(Decimal("0.1")).quantize(CENT)
    return None


def _line(invoice: Invoice, position: int, line) -> InvoiceLine:
    # A copy of Chorus Pro's data for reading: magnitudes only (the invoice's kind carries the
    # sign of a credit note), and a line without quantity reads as one unit.
    quantity = abs(line.quantity) if line.quantity else Decimal(1)
    total = line.amount_excl_tax
    if total is None and line.unit_price_excl_tax is not None:
        total = quantity * line.unit_price_excl_tax - (line.discount_excl_tax or ZERO)
    return InvoiceLine(
        invoice=invoice,
        position=position,
        reference=(line.reference or "")[:50],
        description=(line.description or line.reference or "-")[:300],
        quantity=quantity.quantize(Decimal("0.0001")),
        unit=(line.unit or "C62")[:20],
        unit_price=abs(line.unit_price_excl_tax or ZERO),
        discount=abs(line.discount_excl_tax or ZERO).quantize(CENT),
        vat_rate=_rate(line.vat_rate, line.amount_excl_tax, line.amount_vat),
        total_excl_tax=abs(total or ZERO).quantize(CENT),
    )
