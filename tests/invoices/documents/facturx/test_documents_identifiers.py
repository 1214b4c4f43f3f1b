"""Every party of the Factur-X named under its right scheme (SIRET 0009, SIREN 0002, VAT), and the
French CTC rules (BR-FR schematron) that check it."""


from lxml import etree

from invoices.documents.cii import NSMAP, invoice_cii_xml
from invoices.documents.facturx import facturx_build, facturx_xml_check
from invoices.models import Invoice
from tests.invoices.documents.facturx.facturx_xml import (
    IBAN,
    as_the_old_builder,
    brfr_assertions,
    identifiers,
    needs_saxon,
    text,
    xpath,
)


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
