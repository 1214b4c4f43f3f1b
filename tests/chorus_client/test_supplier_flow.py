"""Supplier flows end to end through the typed methods."""

from datetime import date
from decimal import Decimal

import pytest

from chorus_client import (
    AttachmentUpload,
    ChorusRejectedError,
    DepositMode,
    InvoiceLine,
    InvoiceStatus,
    InvoiceSubmission,
    InvoiceTotals,
    InvoiceType,
    PaymentMode,
    SupplierInvoiceSearch,
    SupportingAttachment,
    VatLine,
)

from .conftest import (
    COMMUNE_SIRET,
    DRFIP_SIRET,
    LYCEE_ID,
    LYCEE_SIRET,
    PDF_BYTES,
    SUPPLIER_ID,
    next_number,
    pdf_submission,
)


def test_a_supplier_uploads_submits_searches_and_reads_the_history(supplier, emulator):
    supporting_id = supplier.transverses.upload_attachment(
        AttachmentUpload(file_name="bon-de-livraison.pdf", content=PDF_BYTES))
    invoice = pdf_submission(supplier, payment_mode=PaymentMode.VIREMENT, supporting_attachments=(
        SupportingAttachment(attachment_id=supporting_id, designation="Bon de livraison"),))

    submitted = supplier.supplier.submit(invoice)

    assert submitted.status == InvoiceStatus.DEPOSEE
    assert submitted.invoice_number == invoice.invoice_number
    assert isinstance(submitted.deposited_on, date)
    found = supplier.supplier.search(SupplierInvoiceSearch(invoice_number=invoice.invoice_number))
    assert [item.invoice_id for item in found.items] == [submitted.invoice_id]
    assert found.items[0].amount_due == Decimal("120.00")
    assert found.items[0].deposit_mode == DepositMode.DEPOT_PDF_API

    for _ in range(4):
        emulator.advance(3600)
    history = supplier.supplier.history(submitted.invoice_id)

    assert history.invoice_id == submitted.invoice_id
    assert history.current_status == InvoiceStatus.MISE_A_DISPOSITION
    stamps = [change.changed_at for change in history.statuses]
    assert stamps == sorted(stamps, reverse=True)  # newest first
    assert history.statuses[0].status == history.current_status
    assert history.statuses[-1].status == InvoiceStatus.DEPOSEE

    details = supplier.supplier.get(submitted.invoice_id)
    assert details.recipient.id == LYCEE_ID
    assert details.supplier.id == SUPPLIER_ID
    assert details.payment_mode == PaymentMode.VIREMENT
    assert {a.attachment_id for a in details.attachments} >= {
        invoice.main_attachment.attachment_id, supporting_id}
    assert details.main_attachment_id == invoice.main_attachment.attachment_id


def test_a_structured_invoice_keeps_exact_decimal_amounts(supplier):
    # The FE sample of contract §5.3: 6-decimal-capable amounts must not go through float.
    lines = (
        InvoiceLine(number=1, description="Prestation A", quantity=Decimal("3"), unit="C62",
                    unit_price_excl_tax=Decimal("170"), vat_rate=Decimal("20")),
        InvoiceLine(number=2, description="Prestation B", quantity=Decimal("1.5"), unit="C62",
                    unit_price_excl_tax=Decimal("288"), vat_rate=Decimal("2.1")),
        InvoiceLine(number=3, description="Prestation C", quantity=Decimal("1"), unit="C62",
                    unit_price_excl_tax=Decimal("384"), vat_rate=Decimal("5")),
    )
    vat_lines = (
        VatLine(taxable_amount=Decimal("510"), vat_amount=Decimal("102"), rate=Decimal("20")),
        VatLine(taxable_amount=Decimal("432"), vat_amount=Decimal("9.072"), rate=Decimal("2.1")),
        VatLine(taxable_amount=Decimal("384"), vat_amount=Decimal("19.2"), rate=Decimal("5")),
    )
    totals = InvoiceTotals(total_excl_tax=Decimal("1326"), total_vat=Decimal("130.272"),
                           total_incl_tax=Decimal("1456.272"), amount_due=Decimal("1456.272"))
    submitted = supplier.supplier.submit(InvoiceSubmission(
        deposit_mode=DepositMode.SAISIE_API, recipient_siret=LYCEE_SIRET, supplier_id=SUPPLIER_ID,
        totals=totals, lines=lines, vat_lines=vat_lines, invoice_date=date(2026, 3, 3)))

    assert submitted.invoice_number  # generated when not given
    details = supplier.supplier.get(submitted.invoice_id)
    assert details.totals == totals
    assert [line.quantity for line in details.lines] == [Decimal("3"), Decimal("1.5"),
                                                         Decimal("1")]
    assert details.vat_lines[1].vat_amount == Decimal("9.072")
    assert all(isinstance(line.vat_amount, Decimal) for line in details.vat_lines)


def test_a_credit_note_refers_to_the_original_invoice(supplier):
    original = supplier.supplier.submit(pdf_submission(supplier))

    credit = supplier.supplier.submit(pdf_submission(
        supplier, invoice_type=InvoiceType.AVOIR,
        original_invoice_number=original.invoice_number))

    details = supplier.supplier.get(credit.invoice_id)
    assert details.invoice_type == InvoiceType.AVOIR
    assert details.original_invoice_number == original.invoice_number


def test_routing_rules_are_enforced_and_rejected_with_a_code(supplier):
    with pytest.raises(ChorusRejectedError) as caught:
        supplier.supplier.submit(pdf_submission(supplier, recipient_siret=COMMUNE_SIRET))
    assert caught.value.code == 20007
    assert "service" in caught.value.message.lower()

    with_service = supplier.supplier.submit(pdf_submission(
        supplier, recipient_siret=COMMUNE_SIRET, recipient_service_code="SERV_TECH"))
    assert with_service.status == InvoiceStatus.DEPOSEE

    with_commitment = supplier.supplier.submit(pdf_submission(
        supplier, recipient_siret=DRFIP_SIRET, purchase_order_number="EJ-2026-0001"))
    assert with_commitment.invoice_id > with_service.invoice_id


def test_a_pdf_submission_needs_its_main_attachment():
    with pytest.raises(ValueError, match="main_attachment"):
        InvoiceSubmission(
            deposit_mode=DepositMode.DEPOT_PDF_API, recipient_siret=LYCEE_SIRET,
            supplier_id=SUPPLIER_ID, invoice_number=next_number(), invoice_date=date(2026, 1, 1),
            totals=InvoiceTotals(total_excl_tax=Decimal(1), total_vat=Decimal(0),
                                 total_incl_tax=Decimal(1), amount_due=Decimal(1)))


def test_search_filters_by_status_and_state_change_period(supplier, emulator):
    submitted = supplier.supplier.submit(pdf_submission(supplier))

    deposited = supplier.supplier.search(SupplierInvoiceSearch(
        statuses=(InvoiceStatus.DEPOSEE,), status_changed_from=date(2000, 1, 1)))
    assert submitted.invoice_id in {item.invoice_id for item in deposited.items}

    available = supplier.supplier.search(SupplierInvoiceSearch(
        statuses=(InvoiceStatus.MISE_A_DISPOSITION,), invoice_number=submitted.invoice_number))
    assert available.items == []
