"""Reading the account's finalised invoices whose customer is a public entity of Chorus Pro.

1. Every customer of the firm (archived ones too: an old invoice may name one), one call per 50.
2. Every finalised invoice with its lines (``with_details``), oldest first so that pages do not
   shift while the firm invoices meanwhile: one call per 50 invoices, whatever their number, so
   the 600 requests / 5 minutes quota is never near.
3. Each customer with a SIRET is looked up in the portal's recipient directory (Chorus Pro's,
   read in the worker by ``structures.services.directory_refresh_structure`` when the local copy
   is stale), once: it is remembered on the customer.
4. The invoices of public customers are kept, one row each; a row already imported is never
   touched again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from chorus_client import ChorusError
from connectors.facturation_pro.models import FproConnection, FproCustomer, FproInvoice
from facturation_pro_client import (
    BillType,
    CustomerFilters,
    CustomerMode,
    Invoice,
    InvoiceFilters,
    InvoiceOrder,
    PeriodType,
    SortDirection,
)
from structures.models import ChorusConnection, Structure
from structures.selectors import connection_for_structure, directory_structure_fresh
from structures.services import StructureNotInChorus, directory_refresh_structure

from .remote import fpro_client_for

# What the beat's readings look back on (invoices dated within these days).
RECENT_DAYS = 90


@dataclass
class CatalogueReport:
    invoices_read: int = 0
    public: int = 0
    new: int = 0


def fpro_catalogue_sync(
    *, connection: FproConnection, recent_only: bool = False
) -> CatalogueReport:
    """Worker side: read the account's invoices to public entities (steps in the module's doc).
    Facturation.pro's errors propagate: the task decides whether to retry.

    ``recent_only`` (the beat's readings): only invoices dated within ``RECENT_DAYS``, so that a
    large firm read every quarter of an hour stays far within 10,000 calls a day; a reading the
    supplier asks for ("Read again", the first one) reads everything.
    """
    report = CatalogueReport()
    since = timezone.localdate() - timedelta(days=RECENT_DAYS) if recent_only else None
    started = timezone.now()
    with fpro_client_for(connection) as client:
        customers = {c.id: c for c in client.iter_customers(CustomerFilters(mode=CustomerMode.ALL))}
        invoices = list(
            client.iter_invoices(
                InvoiceFilters(
                    bill_type=BillType.INVOICE,
                    period_start=since,
                    period_type=PeriodType.BILLED if since else PeriodType.PAID,
                    with_details=True,
                    order=InvoiceOrder.CREATED,
                    sort=SortDirection.ASC,
                )
            )
        )
        for invoice in invoices:
            if invoice.customer_id not in customers:
                customers[invoice.customer_id] = client.get_customer(invoice.customer_id)
    report.invoices_read = len(invoices)
    chorus = connection_for_structure(structure=connection.structure)
    rows = _customers_record(connection, customers.values(), chorus)
    for invoice in invoices:
        if invoice.draft or invoice.items is None:
            continue
        customer = rows.get(invoice.customer_id)
        if customer is None or customer.directory != FproCustomer.Directory.PUBLIC:
            continue
        report.public += 1
        report.new += _invoice_record(connection, customer, invoice)
    FproConnection.objects.filter(pk=connection.pk).update(
        catalogue_synced_at=started, catalogue_error=""
    )
    return report


def _customers_record(
    connection: FproConnection, customers, chorus: ChorusConnection | None
) -> dict[int, FproCustomer]:
    known = {row.fpro_id: row for row in connection.customers.select_related("recipient")}
    rows = {}
    for customer in customers:
        row = known.get(customer.id) or FproCustomer(connection=connection, fpro_id=customer.id)
        siret = customer.siret_digits or ""
        if row.pk is None or row.siret != siret or row.directory == FproCustomer.Directory.UNKNOWN:
            row.siret = siret
            row.directory, row.recipient = _directory(siret, chorus)
            if row.service is not None and row.service.structure_id != row.recipient_id:
                row.service = None
        row.name = customer.display_name[:200]
        row.save()
        rows[customer.id] = row
    return rows


def _directory(siret: str, chorus: ChorusConnection | None) -> tuple[str, Structure | None]:
    """Whether Chorus Pro's directory knows the SIRET as a public entity (UNKNOWN when it could
    not be asked: asked again at the next reading)."""
    if not siret:
        return FproCustomer.Directory.NOT_PUBLIC, None
    structure = directory_structure_fresh(siret=siret)
    if structure is None and chorus is not None:
        try:
            structure = directory_refresh_structure(connection=chorus, siret=siret)
        except StructureNotInChorus:
            return FproCustomer.Directory.NOT_PUBLIC, None
        except ChorusError:
            structure = None
    if structure is None:
        return FproCustomer.Directory.UNKNOWN, None
    if not structure.is_public:
        return FproCustomer.Directory.NOT_PUBLIC, None
    return FproCustomer.Directory.PUBLIC, structure


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def invoice_data(invoice: Invoice) -> dict:
    """What the import needs of an invoice, as JSON (amounts as strings)."""
    return {
        "title": invoice.title or "",
        "currency": invoice.currency or "EUR",
        "rebate_percentage": _amount(invoice.rebate_percentage),
        "vat_exemption": invoice.vat_exemption or "",
        "total_vat": _amount(invoice.vat_total),
        "items": [
            {
                "title": item.title or "",
                "quantity": str(item.quantity),
                "unit_price": str(item.unit_price),
                "vat_rate": str(item.vat_rate),
                "total_excl_tax": str(item.total_excl_tax),
                "billed": item.is_billed,
            }
            for item in invoice.items or ()
        ],
    }


@transaction.atomic
def _invoice_record(connection: FproConnection, customer: FproCustomer, invoice: Invoice) -> int:
    """Create or refresh the row of one invoice; 1 when it is new."""
    values = {
        "customer": customer,
        "number": (invoice.full_invoice_ref or invoice.invoice_ref or str(invoice.id))[:60],
        "issued_on": invoice.invoiced_on,
        "due_on": invoice.term_on,
        "total_excl_tax": invoice.total_excl_tax,
        "total_incl_tax": invoice.total_incl_tax or invoice.total_excl_tax,
        "purchase_number": (invoice.purchase_number or "")[:100],
        "data": invoice_data(invoice),
    }
    row = (
        FproInvoice.objects.select_for_update()
        .filter(connection=connection, fpro_id=invoice.id)
        .first()
    )
    if row is None:
        FproInvoice.objects.create(connection=connection, fpro_id=invoice.id, **values)
        return 1
    if row.state in (FproInvoice.State.AVAILABLE, FproInvoice.State.FAILED):
        # Not imported yet: what Facturation.pro says now is what will be imported.
        FproInvoice.objects.filter(pk=row.pk).update(**values, read_at=timezone.now())
    return 0
