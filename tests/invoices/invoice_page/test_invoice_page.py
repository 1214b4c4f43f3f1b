"""The invoice page reads as people write invoices: units by name, quantities and prices without
useless zeros, amounts with grouped thousands, in the reader's language."""

from decimal import Decimal

from django.urls import reverse

from invoices.drafting.services import invoice_totals_refresh
from invoices.models import Invoice, InvoiceLine
from portal.languages import language_for_user_set

NBSP = "\u00a0"


def _big_invoice(invoice: Invoice) -> Invoice:
    InvoiceLine.objects.filter(invoice=invoice, position=1).update(quantity=Decimal("3.5"))
    InvoiceLine.objects.create(
        invoice=invoice,
        position=3,
        description="Licence annuelle",
        quantity=Decimal(1),
        unit="LS",
        unit_price=Decimal("1250.125"),
        vat_rate=Decimal(20),
    )
    invoice_totals_refresh(invoice=invoice)
    invoice.refresh_from_db()
    return invoice


def test_lines_and_amounts_read_as_written_in_french(supplier_client, ready_invoice):
    invoice = _big_invoice(ready_invoice)
    page = supplier_client.get(reverse("invoices:detail", args=[invoice.pk])).text
    lines = page.split("<tbody>")[1].split("</tbody>")[0]
    # 3.5 days at 450, 2 units at 12.50, a lump sum at 1 250.125
    assert '<td class="num">3,5</td>' in lines and '<td class="num">2</td>' in lines
    assert '<abbr title="DAY">jour</abbr>' in lines and '<abbr title="C62">unité</abbr>' in lines
    assert '<abbr title="LS">forfait</abbr>' in lines
    assert '<td class="num">450,00</td>' in lines and '<td class="num">12,50</td>' in lines
    assert f'<td class="num">1{NBSP}250,125</td>' in lines
    assert f"5,5{NBSP}%" in lines and f"20{NBSP}%" in lines
    assert "0000" not in lines
    assert invoice.amount_due == Decimal("3416.54")
    assert f"<dd><strong>3{NBSP}416,54{NBSP}EUR</strong></dd>" in page


def test_an_english_reader_gets_english_numbers(supplier_client, ready_invoice, django_user_model):
    language_for_user_set(user=django_user_model.objects.get(username="fournisseur"), language="en")
    invoice = _big_invoice(ready_invoice)
    page = supplier_client.get(reverse("invoices:detail", args=[invoice.pk])).text
    assert '<abbr title="DAY">day</abbr>' in page
    assert f"<dd><strong>3,416.54{NBSP}EUR</strong></dd>" in page
