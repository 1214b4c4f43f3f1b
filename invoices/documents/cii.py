"""The invoice as UN/CEFACT CII D16B XML, EN 16931 profile (Factur-X "EN 16931").

Every amount is the invoice's saved one (lines, VAT breakdown, totals), written from Decimals; the
XML never recomputes anything, so a drift between the lines and the saved totals shows up as a
schematron error in the pre-flight check instead of being silently corrected.

Identifiers, each under its own ISO 6523 scheme, as the French CTC rules (BR-FR, the schematron
shipped with factur-x, which the pre-flight check runs next to the EN 16931 one) expect them:
- a party with a SIRET: the SIRET as its identifier (BT-29 seller, BT-46 buyer) under 0009, and
  its SIREN as its legal registration (BT-30, BT-47) under 0002. BR-FR-32 wants exactly 9 digits
  under 0002, BR-FR-10 the seller's SIREN there, BR-FR-09 a 14-digit SIRET under 0009 that starts
  with the SIREN given under 0002;
- a supplier Chorus Pro knows by another identifier (an EU VAT number, a foreign one): its VAT
  number as its VAT identifier (BT-31, scheme VA), any other identifier as a seller identifier
  without scheme (BT-29); never under 0002 or 0009, which are French registers;
- electronic addresses (BT-34 seller, BT-49 buyer; BR-FR-12 and BR-FR-13 require them) under
  0225, the French directory's scheme, whose addresses start with the SIREN: the seller's SIREN,
  and for a public buyer the directory line it is invoiced at, SIREN_SIRET or
  SIREN_SIRET_SERVICECODE (a Chorus Pro service code is a routing code of the SIRET:
  contract-works §4.1). Chorus Pro itself routes on soumettre's codeDestinataire (the SIRET).
Chorus Pro references [U] (common practice of Chorus Pro connectors, contract §5):
- service code (codeServiceExecutant): BuyerReference (BT-10);
- commitment number (numeroEngagement / EJ): buyer's order reference (BT-13);
- market number: contract reference (BT-12);
- billing framework (cadre de facturation A1, A2...): business process (BT-23).

No element is ever written empty: a value the invoice lacks leaves its element out, so that the
XSD or the schematrons name what is missing.
"""

from datetime import date
from decimal import Decimal

from lxml import etree

from invoices.documents import (
    LATE_PAYMENT_PENALTIES,
    NO_EARLY_PAYMENT_DISCOUNT,
    RECOVERY_INDEMNITY,
    VAT_EXEMPT,
    PartyIdentity,
    invoice_vat_breakdown,
    line_vat_category,
    party_identity,
)
from invoices.models import Invoice, InvoiceLine
from invoices.totals import ZERO
from reference_lists.selectors import vat_exemption_text
from structures.models import Structure

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}

GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"
TYPE_INVOICE = "380"
TYPE_CREDIT_NOTE = "381"

# ISO 6523 ICD: the SIRENE register (SIREN) and SIRET; CEF EAS: the French directory.
SCHEME_SIREN = "0002"
SCHEME_SIRET = "0009"
SCHEME_FR_DIRECTORY = "0225"
SCHEME_VAT = "VA"

# UNTDID 4461 payment means.
PAYMENT_MEANS = {
    Invoice.PaymentMode.TRANSFER: "30",
    Invoice.PaymentMode.CHEQUE: "20",
    Invoice.PaymentMode.DIRECT_DEBIT: "49",
    Invoice.PaymentMode.CASH: "10",
    Invoice.PaymentMode.OFFSET: "97",
    Invoice.PaymentMode.OTHER: "1",
}
# Written in the XML, French like the document (not the interface's translated labels).
PAYMENT_MEANS_LABELS = {
    Invoice.PaymentMode.TRANSFER: "Virement bancaire",
    Invoice.PaymentMode.CHEQUE: "Chèque",
    Invoice.PaymentMode.DIRECT_DEBIT: "Prélèvement",
    Invoice.PaymentMode.CASH: "Espèces",
    Invoice.PaymentMode.OFFSET: "Report",
    Invoice.PaymentMode.OTHER: "Autre",
}


def invoice_cii_xml(invoice: Invoice, *, payee_iban: str = "", payee_bic: str = "") -> bytes:
    """The CII XML of ``invoice`` (UTF-8 bytes, with the XML declaration).

    ``payee_iban`` and ``payee_bic`` describe the supplier's account for a bank transfer; the
    Factur-X rules (CII-SR-470) require the IBAN with payment means 30, and the portal's models
    keep only Chorus Pro's id of the account.
    """
    if invoice.recipient_id is None:
        raise ValueError("an invoice has no CII XML before it has a recipient")
    lines = list(invoice.lines.order_by("position"))
    root = etree.Element(_rsm("CrossIndustryInvoice"), nsmap=NSMAP)

    context = _sub(root, _rsm("ExchangedDocumentContext"))
    if invoice.billing_framework:
        _text(
            _sub(context, _ram("BusinessProcessSpecifiedDocumentContextParameter")),
            "ID",
            invoice.billing_framework,
        )
    _text(
        _sub(context, _ram("GuidelineSpecifiedDocumentContextParameter")), "ID", GUIDELINE_EN16931
    )

    document = _sub(root, _rsm("ExchangedDocument"))
    _text(document, "ID", invoice.number)
    _text(document, "TypeCode", invoice_type_code(invoice))
    _date(document, "IssueDateTime", invoice.issue_date)
    if invoice.comment:
        _note(document, invoice.comment)
    _note(document, LATE_PAYMENT_PENALTIES, "PMD")
    _note(document, RECOVERY_INDEMNITY, "PMT")
    _note(document, NO_EARLY_PAYMENT_DISCOUNT, "AAB")

    transaction = _sub(root, _rsm("SupplyChainTradeTransaction"))
    for line in lines:
        _line_item(transaction, invoice, line)
    _agreement(transaction, invoice)
    _delivery(transaction, invoice)
    _settlement(transaction, invoice, lines, payee_iban=payee_iban, payee_bic=payee_bic)

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def invoice_type_code(invoice: Invoice) -> str:
    return TYPE_CREDIT_NOTE if invoice.kind == Invoice.Kind.CREDIT_NOTE else TYPE_INVOICE


# --- blocks ---------------------------------------------------------------------------------


def _line_item(parent: etree._Element, invoice: Invoice, line: InvoiceLine) -> None:
    item = _sub(parent, _ram("IncludedSupplyChainTradeLineItem"))
    _text(_sub(item, _ram("AssociatedDocumentLineDocument")), "LineID", str(line.position))
    product = _sub(item, _ram("SpecifiedTradeProduct"))
    _text(product, "SellerAssignedID", line.reference)
    _text(product, "Name", line.description)

    agreement = _sub(item, _ram("SpecifiedLineTradeAgreement"))
    price = _sub(agreement, _ram("NetPriceProductTradePrice"))
    _text(price, "ChargeAmount", _number(line.unit_price))

    delivery = _sub(item, _ram("SpecifiedLineTradeDelivery"))
    _text(delivery, "BilledQuantity", _number(line.quantity), unitCode=line.unit)

    settlement = _sub(item, _ram("SpecifiedLineTradeSettlement"))
    tax = _sub(settlement, _ram("ApplicableTradeTax"))
    _text(tax, "TypeCode", "VAT")
    _text(tax, "CategoryCode", line_vat_category(invoice, line))
    _text(tax, "RateApplicablePercent", _amount(line.vat_rate or ZERO))
    if line.discount:
        allowance = _sub(settlement, _ram("SpecifiedTradeAllowanceCharge"))
        indicator = _sub(allowance, _ram("ChargeIndicator"))
        _sub(indicator, _udt("Indicator")).text = "false"
        _text(allowance, "ActualAmount", _amount(line.discount))
        _text(allowance, "Reason", "Remise")
    summation = _sub(settlement, _ram("SpecifiedTradeSettlementLineMonetarySummation"))
    _text(summation, "LineTotalAmount", _amount(line.total_excl_tax))


def _agreement(parent: etree._Element, invoice: Invoice) -> None:
    agreement = _sub(parent, _ram("ApplicableHeaderTradeAgreement"))
    service_code = invoice.service.code if invoice.service_id else ""
    _text(agreement, "BuyerReference", service_code)
    supplier = party_identity(invoice.supplier)
    _party(agreement, "SellerTradeParty", invoice.supplier, supplier, address=supplier.siren)
    recipient = party_identity(invoice.recipient)
    # The directory line of the recipient's SIRET, or of its service (a routing code).
    address = (
        "_".join(part for part in (recipient.siren, recipient.siret, service_code) if part)
        if recipient.siren
        else ""
    )
    _party(agreement, "BuyerTradeParty", invoice.recipient, recipient, address=address)
    if invoice.commitment_number:
        order = _sub(agreement, _ram("BuyerOrderReferencedDocument"))
        _text(order, "IssuerAssignedID", invoice.commitment_number)
    if invoice.market_number:
        contract = _sub(agreement, _ram("ContractReferencedDocument"))
        _text(contract, "IssuerAssignedID", invoice.market_number)


def _party(
    parent: etree._Element,
    tag: str,
    structure: Structure,
    identity: PartyIdentity,
    *,
    address: str,
) -> None:
    """A trade party in the XSD's order: identifiers (BT-29/BT-46), name, legal registration
    (BT-30/BT-47), postal address, electronic address (BT-34/BT-49), VAT identifier."""
    party = _sub(parent, _ram(tag))
    _text(party, "ID", identity.other_id)
    _text(party, "GlobalID", identity.siret, schemeID=SCHEME_SIRET)
    _text(party, "Name", structure.name)
    if identity.siren:
        legal = _sub(party, _ram("SpecifiedLegalOrganization"))
        _text(legal, "ID", identity.siren, schemeID=SCHEME_SIREN)
    postal = _sub(party, _ram("PostalTradeAddress"))
    _text(postal, "PostcodeCode", structure.postal_code)
    _text(postal, "LineOne", structure.address_line)
    _text(postal, "CityName", structure.city)
    _text(postal, "CountryID", structure.country_code)
    if address:
        communication = _sub(party, _ram("URIUniversalCommunication"))
        _text(communication, "URIID", address, schemeID=SCHEME_FR_DIRECTORY)
    if identity.vat_number:
        registration = _sub(party, _ram("SpecifiedTaxRegistration"))
        _text(registration, "ID", identity.vat_number, schemeID=SCHEME_VAT)


def _delivery(parent: etree._Element, invoice: Invoice) -> None:
    """The delivery block, which the XSD requires, with the actual delivery date (BT-72).

    The portal records no delivery date: French law asks for it on an invoice only where it
    differs from the invoice date (CGI, annexe II, art. 242 nonies A), so an invoice that
    gives none says it is the invoice date. An empty block is what Chorus Pro refused (issue 9
    §16); without an invoice date the block is left out and the XSD check says so.
    """
    if invoice.issue_date is None:
        return
    delivery = _sub(parent, _ram("ApplicableHeaderTradeDelivery"))
    event = _sub(delivery, _ram("ActualDeliverySupplyChainEvent"))
    _date(event, "OccurrenceDateTime", invoice.issue_date)


def _settlement(
    parent: etree._Element,
    invoice: Invoice,
    lines: list[InvoiceLine],
    *,
    payee_iban: str,
    payee_bic: str,
) -> None:
    settlement = _sub(parent, _ram("ApplicableHeaderTradeSettlement"))
    _text(settlement, "InvoiceCurrencyCode", invoice.currency)
    transfer = invoice.payment_mode == Invoice.PaymentMode.TRANSFER
    # [U] A transfer without a known IBAN carries no payment instructions (BG-16 is optional in
    # EN 16931, but with code 30 the Factur-X rule CII-SR-470 requires the account): Chorus Pro
    # gets the payment mode from soumettre's modePaiement, the PDF still says "Virement".
    if invoice.payment_mode and (payee_iban or not transfer):
        means = _sub(settlement, _ram("SpecifiedTradeSettlementPaymentMeans"))
        _text(means, "TypeCode", PAYMENT_MEANS[invoice.payment_mode])
        _text(means, "Information", PAYMENT_MEANS_LABELS[invoice.payment_mode])
        if transfer:
            account = _sub(means, _ram("PayeePartyCreditorFinancialAccount"))
            _text(account, "IBANID", payee_iban.replace(" ", "").upper())
            if payee_bic:
                institution = _sub(means, _ram("PayeeSpecifiedCreditorFinancialInstitution"))
                _text(institution, "BICID", payee_bic.strip().upper())
    for row in invoice_vat_breakdown(invoice, lines):
        tax = _sub(settlement, _ram("ApplicableTradeTax"))
        _text(tax, "CalculatedAmount", _amount(row.vat_amount))
        _text(tax, "TypeCode", "VAT")
        if row.category == VAT_EXEMPT and invoice.vat_exemption_reason:
            _text(tax, "ExemptionReason", vat_exemption_text(invoice.vat_exemption_reason))
        _text(tax, "BasisAmount", _amount(row.taxable_amount))
        _text(tax, "CategoryCode", row.category)
        _text(tax, "RateApplicablePercent", _amount(row.rate))
    if invoice.due_date:
        terms = _sub(settlement, _ram("SpecifiedTradePaymentTerms"))
        _date(terms, "DueDateDateTime", invoice.due_date)

    summation = _sub(settlement, _ram("SpecifiedTradeSettlementHeaderMonetarySummation"))
    _text(summation, "LineTotalAmount", _amount(invoice.total_excl_tax))
    _text(summation, "TaxBasisTotalAmount", _amount(invoice.total_excl_tax))
    _text(summation, "TaxTotalAmount", _amount(invoice.total_vat), currencyID=invoice.currency)
    _text(summation, "GrandTotalAmount", _amount(invoice.total_incl_tax))
    prepaid = invoice.total_incl_tax - invoice.amount_due
    if prepaid:
        # Framework A2 (already paid): amount due = grand total − prepaid (BR-CO-16).
        _text(summation, "TotalPrepaidAmount", _amount(prepaid))
    _text(summation, "DuePayableAmount", _amount(invoice.amount_due))

    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        _original_reference(settlement, invoice)


def _original_reference(settlement: etree._Element, invoice: Invoice) -> None:
    """The invoice a credit note corrects (BT-25) with its date (BT-26), both of which
    BR-FR-CO-05 requires. The date is the original's own: found by its number among the
    supplier's invoices when the supplier typed the number rather than drafting the credit note
    from the invoice."""
    original = invoice.original_invoice
    number = invoice.original_number or (original.number if original else "")
    if not number:
        return
    if original is None:
        original = (
            Invoice.objects.filter(
                supplier_id=invoice.supplier_id, number=number, kind=Invoice.Kind.INVOICE
            )
            .exclude(pk=invoice.pk)
            .first()
        )
    reference = _sub(settlement, _ram("InvoiceReferencedDocument"))
    _text(reference, "IssuerAssignedID", number)
    if original is not None and original.issue_date:
        issued = _sub(reference, _ram("FormattedIssueDateTime"))
        _qdt_date(issued, original.issue_date)


# --- primitives -----------------------------------------------------------------------------


def _rsm(tag: str) -> str:
    return f"{{{RSM}}}{tag}"


def _ram(tag: str) -> str:
    return f"{{{RAM}}}{tag}"


def _udt(tag: str) -> str:
    return f"{{{UDT}}}{tag}"


def _sub(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, tag, attributes)


def _text(parent: etree._Element, tag: str, value: str, **attributes: str) -> None:
    """A text element, or nothing when there is no value: never an empty element."""
    if not value or not value.strip():
        return
    element = _sub(parent, _ram(tag), **attributes)
    element.text = value


def _note(parent: etree._Element, content: str, subject: str | None = None) -> None:
    note = _sub(parent, _ram("IncludedNote"))
    _text(note, "Content", content)
    if subject:
        _text(note, "SubjectCode", subject)


def _date(parent: etree._Element, tag: str, value: date | None) -> None:
    if value is None:
        return
    holder = _sub(parent, _ram(tag))
    string = _sub(holder, _udt("DateTimeString"), format="102")
    string.text = value.strftime("%Y%m%d")


def _qdt_date(parent: etree._Element, value: date) -> None:
    string = _sub(parent, f"{{{QDT}}}DateTimeString", format="102")
    string.text = value.strftime("%Y%m%d")


def _amount(value: Decimal) -> str:
    # Decimal formatting: exact, never through float.
    return f"{value:.2f}"


def _number(value: Decimal) -> str:
    """A quantity or unit price: as many decimals as it needs, at least two."""
    text = format(value.normalize(), "f")
    whole, _dot, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"
