"""Reading the invoice files a supplier uploads, before anything is sent to Chorus Pro.

Each file is checked on its own (size, extension against content, syntax sniffed from the
content) so that one bad file is refused with its reason while the others go on. What is read
here (number, parties, totals) is kept with the flow: it maps Chorus Pro's per-invoice errors,
which name the invoice number only (contract §3.12 `numeroDP`), back to the file, and fills the
portal's invoices when Chorus Pro's search leaves a field out.
"""

from __future__ import annotations

import io
import logging
import re
import tarfile
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _
from lxml import etree

from chorus_client import FlowSyntax
from invoices.models import ATTACHMENT_MAX_BYTES, Invoice

logging.getLogger("factur-x").setLevel(logging.ERROR)

# contract §8.3: an invoice file becomes the main attachment of the invoice Chorus Pro creates,
# so the attachment limit applies to each file [U: no limit is documented for flow members].
FILE_MAX_BYTES = ATTACHMENT_MAX_BYTES
# contract §5.2 / annex §1.3: 30 MB per deposited flow; one megabyte is left for the tar headers
# and gzip's overhead on already compressed PDFs (OCA keeps the same kind of margin under its
# invoice limit, §8.3).
FLOW_BUDGET_BYTES = 29 * 1024 * 1024
# Invoice.number holds 20 characters.
NUMBER_MAX_LENGTH = 20
# EN 16931 amounts are xs:decimal: an optional sign, digits, an optional decimal point.
XS_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
CENT = Decimal("0.01")
_TOTAL = Invoice._meta.get_field("total_incl_tax")
AMOUNT_LIMIT = Decimal(10) ** (_TOTAL.max_digits - _TOTAL.decimal_places)

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS = {
    "rsm": RSM,
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CREDIT_NOTE_CODES = {"381", "261", "262", "396", "532"}

# contract §9.6 [C]: the syntax real clients deposit for each kind of file.
SYNTAX_FACTURX = FlowSyntax.IN_DP_E2_CII_FACTURX  # OCA pdf_factur-x, CNF, ZMOG
SYNTAX_CII = FlowSyntax.IN_DP_E1_CII_16B  # OCA xml_cii, Tryton
SYNTAX_UBL = FlowSyntax.IN_DP_E1_UBL_INVOICE  # OCA ubl, Pastell; credit notes too [U]
SYNTAX_LABELS = {SYNTAX_FACTURX: "Factur-X", SYNTAX_CII: "CII", SYNTAX_UBL: "UBL"}
# Names of the tar.gz bundles, after OCA's `<fmt>_chorus_lot_factures.tar.gz` (contract §5.2).
BUNDLE_PREFIX = {SYNTAX_FACTURX: "factur-x", SYNTAX_CII: "cii", SYNTAX_UBL: "ubl"}


class FileRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class InvoiceFile:
    """One accepted file and what it says, in the portal's words."""

    name: str
    content: bytes
    syntax: FlowSyntax
    number: str
    seller_siret: str
    buyer_siret: str
    service_code: str
    order_reference: str
    issue_date: str
    currency: str
    credit_note: bool
    total_excl_tax: Decimal | None
    total_vat: Decimal | None
    total_incl_tax: Decimal | None
    amount_due: Decimal | None

    def summary(self) -> dict:
        """What the flow keeps of the file (Flow.file_names): JSON, amounts as strings."""
        money = ("total_excl_tax", "total_vat", "total_incl_tax", "amount_due")
        entry = {
            key: getattr(self, key)
            for key in (
                "name",
                "number",
                "seller_siret",
                "buyer_siret",
                "service_code",
                "order_reference",
                "issue_date",
                "currency",
                "credit_note",
            )
        }
        entry.update({key: _str(getattr(self, key)) for key in money})
        entry.update(syntax=self.syntax.value, size=len(self.content))
        return entry


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def safe_file_name(name: str) -> str:
    """The base name only, in characters every tar reader and Chorus Pro accept."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or "facture"
    return base[-100:]


def invoice_file_read(*, name: str, content: bytes) -> InvoiceFile:
    """Check one uploaded file and read it; raise :class:`FileRefused` with a French reason."""
    lowered = name.lower()
    if not content:
        raise FileRefused(_("The file is empty."))
    if len(content) > FILE_MAX_BYTES:
        raise FileRefused(
            _("The file is over 10 MB, the most Chorus Pro accepts for an invoice file.")
        )
    if lowered.endswith((".tar.gz", ".tgz", ".zip", ".gz", ".tar")):
        raise FileRefused(
            _("Archives are not accepted: upload the invoice files themselves (several at once).")
        )
    is_pdf = content.lstrip()[:5] == b"%PDF-"
    is_xml = content.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] == b"<"
    if lowered.endswith(".pdf"):
        if not is_pdf:
            raise FileRefused(_("The file is named .pdf but its content is not a PDF."))
        return _read_pdf(name, content)
    if lowered.endswith(".xml"):
        if not is_xml:
            kind = _("a PDF") if is_pdf else _("not XML")
            raise FileRefused(
                _("The file is named .xml but its content is %(kind)s.") % {"kind": kind}
            )
        return _read_xml(name, content, _xml_root(content), pdf=False)
    raise FileRefused(
        _("Only Factur-X PDF files and UBL or CII XML files (.pdf, .xml) are accepted.")
    )


def _read_pdf(name: str, content: bytes) -> InvoiceFile:
    import facturx  # slow to import: only when a PDF comes

    try:
        _filename, xml = facturx.get_xml_from_pdf(content, check_xsd=False)
    except Exception:  # the library raises bare Exceptions on damaged PDFs
        raise FileRefused(_("The PDF cannot be read: it may be damaged.")) from None
    if not xml:
        raise FileRefused(
            _(
                "This PDF has no embedded Factur-X XML (factur-x.xml): it is not a Factur-X "
                "invoice. Export it as Factur-X from your software."
            )
        )
    root = _xml_root(xml)
    if etree.QName(root).namespace != RSM:
        raise FileRefused(_("The XML embedded in this PDF is not a Factur-X (CII) invoice."))
    return _read_xml(name, content, root, pdf=True)


def _xml_root(content: bytes):
    # No entities, no network: an uploaded file must not make the portal fetch or expand anything.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as error:
        raise FileRefused(
            _("The XML is not well-formed (%(detail)s).") % {"detail": str(error)[:200]}
        ) from None


def _read_xml(name: str, content: bytes, root, *, pdf: bool) -> InvoiceFile:
    tag = etree.QName(root)
    if tag.namespace == RSM and tag.localname == "CrossIndustryInvoice":
        fields = _cii_fields(root)
        syntax = SYNTAX_FACTURX if pdf else SYNTAX_CII
    elif (tag.namespace, tag.localname) in (
        (UBL_INVOICE, "Invoice"),
        (UBL_CREDIT_NOTE, "CreditNote"),
    ):
        fields = _ubl_fields(root, credit_note=tag.localname == "CreditNote")
        syntax = SYNTAX_UBL
    else:
        raise FileRefused(
            _("The XML document <%(root)s> is neither a UBL nor a CII invoice.")
            % {"root": tag.localname}
        )
    number = fields.pop("number")
    if not number:
        raise FileRefused(_("The invoice number is missing from the file."))
    if len(number) > NUMBER_MAX_LENGTH:
        raise FileRefused(
            _("The invoice number %(number)s is longer than 20 characters.") % {"number": number}
        )
    return InvoiceFile(
        name=safe_file_name(name), content=content, syntax=syntax, number=number, **fields
    )


def _text(node, path: str) -> str:
    found = node.xpath(path, namespaces=NS)
    if not found:
        return ""
    value = found[0] if isinstance(found[0], str) else found[0].text
    return (value or "").strip()


def _amount(node, path: str) -> Decimal | None:
    """A document total (BT-109, BT-110, BT-112, BT-115) as Chorus Pro would accept it.

    1. Written as an xs:decimal, like every EN 16931 amount: "NaN", "INF" or "1E+30" fail the
       schema check Chorus Pro runs before anything else.
    2. Within what the portal's invoices hold: the linked invoice keeps these totals.
    3. At most two decimals (EN 16931 BR-DEC-12, -13, -14, -18).
    """
    value = _text(node, path)
    if not value:
        return None
    if not XS_DECIMAL.fullmatch(value):
        raise FileRefused(
            _(
                "The amount %(value)s in the file is not a decimal number (digits and a point, "
                "such as 1250.50): Chorus Pro would refuse the file."
            )
            % {"value": value[:30]}
        )
    amount = Decimal(value)
    if abs(amount) >= AMOUNT_LIMIT:
        raise FileRefused(
            _("The amount %(value)s in the file is beyond what an invoice can hold.")
            % {"value": value[:30]}
        )
    if amount != amount.quantize(CENT, rounding=ROUND_DOWN):
        raise FileRefused(
            _(
                "The total %(value)s in the file has more than two decimals: Chorus Pro would "
                "refuse the file."
            )
            % {"value": value[:30]}
        )
    return amount


def _cii_fields(root) -> dict:
    agreement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    settlement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    totals = f"{settlement}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    issued = _text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")
    if len(issued) == 8 and issued.isdigit():  # format 102: YYYYMMDD
        issued = f"{issued[:4]}-{issued[4:6]}-{issued[6:]}"

    def party(role: str) -> str:
        base = f"{agreement}/ram:{role}"
        legal = _text(root, f"{base}/ram:SpecifiedLegalOrganization/ram:ID")
        return legal or _text(root, f"{base}/ram:GlobalID")

    return {
        "number": _text(root, "rsm:ExchangedDocument/ram:ID"),
        "credit_note": _text(root, "rsm:ExchangedDocument/ram:TypeCode") in CREDIT_NOTE_CODES,
        "issue_date": issued[:10],
        "currency": _text(root, f"{settlement}/ram:InvoiceCurrencyCode"),
        "seller_siret": party("SellerTradeParty"),
        "buyer_siret": party("BuyerTradeParty"),
        # Chorus Pro's EN 16931 mapping: BT-10 = service code, BT-13 = commitment number.
        "service_code": _text(root, f"{agreement}/ram:BuyerReference"),
        "order_reference": _text(
            root, f"{agreement}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
        ),
        "total_excl_tax": _amount(root, f"{totals}/ram:TaxBasisTotalAmount"),
        "total_vat": _amount(root, f"{totals}/ram:TaxTotalAmount"),
        "total_incl_tax": _amount(root, f"{totals}/ram:GrandTotalAmount"),
        "amount_due": _amount(root, f"{totals}/ram:DuePayableAmount"),
    }


def _ubl_fields(root, *, credit_note: bool) -> dict:
    def party(role: str) -> str:
        base = f"cac:{role}/cac:Party"
        return (
            _text(root, f"{base}/cac:PartyLegalEntity/cbc:CompanyID")
            or _text(root, f"{base}/cac:PartyIdentification/cbc:ID")
            or _text(root, f"{base}/cbc:EndpointID")
        )

    type_code = _text(root, "cbc:CreditNoteTypeCode" if credit_note else "cbc:InvoiceTypeCode")
    return {
        "number": _text(root, "cbc:ID"),
        "credit_note": credit_note or type_code in CREDIT_NOTE_CODES,
        "issue_date": _text(root, "cbc:IssueDate")[:10],
        "currency": _text(root, "cbc:DocumentCurrencyCode"),
        "seller_siret": party("AccountingSupplierParty"),
        "buyer_siret": party("AccountingCustomerParty"),
        "service_code": _text(root, "cbc:BuyerReference"),
        "order_reference": _text(root, "cac:OrderReference/cbc:ID"),
        "total_excl_tax": _amount(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"),
        "total_vat": _amount(root, "cac:TaxTotal/cbc:TaxAmount"),
        "total_incl_tax": _amount(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"),
        "amount_due": _amount(root, "cac:LegalMonetaryTotal/cbc:PayableAmount"),
    }


@dataclass(frozen=True)
class PlannedDeposit:
    """One deposer/flux call: a single file as is, or a tar.gz of several."""

    name: str
    content: bytes
    syntax: FlowSyntax
    files: list[InvoiceFile]


def deposits_plan(files: list[InvoiceFile], *, stamp: str) -> list[PlannedDeposit]:
    """Group the files into as few deposits as the contract allows.

    1. One syntax per deposit: `syntaxeFlux` names the syntax of the whole flow (§5.2, §9.6), so
       Factur-X, CII and UBL files go in separate deposits.
    2. Several files of one syntax go in one tar.gz (§5.2 [C: OCA's lot files]): one call and one
       report to follow instead of one per file. How Chorus Pro treats a tar.gz whose members are
       partly wrong is [U]; the emulator integrates the good ones (IN_INTEGRE_PARTIEL) and names
       the bad ones in listeErreurDP by invoice number, which we map back to each file.
    3. A bundle stays under the 30 MB flow limit (§8.3 / emulator annexe §1.5): a new bundle is
       started when the next file would pass FLOW_BUDGET_BYTES.
    A lone file is deposited as is, so a technical error in its report is certainly its own.
    """
    groups: dict[FlowSyntax, list[list[InvoiceFile]]] = {}
    for item in files:
        chunks = groups.setdefault(item.syntax, [[]])
        if chunks[-1] and sum(len(f.content) for f in chunks[-1]) + len(
            item.content
        ) > FLOW_BUDGET_BYTES - 1024 * (len(chunks[-1]) + 1):
            chunks.append([])
        chunks[-1].append(item)
    planned = []
    for syntax, chunks in groups.items():
        for index, chunk in enumerate(chunks, start=1):
            if len(chunk) == 1:
                planned.append(PlannedDeposit(chunk[0].name, chunk[0].content, syntax, chunk))
                continue
            suffix = f"_{index}" if len(chunks) > 1 else ""
            name = f"{BUNDLE_PREFIX[syntax]}_lot_factures_{stamp}{suffix}.tar.gz"
            planned.append(PlannedDeposit(name, _tar_gz(chunk), syntax, chunk))
    return planned


def _tar_gz(files: list[InvoiceFile]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for item in files:
            info = tarfile.TarInfo(item.name)
            info.size = len(item.content)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(item.content))
    return buffer.getvalue()


def flow_member_content(*, content: bytes, name: str, bundled: bool) -> bytes | None:
    """The bytes of one file of a deposit (the deposit itself when it holds one file)."""
    if not bundled:
        return content
    try:
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
            member = archive.getmember(name)
            handle = archive.extractfile(member)
            return handle.read() if handle else None
    except (KeyError, tarfile.TarError, OSError):
        return None
