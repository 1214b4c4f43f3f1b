"""Reading invoice files: CII (EN16931 / Factur-X) and UBL Invoice/CreditNote XML, Factur-X
PDFs (XML extracted with facturx) and tar.gz bundles of several files."""

import gzip
import io
import logging
import re
import tarfile
import zlib
from decimal import Decimal, InvalidOperation

from lxml import etree

from chorus_emulator.rules import MAX_INVOICE_BYTES

logging.getLogger("factur-x").setLevel(logging.ERROR)

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS = {"rsm": RSM, "ram": RAM, "udt": UDT, "cac": CAC, "cbc": CBC}
CREDIT_NOTE_CODES = ("381", "261", "262", "396", "532")
# [U] How Chorus Pro reads a deposited file's payment means (UNTDID 4461, BT-81) into its
# modePaiement is not published: transfers (30, 31, 42, 58), cheque (20), direct debits (49, 59),
# cash (10), offsetting (97); any other code is AUTRE and no code at all leaves it empty.
PAYMENT_MEANS = {"30": "VIREMENT", "31": "VIREMENT", "42": "VIREMENT", "58": "VIREMENT",
                 "20": "CHEQUE", "49": "PRELEVEMENT", "59": "PRELEVEMENT", "10": "ESPECE",
                 "97": "REPORT"}


def _payment_mode(code: str | None) -> str | None:
    return PAYMENT_MEANS.get(code, "AUTRE") if code else None
MAX_MEMBERS = 500
# [U] The annex (§1.3) bounds each invoice once unpacked, not a whole archive: we hold the archive
# to the same 100 MB, so that what a flow unpacks into memory stays bounded whatever it holds.
MAX_UNPACKED_BYTES = MAX_INVOICE_BYTES
# EN 16931 amounts (CII udt:AmountType, UBL cbc:*Amount) are xs:decimal: digits with an optional
# sign and decimal point. "NaN", "INF" or "1E+30" fail the schema check Chorus Pro runs first.
XS_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


class UnreadableFile(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _text(node, path: str) -> str | None:
    found = node.xpath(path, namespaces=NS)
    if not found:
        return None
    value = found[0] if isinstance(found[0], str) else found[0].text
    return value.strip() if value and value.strip() else None


def _amount(node, path: str) -> Decimal | None:
    value = _text(node, path)
    if value is None:
        return None
    if not XS_DECIMAL.fullmatch(value):
        raise UnreadableFile("MONTANT_INVALIDE", f"Montant illisible : {value[:40]!r} n'est pas "
                                                 f"un nombre décimal.")
    try:
        return Decimal(value)
    except InvalidOperation as error:
        raise UnreadableFile("MONTANT_INVALIDE", f"Montant illisible : {value[:40]!r}.") from error


def _date_102(value: str | None) -> str | None:
    if value and len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value[:10] if value else None


def _siret(node, party: str) -> str | None:
    # An identifier under ISO 6523 scheme 0009 is a SIRET, whether given as the party's
    # identifier (BT-29/BT-46) or its legal registration; under the French CTC rules the legal
    # registration is the 9-digit SIREN (scheme 0002). Older files carry the SIRET there.
    for path in (f"{party}/ram:GlobalID[@schemeID='0009']",
                 f"{party}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0009']",
                 f"{party}/ram:SpecifiedLegalOrganization/ram:ID",
                 f"{party}/ram:ID", f"{party}/ram:GlobalID"):
        value = _text(node, path)
        if value:
            return value
    return None


def parse_cii(root) -> dict:
    agreement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    settlement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    totals = f"{settlement}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    type_code = _text(root, "rsm:ExchangedDocument/ram:TypeCode")
    lines = []
    for position, item in enumerate(root.xpath(
            "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem",
            namespaces=NS), start=1):
        lines.append({
            "lignePosteNumero": position,
            "lignePosteReference": _text(item, "ram:SpecifiedTradeProduct/ram:SellerAssignedID"),
            "lignePosteDenomination": _text(item, "ram:SpecifiedTradeProduct/ram:Name"),
            "lignePosteQuantite": _amount(
                item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"),
            "lignePosteUnite": _text(
                item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode"),
            "lignePosteMontantUnitaireHT": _amount(
                item, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/"
                      "ram:ChargeAmount"),
            "lignePosteTauxTvaManuel": _amount(
                item, "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/"
                      "ram:RateApplicablePercent"),
        })
    vat_lines = [{
        "ligneTvaMontantBaseHtParTaux": _amount(tax, "ram:BasisAmount"),
        "ligneTvaMontantTvaParTaux": _amount(tax, "ram:CalculatedAmount"),
        "ligneTvaTauxManuel": _amount(tax, "ram:RateApplicablePercent"),
    } for tax in root.xpath(f"{settlement}/ram:ApplicableTradeTax", namespaces=NS)]
    return {
        "numero": _text(root, "rsm:ExchangedDocument/ram:ID"),
        "date_facture": _date_102(_text(
            root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")),
        "type_facture": "AVOIR" if type_code in CREDIT_NOTE_CODES else "FACTURE",
        "cadre": _text(root, "rsm:ExchangedDocumentContext/"
                             "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"),
        "devise": _text(root, f"{settlement}/ram:InvoiceCurrencyCode"),
        "seller_siret": _siret(root, f"{agreement}/ram:SellerTradeParty"),
        "buyer_siret": _siret(root, f"{agreement}/ram:BuyerTradeParty"),
        # Chorus Pro's EN16931 mapping: BT-10 buyer reference = service code, BT-13 purchase
        # order reference = commitment number.
        "service_code": _text(root, f"{agreement}/ram:BuyerReference"),
        "order_ref": _text(root, f"{agreement}/ram:BuyerOrderReferencedDocument/"
                                 "ram:IssuerAssignedID"),
        "contract_ref": _text(root, f"{agreement}/ram:ContractReferencedDocument/"
                                    "ram:IssuerAssignedID"),
        "mode_paiement": _payment_mode(_text(
            root, f"{settlement}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode")),
        "ht": _amount(root, f"{totals}/ram:TaxBasisTotalAmount"),
        "tva": _amount(root, f"{totals}/ram:TaxTotalAmount"),
        "ttc": _amount(root, f"{totals}/ram:GrandTotalAmount"),
        "to_pay": _amount(root, f"{totals}/ram:DuePayableAmount"),
        "lines": lines,
        "vat_lines": vat_lines,
    }


def _ubl_party_id(root, party: str) -> str | None:
    for path in (f"cac:{party}/cac:Party/cac:PartyLegalEntity/cbc:CompanyID",
                 f"cac:{party}/cac:Party/cac:PartyIdentification/cbc:ID",
                 f"cac:{party}/cac:Party/cbc:EndpointID"):
        value = _text(root, path)
        if value:
            return value
    return None


def parse_ubl(root, *, credit_note: bool) -> dict:
    line_tag = "cac:CreditNoteLine" if credit_note else "cac:InvoiceLine"
    quantity_tag = "cbc:CreditedQuantity" if credit_note else "cbc:InvoicedQuantity"
    type_code = _text(root, "cbc:CreditNoteTypeCode" if credit_note else "cbc:InvoiceTypeCode")
    lines = [{
        "lignePosteNumero": position,
        "lignePosteReference": _text(line, "cac:Item/cac:SellersItemIdentification/cbc:ID"),
        "lignePosteDenomination": _text(line, "cac:Item/cbc:Name"),
        "lignePosteQuantite": _amount(line, quantity_tag),
        "lignePosteUnite": _text(line, f"{quantity_tag}/@unitCode"),
        "lignePosteMontantUnitaireHT": _amount(line, "cac:Price/cbc:PriceAmount"),
        "lignePosteTauxTvaManuel": _amount(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"),
    } for position, line in enumerate(root.xpath(line_tag, namespaces=NS), start=1)]
    vat_lines = [{
        "ligneTvaMontantBaseHtParTaux": _amount(sub, "cbc:TaxableAmount"),
        "ligneTvaMontantTvaParTaux": _amount(sub, "cbc:TaxAmount"),
        "ligneTvaTauxManuel": _amount(sub, "cac:TaxCategory/cbc:Percent"),
    } for sub in root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=NS)]
    return {
        "numero": _text(root, "cbc:ID"),
        "date_facture": _text(root, "cbc:IssueDate"),
        "type_facture": ("AVOIR" if credit_note or type_code in CREDIT_NOTE_CODES
                         else "FACTURE"),
        "cadre": _text(root, "cbc:ProfileID"),
        "devise": _text(root, "cbc:DocumentCurrencyCode"),
        "seller_siret": _ubl_party_id(root, "AccountingSupplierParty"),
        "buyer_siret": _ubl_party_id(root, "AccountingCustomerParty"),
        "service_code": _text(root, "cbc:BuyerReference"),
        "order_ref": _text(root, "cac:OrderReference/cbc:ID"),
        "contract_ref": _text(root, "cac:ContractDocumentReference/cbc:ID"),
        "mode_paiement": _payment_mode(_text(root, "cac:PaymentMeans/cbc:PaymentMeansCode")),
        "ht": _amount(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"),
        "tva": _amount(root, "cac:TaxTotal/cbc:TaxAmount"),
        "ttc": _amount(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"),
        "to_pay": _amount(root, "cac:LegalMonetaryTotal/cbc:PayableAmount"),
        "lines": lines,
        "vat_lines": vat_lines,
    }


def parse_xml(content: bytes) -> dict:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as error:
        raise UnreadableFile("XML_MAL_FORME", f"Le fichier XML est mal formé : {error}.") from error
    tag = etree.QName(root)
    if tag.namespace == RSM and tag.localname == "CrossIndustryInvoice":
        draft = parse_cii(root)
    elif tag.namespace == UBL_INVOICE and tag.localname == "Invoice":
        draft = parse_ubl(root, credit_note=False)
    elif tag.namespace == UBL_CREDIT and tag.localname == "CreditNote":
        draft = parse_ubl(root, credit_note=True)
    else:
        raise UnreadableFile("FORMAT_NON_RECONNU", f"Le document XML <{tag.localname}> n'est ni "
                                                   f"une facture CII ni une facture UBL.")
    if not draft["numero"]:
        raise UnreadableFile("NUMERO_ABSENT", "Le numéro de la facture est absent du document.")
    return draft


def parse_document(content: bytes, file_name: str = "facture", *,
                   archives: bool = True) -> list[dict]:
    """Parse one file (PDF, XML or, when ``archives``, tar.gz) into invoice drafts, or raise
    UnreadableFile."""
    if content[:2] == b"\x1f\x8b":
        if not archives:
            # An archive in an archive would unpack beyond the bounds of the outer one.
            raise UnreadableFile("FORMAT_NON_RECONNU", "Une archive ne peut pas contenir "
                                                       "d'autre archive.")
        drafts, errors = parse_flow(content)
        if errors:
            raise UnreadableFile(errors[0]["codeErreur"], errors[0]["libelleErreur"])
        return drafts
    if content.lstrip()[:5] == b"%PDF-":
        import facturx  # imported lazily: it pulls in pypdf and is slow to import

        try:
            _, xml = facturx.get_xml_from_pdf(content, check_xsd=False)
        except Exception as error:
            raise UnreadableFile("PDF_ILLISIBLE", f"Le PDF est illisible : {error}.") from error
        if not xml:
            raise UnreadableFile("PDF_SANS_XML", "Le PDF ne contient pas de XML Factur-X.")
        draft = parse_xml(xml)
        mime, extension = "application/pdf", "PDF"
    elif content.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] == b"<":
        draft = parse_xml(content)
        mime, extension = "application/xml", "XML"
    else:
        raise UnreadableFile("FORMAT_NON_RECONNU", "Le fichier n'est ni un PDF Factur-X, ni un "
                                                   "XML CII ou UBL, ni une archive tar.gz.")
    base = file_name.rsplit("/", 1)[-1]
    if not base.upper().endswith("." + extension):
        base = f"{base.rsplit('.', 1)[0]}.{extension.lower()}"
    draft.update(file_name=base, mime=mime, extension=extension, content=content)
    return [draft]


def _technical(code: str, message: str) -> dict:
    # contract §3.12: listeErreurTechnique[{codeErreur, libelleErreur, natureErreur}]; the
    # codes and the nature value are ours [U].
    return {"codeErreur": code, "libelleErreur": message, "natureErreur": "TECHNIQUE"}


def parse_flow(content: bytes) -> tuple[list[dict], list[dict]]:
    """Parse a deposited flow: one file, or a tar.gz of several (contract §5.2).

    The archive is read as a stream, one member at a time, each member's size taken from its
    header before anything is unpacked: a member over 100 MB, or an archive that would unpack
    beyond MAX_UNPACKED_BYTES, rejects the whole flow without inflating it (a few megabytes of
    gzip can hold gigabytes of zeros)."""
    if content[:2] != b"\x1f\x8b":
        try:
            return parse_document(content), []
        except UnreadableFile as error:
            return [], [_technical(error.code, error.message)]
    drafts, errors = [], []
    members = unpacked = 0
    try:
        with (
            gzip.GzipFile(fileobj=io.BytesIO(content)) as unzipped,
            tarfile.open(fileobj=unzipped, mode="r|") as archive,
        ):
            for member in archive:
                if not member.isfile():
                    continue
                if members == MAX_MEMBERS:
                    break
                members += 1
                if member.size > MAX_INVOICE_BYTES:
                    return [], [_technical("TAILLE_DEPASSEE", (
                        f"{member.name} : le fichier dépasse, une fois décompressé, la taille "
                        f"maximale autorisée pour une facture (100 Mo)."))]
                unpacked += member.size
                if unpacked > MAX_UNPACKED_BYTES:
                    return [], [_technical("TAILLE_DEPASSEE", (
                        "L'archive dépasse, une fois décompressée, la taille maximale "
                        "autorisée (100 Mo)."))]
                data = archive.extractfile(member).read()
                try:
                    drafts.extend(parse_document(data, member.name, archives=False))
                except UnreadableFile as error:
                    errors.append(_technical(error.code, f"{member.name} : {error.message}"))
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        return [], [_technical("ARCHIVE_ILLISIBLE", f"L'archive tar.gz est illisible : {error}.")]
    if not members:
        return [], [_technical("ARCHIVE_VIDE", "L'archive ne contient aucun fichier.")]
    return drafts, errors
