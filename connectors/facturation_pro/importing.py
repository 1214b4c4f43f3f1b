"""Importing Facturation.pro invoices as portal drafts, by the portal's own drafting services.

An import run queues the chosen rows (``queued``); a worker takes them one by one, each claimed
with a conditional UPDATE, so a run played twice imports nothing twice; the row's one-to-one link
to its portal invoice and the portal's unique invoice number per supplier make sure of it again.
The run counts what it did as it goes: the page shows the progress.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from connectors.facturation_pro.models import (
    FproConnection,
    FproCustomer,
    FproImportRun,
    FproInvoice,
)
from invoices.drafting.commitments import commitment_check_request
from invoices.drafting.services import invoice_draft_create, invoice_totals_refresh
from invoices.limits import INVOICE_NUMBER_MAX_LENGTH
from invoices.models import Invoice, InvoiceLine
from portal.jobs import enqueue

# The task that works through an import run (connectors/facturation_pro/tasks.py).
IMPORT_RUN_TASK = "facturation_pro.import_run"
CENT = Decimal("0.01")
IMPORTABLE = (FproInvoice.State.AVAILABLE, FproInvoice.State.FAILED)
# A run not finished this long after it started, or a row held this long, is lost.
LOST_AFTER = timedelta(minutes=10)

# Why an invoice was not imported (English msgids translated when shown; {name} parts filled in
# then, from the row's ``error`` as "code|value").
REFUSALS = {
    "not_public": gettext_noop("The customer is not a public entity known to Chorus Pro."),
    "service": gettext_noop(
        "Choose the service of %(value)s below (asked once for this customer), then import again."
    ),
    "commitment": gettext_noop(
        "%(value)s requires a commitment number: enter it as the purchase number (Numéro de "
        "commande) of the invoice in Facturation.pro, then import again."
    ),
    "number": gettext_noop(
        "Chorus Pro accepts invoice numbers of at most 20 characters: %(value)s is longer."
    ),
    "lines": gettext_noop(
        "The invoice has no line, or a negative one (a discount line): Chorus Pro needs lines "
        "with positive quantities and prices."
    ),
    "amounts": gettext_noop(
        "The amounts computed by the portal (%(value)s) differ from Facturation.pro's: check the "
        "invoice's rounding in Facturation.pro."
    ),
    "duplicate": gettext_noop("The portal already has an invoice numbered %(value)s from you."),
}


class ImportRefused(Exception):
    def __init__(self, code: str, value: str = "") -> None:
        super().__init__(code)
        self.code, self.value = code, value

    @property
    def error(self) -> str:
        return f"{self.code}|{self.value}"[:300]


def fpro_import_request(
    *,
    connection: FproConnection,
    user,
    row_ids: list[int] | None = None,
    automatic: bool = False,
) -> FproImportRun | None:
    """Queue an import of the chosen rows (all new ones when ``row_ids`` is None: failed ones
    only when chosen). Returns the run, or None when nothing was left to import."""
    rows = connection.remote_invoices.filter(state__in=IMPORTABLE)
    rows = rows.filter(state=FproInvoice.State.AVAILABLE) if row_ids is None else rows
    if row_ids is not None:
        rows = rows.filter(pk__in=row_ids)
    with transaction.atomic():
        run = FproImportRun.objects.create(
            connection=connection, requested_by=user, automatic=automatic
        )
        count = rows.update(state=FproInvoice.State.QUEUED, run=run, error="")
        if not count:
            run.delete()
            return None
        FproImportRun.objects.filter(pk=run.pk).update(total=count)
        run.total = count
        enqueue(IMPORT_RUN_TASK, run.pk)
    return run


def fpro_import_run(*, run_id: int) -> FproImportRun:
    """Worker side: import the run's queued rows one by one, counting as it goes."""
    run = FproImportRun.objects.select_related("connection__structure").get(pk=run_id)
    row_ids = list(run.invoices.filter(state=FproInvoice.State.QUEUED).values_list("pk", flat=True))
    for row_id in row_ids:
        outcome = fpro_invoice_import(row_id=row_id, user=run.requested_by)
        if outcome is None:
            continue
        counter = "done" if outcome else "failed"
        FproImportRun.objects.filter(pk=run.pk).update(**{counter: F(counter) + 1})
    under_way = (FproInvoice.State.QUEUED, FproInvoice.State.IMPORTING)
    if not run.invoices.filter(state__in=under_way).exists():
        # Finished unless another worker still holds a row (it will say so, or the beat will).
        FproImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    run.refresh_from_db()
    return run


def fpro_invoice_import(*, row_id: int, user=None) -> bool | None:
    """Import one queued row as a portal draft: True when imported, False when refused (the
    reason is on the row), None when another worker had it."""
    claimed = FproInvoice.objects.filter(pk=row_id, state=FproInvoice.State.QUEUED).update(
        state=FproInvoice.State.IMPORTING, claimed_at=timezone.now()
    )
    if not claimed:
        return None
    row = FproInvoice.objects.select_related(
        "connection__structure", "customer__recipient", "customer__service"
    ).get(pk=row_id)
    try:
        with transaction.atomic():
            invoice = _draft_from(row, user)
            FproInvoice.objects.filter(pk=row.pk).update(
                state=FproInvoice.State.IMPORTED, invoice=invoice, error=""
            )
    except ImportRefused as refusal:
        FproInvoice.objects.filter(pk=row.pk).update(
            state=FproInvoice.State.FAILED, error=refusal.error
        )
        return False
    except IntegrityError:
        # The portal's unique number per supplier: typed by hand, or imported by another row.
        FproInvoice.objects.filter(pk=row.pk).update(
            state=FproInvoice.State.FAILED, error=ImportRefused("duplicate", row.number).error
        )
        return False
    return True


def _routing(row: FproInvoice) -> tuple:
    """The recipient and service, or why Chorus Pro would refuse the invoice as it is."""
    customer: FproCustomer = row.customer
    recipient = customer.recipient
    if customer.directory != FproCustomer.Directory.PUBLIC or recipient is None:
        raise ImportRefused("not_public")
    service = customer.service if customer.service_id else None
    if service is not None and service.structure_id != recipient.pk:
        service = None
    if recipient.service_code_required and service is None:
        raise ImportRefused("service", customer.name)
    if recipient.commitment_required and not row.purchase_number:
        raise ImportRefused("commitment", recipient.name)
    if recipient.service_or_commitment_required and service is None and not row.purchase_number:
        raise ImportRefused("service", customer.name)
    return recipient, service


def _lines(data: dict) -> list[dict]:
    rebate = Decimal(data.get("rebate_percentage") or 0)
    lines = []
    for item in data.get("items", []):
        if not item.get("billed", True):
            continue  # titles, comments, subtotals and options are not billed
        quantity, price = Decimal(item["quantity"]), Decimal(item["unit_price"])
        if quantity <= 0 or price < 0:
            raise ImportRefused("lines")
        total = Decimal(item["total_excl_tax"])
        lines.append(
            {
                "description": (item.get("title") or data.get("title") or "—")[:300],
                "quantity": quantity,
                "unit_price": price,
                "discount": (total * rebate / 100).quantize(CENT, ROUND_HALF_UP),
                "rate": Decimal(item["vat_rate"]) * 100,
            }
        )
    if not lines:
        raise ImportRefused("lines")
    return lines


def _draft_from(row: FproInvoice, user) -> Invoice:
    recipient, service = _routing(row)
    if len(row.number) > INVOICE_NUMBER_MAX_LENGTH:
        raise ImportRefused("number", row.number)
    data = row.data
    lines = _lines(data)
    exemption = (data.get("vat_exemption") or "")[:100]
    exempt = bool(exemption) and all(line["rate"] == 0 for line in lines)
    invoice = invoice_draft_create(
        supplier=row.connection.structure,
        user=user,
        number=row.number,
        issue_date=row.issued_on,
        due_date=row.due_on,
        recipient=recipient,
        service=service,
        commitment_number=row.purchase_number[:50],
        payment_mode=Invoice.PaymentMode.TRANSFER,
        currency=(data.get("currency") or "EUR")[:3].upper(),
        vat_regime=Invoice.VatRegime.EXEMPT if exempt else Invoice.VatRegime.ON_DEBITS,
        vat_exemption_reason=exemption if exempt else "",
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=position,
            description=line["description"],
            quantity=line["quantity"],
            unit_price=line["unit_price"],
            discount=line["discount"],
            vat_rate=None if exempt else line["rate"].quantize(CENT),
        )
        for position, line in enumerate(lines, start=1)
    )
    invoice_totals_refresh(invoice=invoice)
    if invoice.total_excl_tax != row.total_excl_tax or invoice.total_incl_tax != row.total_incl_tax:
        raise ImportRefused("amounts", f"{invoice.total_excl_tax} / {invoice.total_incl_tax}")
    commitment_check_request(invoice=invoice)
    return invoice


def fpro_customer_service_set(*, customer: FproCustomer, service) -> int:
    """Remember the customer's Chorus Pro service; imported drafts of this customer without one
    take it. Returns how many drafts were completed."""
    customer.service = service
    customer.save(update_fields=["service"])
    drafts = Invoice.objects.filter(
        facturation_pro_source__customer=customer,
        status=Invoice.Status.DRAFT,
        service__isnull=True,
        recipient=service.structure,
    )
    return drafts.update(service=service)


def fpro_imports_lost(*, now=None) -> list[int]:
    """Runs whose worker died (or whose task the broker lost), made ready to be handed out again:
    a row held for ``LOST_AFTER`` goes back to the queue (one import takes well under a second),
    and the ids of the unfinished runs older than that are returned. Playing a run that another
    worker still plays is safe: each row is claimed by one of them only."""
    now = now or timezone.now()
    FproInvoice.objects.filter(
        state=FproInvoice.State.IMPORTING, claimed_at__lt=now - LOST_AFTER
    ).update(state=FproInvoice.State.QUEUED)
    unfinished = FproImportRun.objects.filter(
        finished_at__isnull=True, created_at__lt=now - LOST_AFTER
    )
    lost = []
    for run in unfinished:
        if run.invoices.filter(state=FproInvoice.State.QUEUED).exists():
            lost.append(run.pk)
        elif not run.invoices.filter(state=FproInvoice.State.IMPORTING).exists():
            FproImportRun.objects.filter(pk=run.pk).update(finished_at=now)
    return lost


def invoice_deleted(sender, *, instance: Invoice, **kwargs) -> None:
    """Receiver of the invoice's ``pre_delete``: its Facturation.pro row may be imported again."""
    FproInvoice.objects.filter(invoice=instance).update(
        state=FproInvoice.State.AVAILABLE, invoice=None, error=""
    )


def fpro_import_refusal(*, error: str) -> tuple[str, str]:
    """(msgid, value) of a row's stored refusal."""
    code, _, value = error.partition("|")
    return REFUSALS.get(code, code), value
