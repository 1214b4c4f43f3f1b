from datetime import date
from decimal import Decimal as D

import facturx
import pytest
from lxml import etree

from invoices.documents import facturx as facturx_module
from invoices.documents.cii import NSMAP, RAM, invoice_cii_xml
from invoices.documents.facturx import facturx_build, facturx_check, facturx_xml_check
from invoices.models import Invoice
from structures.models import Service, Structure

try:
    import saxonche  # noqa: F401

    HAS_SAXON = True
except ImportError:
    HAS_SAXON = False
needs_saxon = pytest.mark.skipif(not HAS_SAXON, reason="saxonche (schematron engine) missing")

IBAN = "FR7630006000011234567890189"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


MULTI_RATE = [
    (D("3"), D("170"), D("0"), D("20")),
    (D("2"), D("216"), D("0"), D("2.1")),
    (D("4"), D("100"), D("16"), D("5.5")),
    (D("1"), D("50"), D("0"), None),
]


@pytest.fixture
def supplier(make_structure):
    return make_structure(
        name="Atelier Numérique SAS",
        vat_number="FR32300000018",
        address_line="12 rue des Lilas",
        postal_code="75011",
        city="Paris",
    )


@pytest.fixture
def recipient(make_structure):
    return make_structure(
        name="Commune de Villeneuve",
        kind="public",
        address_line="1 place de la Mairie",
        postal_code="31000",
        city="Villeneuve",
    )


@pytest.fixture
def foreign_supplier(make_structure):
    """An EU supplier established abroad, as Chorus Pro knows Werkstatt Berlin GmbH
    (docs/emulator-world.md): by its VAT number, typed UE_HORS_FRANCE, without SIRET."""
    return make_structure(
        name="Werkstatt Berlin GmbH",
        siret="DE811569869",
        identifier_type=Structure.IdentifierType.OTHER,
        address_line="Friedrichstraße 12",
        postal_code="10117",
        city="Berlin",
        country_code="DE",
    )


@pytest.fixture
def service(recipient):
    return Service.objects.create(structure=recipient, code="SERV-FIN", label="Finances")


@pytest.fixture
def invoice(add_lines, supplier, recipient, service, make_invoice):
    made = make_invoice(
        supplier,
        recipient,
        service=service,
        issue_date=date(2026, 3, 2),
        due_date=date(2026, 4, 1),
        payment_mode=Invoice.PaymentMode.TRANSFER,
        vat_regime=Invoice.VatRegime.EXEMPT,
        vat_exemption_reason="Exonération, article 261-4-4° du CGI",
        commitment_number="EJ-2026-0042",
        market_number="MP-2026-07",
    )
    return add_lines(made, MULTI_RATE)


@pytest.fixture
def foreign_invoice(add_lines, foreign_supplier, recipient, service, make_invoice):
    made = make_invoice(
        foreign_supplier,
        recipient,
        service=service,
        issue_date=date(2026, 3, 2),
        due_date=date(2026, 4, 1),
        payment_mode=Invoice.PaymentMode.TRANSFER,
    )
    return add_lines(made, [(D("2"), D("350"), D("0"), D("20"))])


def xpath(xml: bytes, path: str) -> list:
    return etree.fromstring(xml).xpath(path, namespaces=NSMAP)


def identifiers(xml: bytes, party: str) -> dict[str, tuple[str, str]]:
    """A trade party's identifiers: {"BT-29/46": (text, scheme), "BT-30/47": ..., ...}."""
    found = {}
    for key, path in (
        ("id", "ram:ID"),
        ("global", "ram:GlobalID"),
        ("legal", "ram:SpecifiedLegalOrganization/ram:ID"),
        ("address", "ram:URIUniversalCommunication/ram:URIID"),
        ("vat", "ram:SpecifiedTaxRegistration/ram:ID"),
    ):
        for element in xpath(xml, f"//ram:{party}/{path}"):
            found[key] = (element.text, element.get("schemeID"))
    return found


def brfr_assertions(xml: bytes) -> set[str]:
    """Every assertion of the French CTC schematron the XML fails, those the pre-flight check
    waives included."""
    processor, stylesheets = facturx_module._schematron_executable()
    brfr = stylesheets[facturx_module.SCHEMATRONS.index(facturx.facturx.CII_FR_CTC_schematron)]
    with facturx_module._saxon_lock:
        report = brfr.transform_to_string(xdm_node=processor.parse_xml(xml_text=xml.decode()))
    svrl = etree.fromstring(report.encode())
    failed = svrl.xpath(".//svrl:failed-assert | .//svrl:successful-report", namespaces=SVRL)
    return {failure.get("id") for failure in failed}


def as_the_old_builder(xml: bytes) -> bytes:
    """``xml`` with the parties and the delivery as the builder wrote them before issue 9 §16:
    the identifier (SIRET, or a foreign supplier's VAT number) as GlobalID under 0009 and as
    legal registration under 0002 (seller) or 0009 (buyer), no electronic address, an empty
    delivery block."""
    root = etree.fromstring(xml)
    for tag, legal_scheme in (("SellerTradeParty", "0002"), ("BuyerTradeParty", "0009")):
        (party,) = root.xpath(f"//ram:{tag}", namespaces=NSMAP)
        identifier = (
            party.findtext("ram:GlobalID", namespaces=NSMAP)
            or party.findtext("ram:ID", namespaces=NSMAP)
            or party.findtext("ram:SpecifiedTaxRegistration/ram:ID", namespaces=NSMAP)
        )
        for old in party.xpath(
            "ram:ID | ram:GlobalID | ram:SpecifiedLegalOrganization | "
            "ram:URIUniversalCommunication",
            namespaces=NSMAP,
        ):
            party.remove(old)
        global_id = etree.Element(f"{{{RAM}}}GlobalID", schemeID="0009")
        global_id.text = identifier
        party.insert(0, global_id)
        legal = etree.Element(f"{{{RAM}}}SpecifiedLegalOrganization")
        etree.SubElement(legal, f"{{{RAM}}}ID", schemeID=legal_scheme).text = identifier
        party.find("ram:Name", namespaces=NSMAP).addnext(legal)
    (delivery,) = root.xpath("//ram:ApplicableHeaderTradeDelivery", namespaces=NSMAP)
    for child in list(delivery):
        delivery.remove(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def text(xml: bytes, path: str) -> str:
    (found,) = xpath(xml, path)
    return found.text


SUMMATION = (
    "//ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
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


def test_a_french_supplier_is_named_by_its_siret_its_siren_and_its_vat_number(invoice, supplier):
    xml = invoice_cii_xml(invoice, payee_iban=IBAN)

    assert (
        identifiers(xml, "SellerTradeParty")
        == {
            "global": (supplier.siret, "0009"),  # BT-29: the SIRET
            "legal": (supplier.siret[:9], "0002"),  # BT-30: the SIREN, 9 digits (BR-FR-10, -32)
            "address": (supplier.siret[:9], "0225"),  # BT-34: its address in the directory
            "vat": ("FR32300000018", "VA"),  # BT-31
        }
    )


def test_a_foreign_eu_supplier_is_named_by_its_vat_number_never_as_a_siret_or_siren(
    foreign_invoice,
):
    xml = invoice_cii_xml(foreign_invoice)

    assert identifiers(xml, "SellerTradeParty") == {"vat": ("DE811569869", "VA")}
    assert text(xml, "//ram:SellerTradeParty/ram:PostalTradeAddress/ram:CountryID") == "DE"
    assert xpath(xml, "//ram:SellerTradeParty//*[@schemeID='0002' or @schemeID='0009']") == []


def test_a_supplier_known_by_another_identifier_keeps_it_without_scheme(
    foreign_supplier, foreign_invoice
):
    foreign_supplier.siret = "CHE-123.456.788"  # a Swiss UID: Chorus Pro's HORS_UE
    foreign_supplier.vat_number = "CHE123456788MWST"
    foreign_supplier.country_code = "CH"
    foreign_supplier.save()
    foreign_invoice.refresh_from_db()

    xml = invoice_cii_xml(foreign_invoice)

    assert identifiers(xml, "SellerTradeParty") == {
        "id": ("CHE-123.456.788", None),  # BT-29 without scheme
        "vat": ("CHE123456788MWST", "VA"),
    }


def test_the_public_buyer_is_named_by_its_siret_its_siren_and_its_service_address(
    invoice, recipient
):
    xml = invoice_cii_xml(invoice, payee_iban=IBAN)

    siren = recipient.siret[:9]
    assert identifiers(xml, "BuyerTradeParty") == {
        "global": (recipient.siret, "0009"),  # BT-46: the SIRET Chorus Pro routes on
        "legal": (siren, "0002"),  # BT-47: its SIREN (BR-FR-09: the SIRET starts with it)
        # BT-49: the directory line of its service, SIREN_SIRET_SERVICECODE
        "address": (f"{siren}_{recipient.siret}_SERV-FIN", "0225"),
    }
    Invoice.objects.filter(pk=invoice.pk).update(service=None)
    invoice.refresh_from_db()
    without_service = invoice_cii_xml(invoice, payee_iban=IBAN)
    assert identifiers(without_service, "BuyerTradeParty")["address"] == (
        f"{siren}_{recipient.siret}",
        "0225",
    )
    assert xpath(without_service, "//ram:BuyerReference") == []


def test_no_element_is_empty_and_the_delivery_block_has_the_delivery_date(invoice, foreign_invoice):
    for made in (invoice, foreign_invoice):
        xml = invoice_cii_xml(made, payee_iban=IBAN)

        empty = [
            element.tag
            for element in etree.fromstring(xml).iter()
            if len(element) == 0 and not (element.text or "").strip()
        ]
        assert empty == []
        assert text(xml, "//ram:ActualDeliverySupplyChainEvent//udt:DateTimeString") == "20260302"


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
def test_a_french_and_a_foreign_supplier_pass_en16931_and_the_french_rules(
    invoice, foreign_invoice
):
    french = facturx_build(invoice, payee_iban=IBAN)
    foreign = facturx_build(foreign_invoice, payee_iban=IBAN)

    assert french.problems == foreign.problems == []
    # The French schematron did run. What it still reports, the check waives on purpose:
    # BT-23 holds Chorus Pro's framework (A1), not the reform's billing mode (S1, B1...)...
    assert brfr_assertions(french.xml) == {"BR-FR-08_BT-23"}
    # ...and a supplier established abroad has no SIREN nor French directory address.
    assert brfr_assertions(foreign.xml) == {"BR-FR-08_BT-23", "BR-FR-10_BT-30", "BR-FR-13_BT-34"}


@needs_saxon
def test_the_old_identifiers_break_the_french_rules_and_the_check_says_which(
    invoice, foreign_invoice
):
    french = as_the_old_builder(invoice_cii_xml(invoice, payee_iban=IBAN))
    foreign = as_the_old_builder(invoice_cii_xml(foreign_invoice, payee_iban=IBAN))

    french_rules = {problem.rule for problem in facturx_xml_check(french)}
    foreign_rules = {problem.rule for problem in facturx_xml_check(foreign)}

    # A SIRET under 0002, the SIREN scheme: BR-FR-32 (9 digits there), BR-FR-10 (the seller's
    # SIREN), BR-FR-09 (the SIRET under 0009 does not start with a SIREN); no addresses.
    assert french_rules == {"BR-FR-09", "BR-FR-10", "BR-FR-12", "BR-FR-13", "BR-FR-32"}
    # A German VAT number under the French schemes: not a SIRET (BR-FR-09) nor a SIREN (-32).
    assert {"BR-FR-09", "BR-FR-32"} <= foreign_rules
    assert all(
        problem.code == "schematron" and str(problem).endswith(f"({problem.rule})")
        for problem in facturx_xml_check(french)
    )


@needs_saxon
def test_the_waivers_do_not_hide_a_french_seller_without_siren_nor_an_unknown_framework(
    invoice,
):
    root = etree.fromstring(invoice_cii_xml(invoice, payee_iban=IBAN))
    seller = root.xpath("//ram:SellerTradeParty", namespaces=NSMAP)[0]
    seller.remove(seller.find("ram:SpecifiedLegalOrganization", namespaces=NSMAP))
    root.xpath("//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID", namespaces=NSMAP)[
        0
    ].text = "Z9"

    rules = {problem.rule for problem in facturx_xml_check(etree.tostring(root))}

    assert {"BR-FR-08", "BR-FR-10"} <= rules


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
