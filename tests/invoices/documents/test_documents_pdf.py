import io
from datetime import date
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from invoices.documents.pdf import invoice_pdf_render
from invoices.documents.pdf_style import amount_format, number_format
from invoices.models import Invoice


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")


@pytest.fixture
def parties(make_structure):
    supplier = make_structure(
        name="Atelier Numérique SAS",
        vat_number="FR32300000018",
        address_line="12 rue des Lilas",
        postal_code="75011",
        city="Paris",
    )
    recipient = make_structure(name="Commune de Villeneuve", kind="public", city="Villeneuve")
    return supplier, recipient


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("1508.19"), "1 508,19 €"),
        (D("0"), "0,00 €"),
        (D("1234567.005"), "1 234 567,01 €"),
        (D("12.5"), "12,50 €"),
    ],
)
def test_amounts_are_french(value, expected):
    assert amount_format(value).replace("\u00a0", " ") == expected


def test_numbers_keep_the_decimals_they_need():
    assert number_format(D("3.0000")) == "3"
    assert number_format(D("2.5000")) == "2,5"
    assert number_format(D("0.123000"), min_decimals=2) == "0,123"
    assert number_format(D("170.000000"), min_decimals=2) == "170,00"


def test_the_pdf_shows_number_sirets_lines_and_french_total(add_lines, parties, make_invoice):
    supplier, recipient = parties
    invoice = add_lines(
        make_invoice(
            supplier,
            recipient,
            number="F-2026-0042",
            issue_date=date(2026, 3, 2),
            due_date=date(2026, 4, 1),
            payment_mode=Invoice.PaymentMode.TRANSFER,
            vat_regime=Invoice.VatRegime.EXEMPT,
            vat_exemption_reason="Article 261-4-4° du CGI",
            commitment_number="EJ-42",
            market_number="MP-7",
        ),
        [
            (D("3"), D("170"), D("0"), D("20")),
            (D("2"), D("216"), D("0"), D("2.1")),
            (D("4"), D("100"), D("16"), D("5.5")),
            (D("1"), D("50"), D("0"), None),
        ],
    )

    pdf = invoice_pdf_render(invoice)

    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "FACTURE N° F-2026-0042" in text
    assert supplier.siret in text
    assert recipient.siret in text
    assert "1 508,19 €" in text
    assert "1 376,00 €" in text
    assert "132,19 €" in text
    assert "exonéré" in text
    assert "Article 261-4-4° du CGI" in text
    assert "Maintenance <applicative> n°1" in text
    assert "EJ-42" in text and "MP-7" in text
    assert "02/03/2026" in text and "01/04/2026" in text
    assert "Virement bancaire" in text
    assert "40 €" in text


def test_the_pdf_embeds_all_its_fonts(add_lines, parties, make_invoice):
    supplier, recipient = parties
    invoice = add_lines(
        make_invoice(supplier, recipient, issue_date=date(2026, 3, 2)),
        [(D("1"), D("10"), D("0"), D("20"))],
    )
    reader = PdfReader(io.BytesIO(invoice_pdf_render(invoice)))

    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts.append(
                (
                    font["/BaseFont"],
                    descriptor is not None and ("/FontFile2" in descriptor.get_object()),
                )
            )
    assert fonts
    assert all(embedded for _name, embedded in fonts), fonts
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_a_credit_note_is_titled_avoir_with_its_original_invoice(add_lines, parties, make_invoice):
    supplier, recipient = parties
    credit = add_lines(
        make_invoice(
            supplier,
            recipient,
            number="AV-2026-3",
            kind=Invoice.Kind.CREDIT_NOTE,
            original_number="F-2026-0042",
        ),
        [(D("1"), D("100"), D("0"), D("20"))],
    )

    text = pdf_text(invoice_pdf_render(credit))

    assert "AVOIR N° AV-2026-3" in text
    assert "F-2026-0042" in text
    assert "120,00 €" in text


def test_a_foreign_supplier_s_vat_number_is_not_printed_as_a_siret(
    add_lines, parties, make_structure, make_invoice
):
    _supplier, recipient = parties
    werkstatt = make_structure(
        name="Werkstatt Berlin GmbH",
        siret="DE811569869",
        identifier_type="other",
        city="Berlin",
        country_code="DE",
    )
    invoice = add_lines(
        make_invoice(werkstatt, recipient, number="W-2026-1", issue_date=date(2026, 3, 2)),
        [(D("1"), D("100"), D("0"), D("20"))],
    )

    text = pdf_text(invoice_pdf_render(invoice))

    assert "N° TVA : DE811569869" in text and "N° TVA DE811569869" in text  # block, footer
    assert "SIRET : DE811569869" not in text and "SIRET DE811569869" not in text
    assert f"SIRET : {recipient.siret}" in text
