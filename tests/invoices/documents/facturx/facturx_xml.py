"""Reading the Factur-X XML the portal builds, shared by its tests."""

from decimal import Decimal as D

import facturx
import pytest
from lxml import etree

from invoices.documents import facturx as facturx_module
from invoices.documents.cii import NSMAP, RAM

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
