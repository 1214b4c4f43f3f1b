"""The Factur-X document: the XML against its schema and totals, the checks of the pre-flight
(EN 16931 schematron), credit notes, the PDF/A-3 with its embedded XML."""

from datetime import date
from decimal import Decimal as D

import facturx
import pytest
from lxml import etree

from invoices.documents import facturx as facturx_module
from invoices.documents.cii import NSMAP, invoice_cii_xml
from invoices.documents.facturx import facturx_build, facturx_check, facturx_xml_check
from invoices.models import Invoice
from tests.invoices.documents.facturx.facturx_xml import (
    IBAN,
    SUMMATION,
    needs_saxon,
    text,
    xpath,
)


def test_the_xml_follows_the_xsd_and_names_the_chorus_references(invoice):
    xml = invoice_cii_xml(invoice, payee_iban=IBAN)

    facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert text(xml, "//rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert text(xml, "//rsm:ExchangedDocument/ram:ID") == invoice.number
    assert text(xml, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == (
        "urn:cen.eu:en16931:2017"
    )
    assert text(xml, "//ram:BuyerReference") == "SERV-FIN"
    assert text(xml, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == "EJ-2026-0042"
    assert text(xml, "//ram:ContractReferencedDocument/ram:IssuerAssignedID") == "MP-2026-07"


def test_the_xml_totals_are_the_invoice_saved_totals(invoice):
    xml = invoice_cii_xml(invoice, payee_iban=IBAN)

    assert D(text(xml, SUMMATION + "ram:LineTotalAmount")) == invoice.total_excl_tax
    assert D(text(xml, SUMMATION + "ram:TaxBasisTotalAmount")) == invoice.total_excl_tax
    assert D(text(xml, SUMMATION + "ram:TaxTotalAmount")) == invoice.total_vat
    assert D(text(xml, SUMMATION + "ram:GrandTotalAmount")) == invoice.total_incl_tax
    assert D(text(xml, SUMMATION + "ram:DuePayableAmount")) == invoice.amount_due
    assert invoice.total_incl_tax == D("1508.19")
    breakdown = {
        (
            tax.findtext("ram:CategoryCode", namespaces=NSMAP),
            D(tax.findtext("ram:RateApplicablePercent", namespaces=NSMAP)),
        ): (
            D(tax.findtext("ram:BasisAmount", namespaces=NSMAP)),
            D(tax.findtext("ram:CalculatedAmount", namespaces=NSMAP)),
        )
        for tax in xpath(xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax")
    }
    assert breakdown == {
        ("E", D("0")): (D("50.00"), D("0.00")),
        ("S", D("2.1")): (D("432.00"), D("9.07")),
        ("S", D("5.5")): (D("384.00"), D("21.12")),
        ("S", D("20")): (D("510.00"), D("102.00")),
    }
    assert text(xml, "//ram:ApplicableTradeTax[ram:CategoryCode='E']/ram:ExemptionReason") == (
        "Exonération, article 261-4-4° du CGI"
    )
    discount = xpath(xml, "//ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge")
    assert [d.findtext("ram:ActualAmount", namespaces=NSMAP) for d in discount] == ["16.00"]


@needs_saxon
def test_a_multi_rate_invoice_with_a_discount_and_an_exempt_line_passes_the_check(invoice):
    document = facturx_build(invoice, payee_iban=IBAN, payee_bic="BDFEFRPP")

    assert document.problems == []
    assert facturx_check(document.pdf) == []
    filename, embedded = facturx.get_xml_from_pdf(document.pdf, check_xsd=True)
    assert filename == "factur-x.xml"
    assert embedded == document.xml
    assert facturx.get_level(etree.fromstring(embedded)) == "en16931"
    assert D(text(embedded, SUMMATION + "ram:GrandTotalAmount")) == invoice.total_incl_tax


@needs_saxon
@pytest.mark.parametrize("drafted_from_the_original", [True, False])
def test_a_credit_note_has_type_381_and_the_original_invoice_with_its_date(
    add_lines, supplier, recipient, make_invoice, drafted_from_the_original
):
    original = make_invoice(supplier, recipient, issue_date=date(2026, 1, 15), number="F-2026-1")
    # Drafted from the invoice, or its number typed: BR-FR-CO-05 wants the date either way.
    link = (
        {"original_invoice": original}
        if drafted_from_the_original
        else {"original_number": "F-2026-1"}
    )
    credit = add_lines(
        make_invoice(
            supplier,
            recipient,
            kind=Invoice.Kind.CREDIT_NOTE,
            issue_date=date(2026, 2, 1),
            due_date=date(2026, 2, 1),
            **link,
        ),
        [(D("1"), D("100"), D("0"), D("20"))],
    )

    document = facturx_build(credit)

    assert document.problems == []
    assert text(document.xml, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert text(document.xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == (
        "F-2026-1"
    )
    assert text(document.xml, "//ram:InvoiceReferencedDocument//qdt:DateTimeString") == "20260115"


@needs_saxon
def test_tampered_totals_are_reported_by_the_check(invoice):
    document = facturx_build(invoice, payee_iban=IBAN)
    tampered_xml = document.xml.replace(
        b"<ram:GrandTotalAmount>1508.19<", b"<ram:GrandTotalAmount>1500.00<"
    )
    assert tampered_xml != document.xml
    tampered_pdf = facturx.generate_from_binary(
        document.pdf, tampered_xml, flavor="factur-x", level="en16931", check_xsd=False
    )

    problems = facturx_check(tampered_pdf)

    assert "BR-CO-15" in {problem.rule for problem in problems}
    assert {problem.code for problem in problems} == {"schematron"}
    assert all(str(problem.message) for problem in problems)


@needs_saxon
def test_saved_totals_that_drift_from_the_lines_are_reported(invoice):
    Invoice.objects.filter(pk=invoice.pk).update(
        total_excl_tax=D("1376.01"), total_incl_tax=D("1508.20"), amount_due=D("1508.20")
    )
    invoice.refresh_from_db()

    problems = facturx_build(invoice, payee_iban=IBAN).problems

    assert "BR-CO-10" in {problem.rule for problem in problems}


@needs_saxon
def test_an_exemption_without_reason_is_reported(add_lines, supplier, recipient, make_invoice):
    made = add_lines(
        make_invoice(
            supplier,
            recipient,
            issue_date=date(2026, 3, 2),
            due_date=date(2026, 4, 1),
            payment_mode=Invoice.PaymentMode.TRANSFER,
        ),
        [(D("1"), D("50"), D("0"), None)],
    )

    document = facturx_build(made)

    assert [problem.rule for problem in document.problems] == ["BR-E-10"]
    assert str(document.problems[0]).endswith("(BR-E-10)")
    # Without a known IBAN, a transfer carries no payment instructions rather than broken ones.
    assert xpath(document.xml, "//ram:SpecifiedTradeSettlementPaymentMeans") == []


def test_the_check_reports_a_pdf_without_xml_and_an_xml_outside_the_schema():
    assert [p.code for p in facturx_check(b"%PDF-1.4 not really")] == ["no_xml"]
    assert [p.code for p in facturx_xml_check(b"<not-closed>")] == ["xml_syntax"]
    broken = b'<rsm:CrossIndustryInvoice xmlns:rsm="%s"/>' % NSMAP["rsm"].encode()
    assert [p.code for p in facturx_xml_check(broken)] == ["xsd"]


@needs_saxon
def test_a_ten_line_invoice_passes_the_check_built_and_embedded(
    add_lines, supplier, recipient, make_invoice
):
    # Timings: bench/preflight.py.
    ten = add_lines(
        make_invoice(supplier, recipient, issue_date=date(2026, 3, 2), due_date=date(2026, 4, 1)),
        [(D(i), D("12.5"), D("0"), D("20")) for i in range(1, 11)],
    )

    document = facturx_build(ten)

    assert document.problems == facturx_check(document.pdf) == []


def test_the_check_fails_closed_without_a_schematron_engine(invoice, monkeypatch):
    monkeypatch.setattr(facturx_module, "_schematron_executable", lambda: None)

    problems = facturx_build(invoice, payee_iban=IBAN).problems

    assert [problem.code for problem in problems] == ["schematron_unavailable"]
