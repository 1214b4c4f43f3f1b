"""Writing back to Facturation.pro: settlements, free API fields, internal notes, files; each
change is read back through the API afterwards."""

from datetime import date
from decimal import Decimal

import pytest

from facturation_pro_client import (
    FacturationProNotFoundError,
    FacturationProRejectedError,
    InvoiceFilters,
    InvoiceUpdate,
    NewSettlement,
    PaymentMode,
)
from tests.facturation_pro_client.conftest import (
    DRAFTS,
    DRFIP_LOT_1,
    PAID_COMMUNE_Q2,
    UNIVERSITY_PARTLY_PAID,
)


def test_a_settlement_of_the_balance_marks_the_invoice_paid(client):
    settlement = client.create_settlement(DRFIP_LOT_1, NewSettlement(
        amount=Decimal("3852.00"), paid_on=date(2026, 11, 27),
        payment_mode=PaymentMode.TRANSFER, payment_ref="Chorus Pro MISE_EN_PAIEMENT 8420001"))

    assert (settlement.invoice_id, settlement.amount, settlement.payment_mode) == (
        DRFIP_LOT_1, Decimal("3852.0"), PaymentMode.TRANSFER)
    invoice = client.get_invoice(DRFIP_LOT_1)
    assert (invoice.paid_on, invoice.payment_mode, invoice.balance) == (
        date(2026, 11, 27), PaymentMode.TRANSFER, Decimal(0))
    assert client.list_settlements(DRFIP_LOT_1) == [settlement]
    assert client.get_settlement(DRFIP_LOT_1, settlement.id) == settlement


def test_a_partial_settlement_leaves_the_rest_due(client):
    client.create_settlement(UNIVERSITY_PARTLY_PAID, NewSettlement(
        amount=Decimal("679.60"), paid_on=date(2026, 11, 28), payment_mode=PaymentMode.CHEQUE))

    invoice = client.get_invoice(UNIVERSITY_PARTLY_PAID)
    assert invoice.balance == Decimal("1000.0") and not invoice.is_paid
    assert [s.amount for s in invoice.settlements] == [Decimal("1000.0"), Decimal("679.6")]


def test_a_settlement_above_the_balance_is_refused_with_its_field(client):
    with pytest.raises(FacturationProRejectedError) as caught:
        client.create_settlement(UNIVERSITY_PARTLY_PAID, NewSettlement(
            amount=Decimal("5000"), paid_on=date(2026, 11, 28),
            payment_mode=PaymentMode.TRANSFER))

    assert caught.value.http_status == 422
    assert caught.value.field_errors == {"total": ["dépasse le montant restant dû (1679.6)"]}
    assert "total: dépasse le montant restant dû" in str(caught.value)
    assert len(client.list_settlements(UNIVERSITY_PARTLY_PAID)) == 1


def test_settlements_on_a_draft_or_a_paid_invoice_are_refused(client):
    payment = NewSettlement(amount=Decimal("10"), paid_on=date(2026, 11, 28),
                            payment_mode=PaymentMode.CASH)
    for invoice_id in (DRAFTS[0], PAID_COMMUNE_Q2):
        with pytest.raises(FacturationProRejectedError) as caught:
            client.create_settlement(invoice_id, payment)
        assert list(caught.value.field_errors) == ["base"]


def test_a_settlement_needs_an_amount_and_a_payment_mode():
    with pytest.raises(ValueError):
        NewSettlement(amount=Decimal(0), paid_on=date(2026, 1, 1),
                      payment_mode=PaymentMode.TRANSFER)
    with pytest.raises(ValueError):
        NewSettlement(amount=Decimal(1), paid_on=date(2026, 1, 1),
                      payment_mode=PaymentMode.UNPAID)


def test_api_fields_and_the_internal_note_are_written_back(client):
    client.update_invoice(DRFIP_LOT_1, InvoiceUpdate(
        api_id=8420001, api_custom="Chorus Pro 8420001 (DEPOSEE)",
        internal_note="Rejetée par Chorus Pro : numéro d'engagement inconnu."))

    invoice = client.get_invoice(DRFIP_LOT_1)
    assert (invoice.api_id, invoice.api_custom) == (8420001, "Chorus Pro 8420001 (DEPOSEE)")
    assert invoice.internal_note == "Rejetée par Chorus Pro : numéro d'engagement inconnu."
    assert invoice.total_incl_tax == Decimal("3852.0")  # nothing else moved
    [found] = client.list_invoices(InvoiceFilters(api_id=8420001)).items
    assert found.id == DRFIP_LOT_1


def test_an_update_must_change_something_and_keep_the_api_limits():
    with pytest.raises(ValueError):
        InvoiceUpdate().body()
    with pytest.raises(ValueError):
        InvoiceUpdate(api_custom="x" * 256)


def test_marking_paid_by_update_needs_a_payment_mode_server_side(client):
    with pytest.raises(FacturationProRejectedError) as caught:
        client.update_invoice(DRFIP_LOT_1, InvoiceUpdate(paid_on=date(2026, 11, 28)))

    assert caught.value.field_errors == {"payment_mode": ["doit être rempli(e)"]}
    client.update_invoice(DRFIP_LOT_1, InvoiceUpdate(paid_on=date(2026, 11, 28),
                                                     payment_mode=PaymentMode.TRANSFER))
    assert client.get_invoice(DRFIP_LOT_1).balance == 0


def test_a_file_attached_to_an_invoice_is_listed_with_it(client, recorded):
    content = b"%PDF-1.4\n% Chorus Pro deposit receipt\n%%EOF\n"

    attachment = client.upload_invoice_file(DRFIP_LOT_1, filename="accuse-chorus-pro.pdf",
                                            content=content, visible=True)

    assert (attachment.invoice_id, attachment.document_name, attachment.document_size,
            attachment.visible) == (DRFIP_LOT_1, "accuse-chorus-pro.pdf", len(content), True)
    assert attachment.download_url.endswith(f"/firms/48201/assets/{attachment.id}/download")
    assert [f.id for f in client.get_invoice(DRFIP_LOT_1).files] == [attachment.id]
    [listed] = client.list_invoice_files(DRFIP_LOT_1).items
    assert (listed.id, listed.title) == (attachment.id, "Facture n°AN-202608-61")
    upload = next(e for e in recorded.exchanges if e.method == "POST")
    assert upload.request_body == f'{{"upload_file":"<file {len(content)} bytes>"}}'
    assert upload.path.endswith("upload.json?filename=accuse-chorus-pro.pdf&visible=1")


def test_writing_to_another_firms_invoice_is_not_found(client):
    with pytest.raises(FacturationProNotFoundError):
        client.update_invoice(820101, InvoiceUpdate(api_custom="x"))
    with pytest.raises(FacturationProNotFoundError):
        client.create_settlement(820101, NewSettlement(
            amount=Decimal("1"), paid_on=date(2026, 11, 28), payment_mode=PaymentMode.CASH))
