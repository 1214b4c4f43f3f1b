"""Supplier follow-up: flows integrated, recycling, rejection acknowledged, validator corrected."""

from decimal import Decimal

from chorus_client import (
    BillingFramework,
    FlowDeposit,
    FlowStatus,
    FlowSyntax,
    InvoiceStatus,
    SupplierInvoiceSearch,
    ValidatorAction,
)

from .conftest import (
    LYCEE_SIRET,
    SUPPLIER_SIRET,
    UNIVERSITY_SIRET,
    VALIDATOR_SIRET,
    next_number,
    pdf_submission,
)

UBL = """<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:ID>{number}</cbc:ID>
 <cbc:IssueDate>2026-03-02</cbc:IssueDate>
 <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
 <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
 <cac:AccountingSupplierParty><cac:Party><cac:PartyLegalEntity>
  <cbc:CompanyID>{supplier}</cbc:CompanyID></cac:PartyLegalEntity></cac:Party>
 </cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty><cac:Party><cac:PartyLegalEntity>
  <cbc:CompanyID>{recipient}</cbc:CompanyID></cac:PartyLegalEntity></cac:Party>
 </cac:AccountingCustomerParty>
 <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">20.00</cbc:TaxAmount>
  <cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">100.00</cbc:TaxableAmount>
   <cbc:TaxAmount currencyID="EUR">20.00</cbc:TaxAmount>
   <cac:TaxCategory><cbc:Percent>20</cbc:Percent></cac:TaxCategory></cac:TaxSubtotal>
 </cac:TaxTotal>
 <cac:LegalMonetaryTotal>
  <cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="EUR">120.00</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="EUR">120.00</cbc:PayableAmount>
 </cac:LegalMonetaryTotal>
 <cac:InvoiceLine><cbc:ID>1</cbc:ID>
  <cbc:InvoicedQuantity unitCode="C62">1</cbc:InvoicedQuantity>
  <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
  <cac:Item><cbc:Name>Prestation</cbc:Name>
   <cac:ClassifiedTaxCategory><cbc:Percent>20</cbc:Percent></cac:ClassifiedTaxCategory></cac:Item>
  <cac:Price><cbc:PriceAmount currencyID="EUR">100.00</cbc:PriceAmount></cac:Price>
 </cac:InvoiceLine>
</Invoice>
"""


def test_a_deposited_flow_is_followed_until_integrated_then_found_by_flow_number(
        supplier, emulator):
    number = next_number("UBL")
    content = UBL.format(number=number, supplier=SUPPLIER_SIRET, recipient=LYCEE_SIRET).encode()
    deposited = supplier.supplier.deposit_flow(FlowDeposit(
        file_name=f"UBL-{number}.xml", content=content, syntax=FlowSyntax.IN_DP_E1_UBL_INVOICE))

    report = supplier.transverses.detailed_flow_report(deposited.flow_number)
    for _ in range(10):
        if report.status.is_final:
            break
        emulator.advance(3600)
        report = supplier.transverses.detailed_flow_report(deposited.flow_number)

    assert report.status == FlowStatus.IN_INTEGRE, report
    found = list(supplier.supplier.iter_search(
        SupplierInvoiceSearch(flow_number=deposited.flow_number), page_size=10))
    assert [item.invoice_number for item in found] == [number]
    assert found[0].total_incl_tax == Decimal("120.00")


def test_a_supplier_recycles_an_invoice_with_new_routing(supplier, emulator):
    submitted = supplier.supplier.submit(pdf_submission(
        supplier, recipient_siret=UNIVERSITY_SIRET, purchase_order_number="EJ-2026-0100"))
    emulator.set_status(submitted.invoice_id, "A_RECYCLER", motif="Mauvais service")

    recycled = supplier.supplier.recycle(submitted.invoice_id, recipient_siret=LYCEE_SIRET,
                                         comment="Destinataire corrigé")

    assert recycled.invoice_id == submitted.invoice_id
    assert supplier.supplier.history(submitted.invoice_id).current_status != (
        InvoiceStatus.A_RECYCLER)
    assert supplier.supplier.get(submitted.invoice_id).recipient.siret == LYCEE_SIRET


def test_a_supplier_acknowledges_a_rejection(supplier, emulator):
    submitted = supplier.supplier.submit(pdf_submission(supplier))
    emulator.set_status(submitted.invoice_id, "REJETEE", motif="Doublon")
    search = SupplierInvoiceSearch(invoice_number=submitted.invoice_number)
    assert supplier.supplier.search(search).items[0].rejection_handled is False

    supplier.supplier.acknowledge_rejection([submitted.invoice_id], reason="Doublon confirmé")

    assert supplier.supplier.search(search).items[0].rejection_handled is True


def test_a_supplier_corrects_the_validator_after_a_refusal(supplier, validator, emulator):
    submitted = supplier.supplier.submit(pdf_submission(
        supplier, framework=BillingFramework.A9_FACTURE_SOUSTRAITANT,
        validator_structure_code=VALIDATOR_SIRET))
    emulator.set_status(submitted.invoice_id, "A_VALIDER_1")
    reason = validator.transverses.validator_refusal_reasons(
        BillingFramework.A9_FACTURE_SOUSTRAITANT)[0]
    validator.validator.treat(submitted.invoice_id, ValidatorAction.REFUS,
                              refusal_reason=reason.code)

    corrected = supplier.supplier.correct_validator(submitted.invoice_id,
                                                    structure_identifier=VALIDATOR_SIRET)

    assert corrected == submitted.invoice_id
    assert supplier.supplier.history(submitted.invoice_id).current_status == (
        InvoiceStatus.A_VALIDER_1)
