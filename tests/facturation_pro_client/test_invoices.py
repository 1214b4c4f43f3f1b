"""Invoices read through the client: lists with the doc's filters, pages, detail, VAT, PDF."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from facturation_pro_client import (
    BillType,
    InvoiceFilters,
    InvoiceOrder,
    LineStyle,
    PaymentMode,
    PeriodType,
    SortDirection,
    VatAmount,
)
from tests.facturation_pro_client.conftest import (
    ATELIER_FIRM,
    COMMUNE,
    COMMUNE_TRAINING,
    DRAFTS,
    DRFIP_JUNE,
    DRFIP_LOT_1,
    LYCEE_MANUALS,
    PAID_COMMUNE_Q2,
    UNIVERSITY_PARTLY_PAID,
)


def ids(client, **filters) -> list[int]:
    return [invoice.id for invoice in client.list_invoices(InvoiceFilters(**filters)).items]


def test_the_list_comes_newest_number_first_without_lines(client):
    page = client.list_invoices(InvoiceFilters(bill_type=BillType.INVOICE))

    refs = [invoice.invoice_ref for invoice in page.items]
    assert refs[0] == "202611-68" and refs[-1] == "202606-57" and len(refs) == 12
    assert all(invoice.items is None and invoice.settlements is None for invoice in page.items)
    assert not any(invoice.draft for invoice in page.items)


def test_bill_types_separate_drafts_paid_unpaid_and_overdue(client, fpro):
    assert sorted(ids(client, bill_type=BillType.DRAFT)) == list(DRAFTS)
    paid = ids(client, bill_type=BillType.PAID)
    unpaid = ids(client, bill_type=BillType.UNPAID)
    assert PAID_COMMUNE_Q2 in paid and DRFIP_LOT_1 in unpaid and len(paid) + len(unpaid) == 12
    overdue = ids(client, bill_type=BillType.TERM)
    today = datetime.now(ZoneInfo("Europe/Paris")).date()  # the emulator's today
    assert set(overdue) == {invoice.id for invoice in client.iter_invoices(InvoiceFilters(
        bill_type=BillType.UNPAID)) if invoice.term_on < today}
    assert DRFIP_LOT_1 in overdue


def test_filters_by_customer_dates_reference_and_sort(client):
    assert ids(client, customer_id=COMMUNE, bill_type=BillType.INVOICE) == [
        COMMUNE_TRAINING, 820006, PAID_COMMUNE_Q2]
    # Invoice dates in June 2026 ("billed"), then payment dates (the default) in August.
    assert ids(client, period_start="2026-06", period_end="2026-06",
               period_type=PeriodType.BILLED) == [DRFIP_JUNE, PAID_COMMUNE_Q2]
    assert sorted(ids(client, period_start=date(2026, 8, 1), period_end=date(2026, 8, 31))) == [
        DRFIP_JUNE, 820004]
    assert ids(client, full_invoice_ref="AN-202608-61") == [DRFIP_LOT_1]
    by_total = client.list_invoices(InvoiceFilters(
        bill_type=BillType.INVOICE, order=InvoiceOrder.TOTAL, sort=SortDirection.ASC)).items
    totals = [invoice.total_excl_tax for invoice in by_total]
    assert totals == sorted(totals) and totals[0] == Decimal("145.00")


def test_a_period_bound_must_be_a_date_or_a_month():
    with pytest.raises(ValueError, match="YYYY-MM"):
        InvoiceFilters(period_start="juin 2026")


def test_with_details_and_settlements_add_lines_and_payments(client):
    [invoice] = client.list_invoices(InvoiceFilters(
        full_invoice_ref="AN-202607-59", with_details=True, with_settlements=True)).items

    assert len(invoice.items) == 4
    assert [s.amount for s in invoice.settlements] == [Decimal("1000.00")]


def test_an_invoice_reads_with_lines_vat_totals_and_purchase_number(client):
    invoice = client.get_invoice(DRFIP_LOT_1)

    assert (invoice.full_invoice_ref, invoice.invoice_ref) == ("AN-202608-61", "202608-61")
    assert invoice.purchase_number == "EJ-2026-0002"
    assert (invoice.invoiced_on, invoice.term_on) == (date(2026, 8, 31), date(2026, 9, 30))
    assert invoice.customer_name == "Direction régionale des finances publiques"
    assert (invoice.total_excl_tax, invoice.vat_total, invoice.total_incl_tax) == (
        Decimal("3210.0"), Decimal("642.0"), Decimal("3852.0"))
    assert invoice.balance == Decimal("3852.0") and not invoice.is_paid
    assert invoice.payment_mode is PaymentMode.UNPAID
    first = invoice.items[0]
    assert (first.title, first.quantity, first.measure, first.unit_price, first.vat_rate,
            first.total_excl_tax) == ("Analyse et conception (jour)", Decimal("3.0"), "jour",
                                      Decimal("550.0"), Decimal("0.200"), Decimal("1650.0"))
    assert invoice.settlements == () and invoice.files == ()


def test_vat_breakdown_per_rate_skips_title_lines(client):
    invoice = client.get_invoice(LYCEE_MANUALS)

    assert invoice.items[0].style is LineStyle.TITLE and not invoice.items[0].is_billed
    assert invoice.vat_breakdown() == [
        VatAmount(rate=Decimal("0.2"), base=Decimal("380.00"), amount=Decimal("76.00")),
        VatAmount(rate=Decimal("0.055"), base=Decimal("2720.00"), amount=Decimal("149.60"))]
    assert sum(v.amount for v in invoice.vat_breakdown()) == invoice.vat_total


def test_an_exempt_invoice_says_why(client):
    invoice = client.get_invoice(COMMUNE_TRAINING)

    assert invoice.vat_total == 0
    assert invoice.vat_exemption == "Exonération de TVA, article 261-4-4°-a du CGI"


def test_a_paid_invoice_tells_when_and_how(client):
    invoice = client.get_invoice(PAID_COMMUNE_Q2)

    assert (invoice.paid_on, invoice.payment_mode, invoice.balance) == (
        date(2026, 7, 20), PaymentMode.TRANSFER, Decimal(0))
    assert invoice.settlements[0].payment_ref == "VIR COMMUNE VILLENEUVE 2026-0712"


def test_a_draft_has_no_number(client):
    draft = client.get_invoice(DRAFTS[0])

    assert draft.draft and draft.invoice_ref is None and draft.full_invoice_ref is None


def test_iter_invoices_walks_every_page_once(client, fpro, recorded):
    fpro.configure(per_page=5)

    invoices = list(client.iter_invoices(InvoiceFilters(order=InvoiceOrder.CREATED,
                                                        sort=SortDirection.ASC)))

    assert len(invoices) == 14 and len({invoice.id for invoice in invoices}) == 14
    assert len(recorded.exchanges) == 3
    page = client.list_invoices(page=3)
    assert (page.page, page.pages, page.page_size, page.total, len(page.items)) == (
        3, 3, 5, 14, 4)


def test_a_long_list_comes_fifty_invoices_a_call(client, fpro, recorded):
    fpro.seed_invoices(ATELIER_FIRM, COMMUNE, 120)

    assert sum(1 for _ in client.iter_invoices()) == 134
    assert len(recorded.exchanges) == 3


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_is_a_readable_invoice(client, recorded):
    content = client.invoice_pdf(DRFIP_LOT_1)

    text = pdf_text(content)
    assert "FACTURE N° AN-202608-61" in text
    assert "Bon de commande : EJ-2026-0002" in text
    assert "TVA 20 % 642,00 €" in text and "Total TTC 3 852,00 €" in text
    assert recorded.exchanges[-1].response_body == f"<file {len(content)} bytes>"


def test_a_paid_invoice_pdf_is_stamped_unless_the_original_is_asked(client):
    assert "ACQUITTÉE le 20/07/2026 par virement" in pdf_text(client.invoice_pdf(PAID_COMMUNE_Q2))
    assert "ACQUITTÉE" not in pdf_text(client.invoice_pdf(PAID_COMMUNE_Q2, original=True))


def test_partly_paid_invoice_balance(client):
    invoice = client.get_invoice(UNIVERSITY_PARTLY_PAID)

    assert invoice.total_incl_tax - invoice.balance == Decimal("1000.00")
