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
from invoices.models import Invoice
from portal.spaces import Space

BOM = "\ufeff"
# A spreadsheet runs a cell that starts with one of these as a formula; names and numbers come
# from outside the portal (Chorus Pro, other suppliers), so such cells are defused.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    """csv.writer wants a file; this one just hands back the line it was given."""

    def write(self, value: str) -> str:
        return value


def invoice_csv_lines(*, space: Space, filters: InvoiceListFilters) -> Iterator[str]:
    """The filtered list as CSV lines (header first), in the list's order, in the reader's
    language as it is now (the lines may be produced after the request's language is reset)."""
    language = translation.get_language()
    invoices = invoice_list_ordered(space=space, filters=filters)
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    today = timezone.localdate()

    def lines() -> Iterator[str]:
        with translation.override(language):
            yield BOM + writer.writerow(_header())
            for invoice in invoices.iterator(chunk_size=2000):
                yield writer.writerow(_row(invoice, today))

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


def _row(invoice: Invoice, today) -> list[str]:
    recipient = invoice.recipient
    return [
        _text(str(invoice)),
        str(invoice.get_kind_display()),
        _text(invoice.supplier.name),
        invoice.supplier.siret,
        _text(recipient.name if recipient else ""),
        recipient.siret if recipient else "",
        _text(invoice.service.code if invoice.service else ""),
        _date(invoice.issue_date),
        _date(invoice.due_date),
        _date(invoice.deposited_on),
        str((today - invoice.deposited_on).days) if invoice.deposited_on else "",
        _amount(invoice.total_excl_tax),
        _amount(invoice.total_vat),
        _amount(invoice.total_incl_tax),
        _amount(invoice.amount_due),
        invoice.currency,
        str(status_label(invoice.chorus_status or invoice.status)),
        _text(invoice.commitment_number),
        _("yes") if invoice.downloaded_by_recipient else _("no"),
    ]


def _amount(value: Decimal) -> str:
    return format(value, "f").replace(".", ",")


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value
