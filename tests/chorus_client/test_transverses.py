"""Reference lists, attachments and flow reports."""

from decimal import Decimal

import pytest

from chorus_client import (
    AttachmentUpload,
    BillingFramework,
    ChorusRejectedError,
    FlowDeposit,
    FlowStatus,
    FlowSyntax,
    InvoiceFiles,
    InvoiceStatus,
    PaymentMode,
)

from .conftest import PDF_BYTES, SUPPLIER_ID, pdf_submission


def test_the_health_check_answers(supplier):
    health = supplier.transverses.health_check()
    assert health.ok
    assert health.status == "200"


def test_it_reads_the_reference_lists(supplier):
    rates = supplier.transverses.vat_rates()
    assert rates[0].code == "TVA1"
    assert all(isinstance(rate.rate, Decimal) for rate in rates)
    assert PaymentMode.VIREMENT in supplier.transverses.payment_modes()
    assert BillingFramework.A1_FACTURE_FOURNISSEUR in supplier.transverses.billing_frameworks()
    assert supplier.transverses.vat_exemption_reasons()
    reasons = supplier.transverses.validator_refusal_reasons(
        BillingFramework.A9_FACTURE_SOUSTRAITANT)
    assert reasons and all(reason.code for reason in reasons)


def test_it_lists_the_supplier_bank_accounts(supplier):
    accounts = supplier.transverses.valid_bank_accounts(SUPPLIER_ID)
    assert len(accounts) == 2
    assert len({account.id for account in accounts}) == 2
    assert [account.iban[:4] for account in accounts] == ["FR76", "FR76"]


def test_it_lists_the_statuses_a_recipient_may_set_next(supplier):
    after_available = supplier.transverses.possible_statuses(InvoiceStatus.MISE_A_DISPOSITION)
    assert InvoiceStatus.SUSPENDUE in after_available
    assert supplier.transverses.possible_statuses(InvoiceStatus.MISE_EN_PAIEMENT) == []


def test_an_oversized_attachment_name_is_refused_before_sending(supplier, recorded):
    with pytest.raises(ValueError, match="50"):
        supplier.transverses.upload_attachment(
            AttachmentUpload(file_name="x" * 47 + ".pdf", content=b"x"))
    assert recorded.exchanges == []


def test_a_forbidden_extension_is_rejected_by_chorus_pro(supplier):
    with pytest.raises(ChorusRejectedError) as caught:
        supplier.transverses.upload_attachment(
            AttachmentUpload(file_name="script.exe", content=b"MZ"))
    assert caught.value.code


def test_it_downloads_the_files_of_an_invoice(supplier):
    submitted = supplier.supplier.submit(pdf_submission(supplier))

    content = supplier.transverses.download_attachment(InvoiceFiles(
        invoice_ids=[submitted.invoice_id]))

    assert content


def test_a_deposited_flow_has_a_report(supplier):
    deposited = supplier.supplier.deposit_flow(FlowDeposit(
        file_name="facture.xml", content=b"<Invoice/>", syntax=FlowSyntax.IN_DP_E1_UBL_INVOICE))

    assert deposited.flow_number.startswith("CPP")
    detailed = supplier.transverses.detailed_flow_report(deposited.flow_number)
    assert detailed.status == FlowStatus.IN_RECU
    assert not detailed.status.is_final
    simple = supplier.transverses.flow_report(deposited.flow_number)
    assert simple.status == FlowStatus.IN_RECU


def test_an_unparseable_flow_ends_rejected_with_reasons(supplier, emulator):
    deposited = supplier.supplier.deposit_flow(FlowDeposit(
        file_name="facture.xml", content=b"not xml", syntax=FlowSyntax.IN_DP_E1_UBL_INVOICE))
    for _ in range(8):
        emulator.advance(3600)
        report = supplier.transverses.detailed_flow_report(deposited.flow_number)
        if report.status.is_final:
            break
    assert report.status in (FlowStatus.IN_REJETE, FlowStatus.IN_INCIDENTE)
    assert report.invoice_errors or report.technical_errors


def test_the_pdf_deposit_returns_an_attachment_id(supplier):
    deposited = supplier.supplier.deposit_pdf("facture.pdf", PDF_BYTES)
    assert deposited.attachment_id > 0
