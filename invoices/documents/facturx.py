"""Factur-X: the invoice PDF with its CII XML embedded (PDF/A-3, profile EN 16931), and the
pre-flight check that an invoice may be sent only when it finds nothing.

The checks are the factur-x library's own: its XSD (``facturx.xml_check_xsd``), its EN 16931
schematron and the French CTC one (the BR-FR rules, what the library's check_option "fr-ctc"
adds). factur-x 7.8's ``xml_check_schematron`` only posts the XML to a Saxon HTTP server and, when
none answers, logs a warning and returns True: the check would silently pass. Saxon servers in
secure mode also refuse the schematron's code-list file. So the library's compiled schematrons
(the same XSLT 2.0 files) run here in-process with SaxonC-HE (``saxonche``), compiled once per
process; without saxonche the check fails closed with ``schematron_unavailable``.

Saxon and the two compiled schematrons grow a process by about 175 MB (BR-FR about 10 of it;
bench/preflight.py): only the processes that run the pre-flight check (the web) pay it; a worker
builds the document with ``check=False``.
"""

import importlib.resources
import re
import threading
from dataclasses import dataclass, field
from functools import cache

import facturx
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from lxml import etree

from invoices.documents.cii import NSMAP, TYPE_CREDIT_NOTE, invoice_cii_xml, invoice_type_code
from invoices.documents.pdf import invoice_pdf_render
from invoices.models import WORKS_FRAMEWORK_CODES, Invoice

FLAVOR = "factur-x"
LEVEL = "en16931"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
# The schematrons the library ships, run in this order: EN 16931 (with the Factur-X CII-SR
# rules), then the French CTC rules BR-FR.
SCHEMATRONS = (
    facturx.facturx.FACTURX_LEVEL2schematron[LEVEL],
    facturx.facturx.CII_FR_CTC_schematron,
)


@dataclass(frozen=True)
class FacturxProblem:
    """One reason the Factur-X cannot be sent.

    ``code`` is stable: ``no_xml``, ``xml_syntax``, ``xsd``, ``schematron`` or
    ``schematron_unavailable``; ``rule`` names the rule for schematron problems, EN 16931
    (``BR-CO-15``) or French (``BR-FR-10``); ``message`` is French through the catalogue;
    ``detail`` is the validator's own text (English for EN 16931, French for BR-FR) and
    ``location`` its XPath, for support.
    """

    code: str
    message: str | Promise
    rule: str = ""
    detail: str = ""
    location: str = ""

    def __str__(self) -> str:
        return f"{self.message} ({self.rule})" if self.rule else str(self.message)


@dataclass(frozen=True)
class FacturxDocument:
    pdf: bytes
    xml: bytes
    problems: list[FacturxProblem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems


def facturx_build(
    invoice: Invoice, *, payee_iban: str = "", payee_bic: str = "", check: bool = True
) -> FacturxDocument:
    """The Factur-X PDF/A-3 of ``invoice`` and what the pre-flight check finds in its XML.

    ``payee_iban``/``payee_bic``: the supplier's bank account for a transfer, which the EN 16931
    rules require with payment means 30 (the portal stores only Chorus Pro's id of the account).
    ``check=False`` skips the XSD and schematron check (``problems`` is then empty): for a
    caller that already checked the same invoice, since the compiled schematrons cost a process
    about 175 MB and a second on first use.
    """
    xml = invoice_cii_xml(invoice, payee_iban=payee_iban, payee_bic=payee_bic)
    problems = facturx_xml_check(xml) if check else []
    pdf = facturx.generate_from_binary(
        invoice_pdf_render(invoice),
        xml,
        flavor=FLAVOR,
        level=LEVEL,
        check_xsd=False,  # already done above, with readable problems
        check_schematron=False,
        pdf_metadata=_metadata(invoice),
        lang="fr-FR",
    )
    return FacturxDocument(pdf=pdf, xml=xml, problems=problems)


def facturx_check(pdf_bytes: bytes) -> list[FacturxProblem]:
    """The problems of a Factur-X PDF: its embedded XML against the XSD and the EN 16931 and
    BR-FR schematrons. Empty when the invoice may be sent."""
    try:
        _filename, xml = facturx.get_xml_from_pdf(pdf_bytes, check_xsd=False)
    except Exception:  # the library raises bare Exceptions on unreadable PDFs
        xml = None
    if not xml:
        return [
            FacturxProblem(
                "no_xml", _("The PDF does not contain a Factur-X XML invoice (factur-x.xml).")
            )
        ]
    return facturx_xml_check(xml)


def facturx_xml_check(xml: bytes) -> list[FacturxProblem]:
    """The problems of a CII XML against the Factur-X EN 16931 XSD and the EN 16931 and BR-FR
    schematrons (less the BR-FR rules that cannot apply to this invoice: see
    ``_brfr_not_applicable``)."""
    try:
        tree = etree.fromstring(xml)
    except etree.XMLSyntaxError as error:
        return [
            FacturxProblem(
                "xml_syntax", _("The Factur-X XML is not well-formed XML."), detail=str(error)
            )
        ]
    try:
        facturx.xml_check_xsd(tree, flavor=FLAVOR, level=LEVEL)
    except Exception as error:  # the library raises a bare Exception with the lxml message
        return [
            FacturxProblem(
                "xsd",
                _("The Factur-X XML does not follow the EN 16931 XML schema."),
                detail=str(error),
            )
        ]
    return _schematron_problems(xml, tree)


# --- schematron -----------------------------------------------------------------------------

_RULE_MESSAGES = {
    "BR-CO-10": _("The sum of the line totals differs from the invoice's total excluding VAT."),
    "BR-CO-13": _("The total excluding VAT differs from the lines' total."),
    "BR-CO-14": _("The invoice's VAT total differs from the sum of the VAT breakdown."),
    "BR-CO-15": _("The total including VAT is not the total excluding VAT plus the VAT."),
    "BR-CO-16": _("The amount due does not follow from the total including VAT."),
    "BR-CO-17": _("A VAT amount of the breakdown is not its taxable amount times its rate."),
    "BR-CO-25": _("An amount is due: the invoice needs a due date or payment terms."),
    "BR-S-08": _("A VAT breakdown amount differs from the lines at that rate."),
    "BR-E-10": _("Lines exempt from VAT need the VAT exemption reason."),
    "BR-S-02": _("The supplier's VAT number is missing."),
    "BR-E-02": _("The supplier's VAT number is missing."),
    "BR-Z-02": _("The supplier's VAT number is missing."),
    "BR-08": _("The supplier's postal address is missing."),
    "BR-10": _("The recipient's postal address is missing."),
    "BR-07": _("The recipient's name is missing."),
    "BR-02": _("The invoice has no number."),
    "BR-03": _("The invoice has no date."),
    "BR-16": _("The invoice has no line."),
    "CII-SR-470": _("A bank transfer needs the supplier's IBAN."),
    # The French CTC rules (BR-FR) an invoice of the portal can break.
    "BR-FR-01": _("An invoice number is longer than 35 characters."),
    "BR-FR-02": _(
        "An invoice number may only hold letters, digits and the signs + - _ /, without spaces."
    ),
    "BR-FR-03": _("A date is outside the years 2000 to 2099."),
    "BR-FR-05": _(
        "A legal mention is missing: late payment penalties, recovery indemnity or early payment "
        "discount."
    ),
    "BR-FR-08": _("The billing framework is missing or not accepted."),
    "BR-FR-09": _("A SIRET does not start with the SIREN given for the same party."),
    "BR-FR-10": _("The supplier's SIREN (9 digits) is missing."),
    "BR-FR-12": _("The recipient's electronic invoicing address is missing."),
    "BR-FR-13": _("The supplier's electronic invoicing address is missing."),
    "BR-FR-16": _(
        "A VAT rate is not a rate in force in France (20 %, 10 %, 5.5 %, 2.1 %, or a rate of "
        "Corsica or the overseas departments)."
    ),
    "BR-FR-23": _(
        "An electronic invoicing address may only hold letters, digits and the signs - _ .: "
        "check the recipient's service code."
    ),
    "BR-FR-25": _("An electronic invoicing address is longer than 125 characters."),
    "BR-FR-32": _("A SIREN must have exactly 9 digits."),
    "BR-FR-CO-05": _(
        "A credit note must give the number and the date of the invoice it corrects: draft it "
        "from the original invoice."
    ),
    "BR-FR-CO-07": _("The due date is before the invoice date."),
    "BR-FR-DEC-01": _("An amount has more than 2 decimals or more than 19 digits."),
    "BR-FR-DEC-02": _("A quantity has more than 4 decimals or more than 19 digits."),
    "BR-FR-DEC-03": _("Each line's unit price must be above zero, with at most 6 decimals."),
    "BR-FR-DEC-04": _("A VAT rate must be positive, with at most 2 decimals."),
}
# "BR-FR-10_BT-30", "BR-FR-32-LEGALID", "BR-FR-CO-10_BT-29-1": the rule is the leading part.
_BRFR_RULE = re.compile(r"^BR-FR-(?:[A-Z]+-)?\d+")

_saxon_lock = threading.Lock()


def _rule_broken_now(rule: str) -> str:
    if rule.startswith("BR-FR-"):
        return gettext("The invoice breaks the French e-invoicing rule %(rule)s.") % {"rule": rule}
    return gettext("The invoice breaks the EN 16931 rule %(rule)s.") % {"rule": rule}


# Translated when shown, in the reader's language, like the gettext_lazy messages.
_rule_broken = lazy(_rule_broken_now, str)


def _rule_of(assertion_id: str) -> str:
    found = _BRFR_RULE.match(assertion_id)
    return found.group(0) if found else assertion_id


def _brfr_not_applicable(rule: str, tree: etree._Element) -> bool:
    """Whether a BR-FR rule cannot apply to this invoice, deposited in Chorus Pro.

    - BR-FR-08 wants in BT-23 one of the reform's billing modes (S1, B1, M1...). Chorus Pro reads
      its own billing framework there (A1, A2, A9, A12: contract §9.5, also sent by soumettre),
      and the reform's codes also tell goods from services, which the portal does not record.
      Waived only while BT-23 holds one of Chorus Pro's frameworks.
    - BR-FR-10 (the seller's SIREN) and BR-FR-13 (the seller's address in the French directory):
      a supplier established abroad has neither; Chorus Pro knows it by its VAT number
      (UE_HORS_FRANCE) or a foreign identifier. Waived only for a seller outside France.
    """
    if rule == "BR-FR-08":
        framework = tree.findtext(
            "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID",
            namespaces=NSMAP,
        )
        # Works pieces carry their works framework (A4, A15, A19...) the same way.
        return framework in Invoice.BillingFramework.values or framework in WORKS_FRAMEWORK_CODES
    if rule in ("BR-FR-10", "BR-FR-13"):
        country = tree.findtext(
            "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/"
            "ram:SellerTradeParty/ram:PostalTradeAddress/ram:CountryID",
            namespaces=NSMAP,
        )
        return country not in (None, "FR")
    return False


def _schematron_problems(xml: bytes, tree: etree._Element) -> list[FacturxProblem]:
    # SaxonC objects are not documented as thread-safe: one compilation, then one
    # transformation at a time.
    with _saxon_lock:
        executable = _schematron_executable()
        if executable is None:
            return [
                FacturxProblem(
                    "schematron_unavailable",
                    _(
                        "The EN 16931 and French business rules could not be checked "
                        "(validator unavailable)."
                    ),
                )
            ]
        processor, stylesheets = executable
        document = processor.parse_xml(xml_text=xml.decode("utf-8").lstrip("\ufeff"))
        reports = [stylesheet.transform_to_string(xdm_node=document) for stylesheet in stylesheets]
    problems = []
    for report in reports:
        svrl = etree.fromstring(report.encode("utf-8"))
        assertions = svrl.xpath(
            ".//svrl:failed-assert | .//svrl:successful-report", namespaces=SVRL
        )
        for failure in assertions:
            if failure.get("flag") in ("warning", "information"):
                continue  # PEPPOL-style advice, not a rejection
            rule = _rule_of(failure.get("id", ""))
            if rule.startswith("BR-FR-") and _brfr_not_applicable(rule, tree):
                continue
            detail = " ".join(failure.findtext("svrl:text", default="", namespaces=SVRL).split())
            message = _RULE_MESSAGES.get(rule) or _rule_broken(rule or "?")
            problems.append(
                FacturxProblem(
                    "schematron",
                    message,
                    rule=rule,
                    detail=detail,
                    location=failure.get("location", ""),
                )
            )
    return problems


@cache
def _schematron_executable():
    """The library's schematrons (``SCHEMATRONS``), compiled once per process with one Saxon
    processor (about 0.3 s of CPU, BR-FR 0.1 s of it), or None without saxonche."""
    try:
        from saxonche import PySaxonProcessor
    except ImportError:
        return None
    processor = PySaxonProcessor(license=False)
    compiler = processor.new_xslt30_processor()
    folder = importlib.resources.files(facturx.__name__).joinpath("xsd_and_schematron")
    # Compiled from their files so that document('..._codedb.xml') resolves beside them.
    stylesheets = tuple(
        compiler.compile_stylesheet(stylesheet_file=str(folder.joinpath(name)))
        for name in SCHEMATRONS
    )
    return processor, stylesheets


def _metadata(invoice: Invoice) -> dict[str, str]:
    credit_note = invoice_type_code(invoice) == TYPE_CREDIT_NOTE
    kind, issued_by = ("Avoir", "émis par") if credit_note else ("Facture", "émise par")
    supplier = invoice.supplier.name
    issued = f" du {invoice.issue_date:%d/%m/%Y}" if invoice.issue_date else ""
    return {
        "author": supplier,
        "keywords": f"{kind}, Factur-X",
        "title": f"{supplier} : {kind} {invoice.number}",
        "subject": f"{kind} {invoice.number}{issued}, {issued_by} {supplier}",
    }
