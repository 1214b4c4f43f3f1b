"""The world around the demo portal: what suppliers and public entities that do not use the portal
do in Chorus Pro with their own technical accounts, and the files a supplier's own software
produces. Emulator world only (docs/emulator-world.md); used by portal/demo/history.py."""

import io
from datetime import date, timedelta
from decimal import Decimal
from xml.sax.saxutils import escape

from django.conf import settings

from chorus_client import (
    ChorusClient,
    ChorusConfig,
    DepositMode,
    InvoiceLine,
    InvoiceStatus,
    InvoiceSubmission,
    InvoiceTotals,
    PaymentMode,
    VatLine,
)
from invoices.sending.submission import FRAMEWORKS
from invoices.totals import LineAmounts, Totals, totals_compute
from portal.demo.steps import BUREAU, LYCEE, UNIVERSITE, WERKSTATT, Draft

# Emulator technical accounts of the structures that are not portal users (published demo data).
ACCOUNTS = {
    BUREAU: ("TECH_1_44306184100013@cpro.fr", "Demo-Fournitures-2026"),
    WERKSTATT: ("TECH_1_DE811569869@cpro.fr", "Demo-Werkstatt-2026"),
    UNIVERSITE: ("TECH_1_18004100600016@cpro.fr", "Demo-Universite-2026"),
    LYCEE: ("TECH_1_19350936100013@cpro.fr", "Demo-Lycee-2026"),
}
# Chorus Pro ids of the outside suppliers and of the bank account each invoices with.
SUPPLIERS = {BUREAU: (26000002, 31000003), WERKSTATT: (26000003, 31000009)}
PAYMENT_DAYS = 30


def outside_client(siret: str) -> ChorusClient:
    """A Chorus Pro client acting with the technical account of a structure outside the portal."""
    login, password = ACCOUNTS[siret]
    endpoint = settings.CHORUS_ENDPOINTS["emulator"]
    return ChorusClient(
        ChorusConfig(
            token_url=endpoint["token_url"],
            api_base_url=endpoint["api_base_url"],
            client_id=endpoint["client_id"],
            client_secret=endpoint["client_secret"],
            technical_login=login,
            technical_password=password,
        )
    )


def draft_totals(draft: Draft) -> Totals:
    return totals_compute(
        LineAmounts(Decimal(line.quantity), Decimal(line.price), vat_rate=Decimal(line.vat))
        for line in draft.lines
    )


def outside_submit(draft: Draft, *, number: str, issued: date) -> int:
    """The supplier keys the invoice in Chorus Pro itself (SAISIE_API); returns its id."""
    totals = draft_totals(draft)
    supplier_id, bank_account_id = SUPPLIERS[draft.supplier]
    submission = InvoiceSubmission(
        deposit_mode=DepositMode.SAISIE_API,
        recipient_siret=draft.recipient,
        recipient_service_code=draft.service or None,
        purchase_order_number=draft.commitment or None,
        supplier_id=supplier_id,
        supplier_bank_account_id=bank_account_id,
        invoice_number=number,
        invoice_date=issued,
        payment_due_date=issued + timedelta(days=PAYMENT_DAYS),
        payment_mode=PaymentMode.VIREMENT,
        framework=FRAMEWORKS[draft.framework],
        validator_structure_code=draft.validator or None,
        totals=InvoiceTotals(
            total_excl_tax=totals.total_excl_tax,
            total_vat=totals.total_vat,
            total_incl_tax=totals.total_incl_tax,
            amount_due=totals.amount_due,
        ),
        lines=tuple(
            InvoiceLine(
                number=position,
                description=line.description,
                quantity=Decimal(line.quantity),
                unit=line.unit,
                unit_price_excl_tax=Decimal(line.price),
                vat_rate=Decimal(line.vat),
            )
            for position, line in enumerate(draft.lines, start=1)
        ),
        vat_lines=tuple(
            VatLine(
                taxable_amount=group.taxable_amount, vat_amount=group.vat_amount, rate=group.rate
            )
            for group in totals.vat_groups
        ),
    )
    with outside_client(draft.supplier) as client:
        return client.supplier.submit(submission).invoice_id


def outside_treat(
    siret: str, invoice_id: int, status: str, *, motive: str = "", mandate: str = ""
) -> None:
    """A public entity outside the portal treats an invoice in Chorus Pro."""
    with outside_client(siret) as client:
        client.recipient.treat(
            invoice_id, InvoiceStatus(status), motive=motive or None, mandate_number=mandate or None
        )


def outside_complete(siret: str, invoice_id: int, *, comment: str) -> None:
    """A supplier outside the portal completes its suspended invoice in Chorus Pro."""
    with outside_client(siret) as client:
        client.supplier.complete(invoice_id, comment=comment)


# --- documents ---------------------------------------------------------------------------------
def ubl_invoice(draft: Draft, *, number: str, issued: date, seller_name: str) -> bytes:
    """An EN 16931 UBL invoice as a supplier's accounting software exports it."""
    totals = draft_totals(draft)
    lines = "".join(
        f"""
  <cac:InvoiceLine>
    <cbc:ID>{position}</cbc:ID>
    <cbc:InvoicedQuantity unitCode="{line.unit}">{line.quantity}</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">{amount}</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>{escape(line.description)}</cbc:Name>
      <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{line.vat}</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">{line.price}</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>"""
        for position, (line, amount) in enumerate(
            zip(draft.lines, totals.line_totals, strict=True), start=1
        )
    )
    subtotals = "".join(
        f"""
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="EUR">{group.taxable_amount}</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="EUR">{group.vat_amount}</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{group.rate}</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
    </cac:TaxSubtotal>"""
        for group in totals.vat_groups
    )
    buyer_reference = (
        f"<cbc:BuyerReference>{draft.service}</cbc:BuyerReference>" if (draft.service) else ""
    )
    order = (
        f"<cac:OrderReference><cbc:ID>{draft.commitment}</cbc:ID></cac:OrderReference>"
        if draft.commitment
        else ""
    )
    due = issued + timedelta(days=PAYMENT_DAYS)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>{issued.isoformat()}</cbc:IssueDate>
  <cbc:DueDate>{due.isoformat()}</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  {buyer_reference}
  {order}
  <cac:AccountingSupplierParty><cac:Party><cac:PartyLegalEntity>
    <cbc:RegistrationName>{escape(seller_name)}</cbc:RegistrationName>
    <cbc:CompanyID schemeID="0002">{draft.supplier}</cbc:CompanyID>
  </cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party><cac:PartyLegalEntity>
    <cbc:CompanyID schemeID="0002">{draft.recipient}</cbc:CompanyID>
  </cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="EUR">{totals.total_vat}</cbc:TaxAmount>{subtotals}
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">{totals.total_excl_tax}</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">{totals.total_excl_tax}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">{totals.total_incl_tax}</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">{totals.amount_due}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>{lines}
</Invoice>
""".encode()


def pdf_document(title: str, *paragraphs: str) -> bytes:
    """A one-page PDF, such as a signed acceptance report a supplier attaches."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("Helvetica-Bold", 14)
    page.drawString(60, 780, title)
    page.setFont("Helvetica", 11)
    for index, text in enumerate(paragraphs):
        page.drawString(60, 740 - 20 * index, text)
    page.showPage()
    page.save()
    return buffer.getvalue()
