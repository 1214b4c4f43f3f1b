"""CSV export of an invoice list, shaped for French spreadsheets.

`;` between columns and a decimal comma (what a French Excel or LibreOffice expects), UTF-8 with a
byte-order mark so accents survive Excel, amounts written from the Decimal as stored (never
through float). Rows are produced one by one so a large export is streamed, not built in memory.
"""

import csv
from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from invoices.lists.selectors import InvoiceListFilters, invoice_list_ordered, status_label
from invoices.models import ChorusStatus, Invoice
from portal.spaces import Space

BOM = "\ufeff"
STATUS_KEYS = (*Invoice.Status.values, *ChorusStatus.values)
# A spreadsheet runs a cell that starts with one of these as a formula; names and numbers come
# from outside the portal (Chorus Pro, other suppliers), so such cells are defused.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    """csv.writer wants a file; this one just hands back the line it was given."""

    def write(self, value: str) -> str:
        return value


# What a row reads, straight from the database (no model instance per row: an export of 100,000
# rows spent most of its time building invoices and their four related structures).
FIELDS = (
    "id",
    "number",
    "kind",
    "supplier__name",
    "supplier__siret",
    "recipient__name",
    "recipient__siret",
    "service__code",
    "issue_date",
    "due_date",
    "deposited_on",
    "total_excl_tax",
    "total_vat",
    "total_incl_tax",
    "amount_due",
    "currency",
    "status",
    "chorus_status",
    "commitment_number",
    "downloaded_by_recipient",
)


def invoice_csv_lines(*, space: Space, filters: InvoiceListFilters) -> Iterator[str]:
    """The filtered list as CSV lines (header first), in the list's order, in the reader's
    language as it is now (the lines may be produced after the request's language is reset)."""
    language = translation.get_language()
    invoices = invoice_list_ordered(space=space, filters=filters).values_list(*FIELDS)
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    today = timezone.localdate()

    def lines() -> Iterator[str]:
        with translation.override(language):
            labels = {
                **{key: str(label) for key, label in Invoice.Kind.choices},
                **{key: str(status_label(key)) for key in STATUS_KEYS},
                True: _("yes"),
                False: _("no"),
            }
            yield BOM + writer.writerow(_header())
            for row in invoices.iterator(chunk_size=2000):
                yield writer.writerow(_row(row, today, labels))

    return lines()


def _header() -> list[str]:
    return [
        _("Number"),
        _("Type"),
        _("Supplier"),
        _("Supplier SIRET"),
        _("Recipient"),
        _("Recipient SIRET"),
        _("Service"),
        _("Invoice date"),
        _("Due date"),
        _("Deposit date"),
        _("Days since deposit"),
        _("Total excl. VAT"),
        _("VAT"),
        _("Total incl. VAT"),
        _("Amount due"),
        _("Currency"),
        _("Status"),
        _("Commitment number"),
        _("Downloaded by the recipient"),
    ]


def _row(row: tuple, today, labels: dict) -> list[str]:
    (
        pk,
        number,
        kind,
        supplier_name,
        supplier_siret,
        recipient_name,
        recipient_siret,
        service_code,
        issue_date,
        due_date,
        deposited_on,
        total_excl_tax,
        total_vat,
        total_incl_tax,
        amount_due,
        currency,
        status,
        chorus_status,
        commitment_number,
        downloaded,
    ) = row
    status_key = chorus_status or status
    return [
        _text(number or _("Draft #%(id)s") % {"id": pk}),
        labels.get(kind, kind),
        _text(supplier_name),
        supplier_siret,
        _text(recipient_name or ""),
        recipient_siret or "",
        _text(service_code or ""),
        _date(issue_date),
        _date(due_date),
        _date(deposited_on),
        str((today - deposited_on).days) if deposited_on else "",
        _amount(total_excl_tax),
        _amount(total_vat),
        _amount(total_incl_tax),
        _amount(amount_due),
        currency,
        labels.get(status_key) or str(status_label(status_key)),
        _text(commitment_number),
        labels[downloaded],
    ]


def _amount(value: Decimal) -> str:
    return format(value, "f").replace(".", ",")


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value
