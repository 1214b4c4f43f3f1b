"""client.engagements: commitments, what the invoices sent against them consumed, and their
issuer's changes, against the emulator; strict parsing offline."""

from datetime import date
from decimal import Decimal

import pytest

from chorus_client import (
    ChorusProtocolError,
    ChorusRejectedError,
    CommitmentCreation,
    CommitmentField,
    CommitmentLine,
    CommitmentOperation,
    CommitmentSearch,
    CommitmentStatus,
    CommitmentUpdate,
    Condition,
    InvoiceStatus,
    InvoiceType,
    Operator,
    RegistryQuery,
)

from .conftest import DRFIP_SIRET, SUPPLIER_ID, SUPPLIER_SIRET, pdf_submission
from .test_transport_headers import ScriptedSession, make

EJ_0001, EJ_0100 = 41000001, 41000003


@pytest.fixture
def drfip(make_client):
    return make_client(DRFIP_SIRET)


def test_a_commitment_tells_what_earlier_invoices_consumed(supplier):
    commitment = supplier.engagements.get_commitment(EJ_0001)

    assert (commitment.number, commitment.status, commitment.total_amount) == (
        "EJ-2026-0001", CommitmentStatus.COMMANDE, Decimal("12000"))
    assert [(r.number, r.status) for r in commitment.payment_requests] == [
        ("AN-2026-0012", InvoiceStatus.MISE_EN_PAIEMENT),
        ("AN-2026-0031", InvoiceStatus.MANDATEE), ("AN-2026-0032", InvoiceStatus.REJETEE)]
    assert (commitment.consumed_amount, commitment.remaining_amount) == (
        Decimal("4500"), Decimal("7500"))
    assert commitment.issuer.identifier == DRFIP_SIRET
    assert commitment.supplier.identifier == SUPPLIER_SIRET
    assert sum(line.amount_incl_tax for line in commitment.lines) == commitment.total_amount
    assert commitment.invoiceable


def test_a_credit_note_is_deducted_from_the_consumption(supplier):
    commitment = supplier.engagements.get_commitment(EJ_0100)

    assert [r.type for r in commitment.payment_requests] == [InvoiceType.FACTURE,
                                                              InvoiceType.AVOIR]
    assert commitment.consumed_amount == Decimal("5500")
    assert commitment.remaining_amount == Decimal("19500")


def test_an_invoice_submitted_against_a_commitment_consumes_it(supplier):
    sent = supplier.supplier.submit(pdf_submission(
        supplier, recipient_siret=DRFIP_SIRET, purchase_order_number="EJ-2026-0001"))

    commitment = supplier.engagements.get_commitment(EJ_0001)

    assert commitment.payment_requests[-1].id == sent.invoice_id
    assert commitment.payment_requests[-1].status == InvoiceStatus.DEPOSEE
    assert commitment.remaining_amount == Decimal("7380.00")


def test_the_issuer_creates_validates_and_changes_a_commitment(drfip, supplier):
    created = drfip.engagements.create_commitment(CommitmentCreation(
        number="EJ-CLIENT-1", total_amount=Decimal("2000.00"), issuer_siret=DRFIP_SIRET,
        label="Audit", supplier_siret=SUPPLIER_SIRET, notified_at=date(2026, 4, 1),
        issuer_service_code="SERV_ACHATS",
        lines=(CommitmentLine(number=1, amount_incl_tax=Decimal("2000.00"), label="Audit"),)))
    assert created.status == CommitmentStatus.A_TRAITER
    assert created.issuer.service_name == "Service des achats"
    assert created.notified_at.date() == date(2026, 4, 1)

    drfip.engagements.change_commitment_status(created.id, CommitmentOperation.VALIDER)
    changed = drfip.engagements.update_commitment(CommitmentUpdate(
        id=created.id, total_amount=Decimal("2500.00"), comment="avenant",
        lines=(CommitmentLine(number=1, amount_incl_tax=Decimal("2500.00")),)))

    assert (changed.status, changed.remaining_amount) == (CommitmentStatus.COMMANDE,
                                                          Decimal("2500.00"))
    seen = supplier.structures.search_commitments(CommitmentSearch(
        supplier_structure_id=SUPPLIER_ID, number="EJ-CLIENT-1"))
    assert [(c.number, c.amount) for c in seen.items] == [("EJ-CLIENT-1", Decimal("2500.00"))]
    history = drfip.engagements.commitment_status_history(created.id)
    assert [h.status for h in history] == [CommitmentStatus.COMMANDE, CommitmentStatus.A_TRAITER]
    actions = drfip.engagements.commitment_action_history(created.id)
    assert [a.action for a in actions] == ["MODIFICATION", "CHANGEMENT_STATUT", "CREATION"]
    assert actions[0].comment == "avenant"


def test_a_forbidden_status_change_is_a_rejection_with_its_reason(drfip):
    with pytest.raises(ChorusRejectedError) as caught:
        drfip.engagements.change_commitment_status(EJ_0001, CommitmentOperation.ANNULER)

    assert caught.value.reason == "InvalidStatusTransition"


def test_a_supplier_cannot_change_a_commitment(supplier):
    with pytest.raises(ChorusRejectedError) as caught:
        supplier.engagements.update_commitment(CommitmentUpdate(id=EJ_0001, label="x"))

    assert caught.value.http_status == 403


def test_documents_are_attached_and_downloaded(drfip, supplier, recorded):
    attached = drfip.engagements.add_commitment_attachment(EJ_0001, "bon.pdf", b"%PDF-1.4 bon")

    assert supplier.engagements.download_commitment_attachment(attached.id).content == (
        b"%PDF-1.4 bon")
    assert supplier.engagements.get_commitment(EJ_0001).attachments == [attached]
    document = supplier.engagements.download_commitment(EJ_0001)
    assert document.content.startswith(b"%PDF") and document.file_name == "EJ-2026-0001.pdf"
    upload = next(e for e in recorded.exchanges if e.operation == "engagements/v1/piece-jointe")
    assert '"attachmentData":"<redacted 12 bytes>"' in upload.request_body


def test_the_existence_check_copes_with_both_answers(supplier, emulator):
    assert supplier.engagements.commitment_exists("EJ-2026-0001")
    assert not supplier.engagements.commitment_exists("EJ-INCONNU")

    emulator.configure(commitmentExistence404=True)

    assert not supplier.engagements.commitment_exists("EJ-INCONNU")


def test_commitments_are_searched_by_issuer_status_and_amount(supplier):
    query = RegistryQuery(conditions=(
        Condition(CommitmentField.ISSUER_SIRET, DRFIP_SIRET),
        Condition(CommitmentField.STATUS, CommitmentStatus.COMMANDE),
        Condition(CommitmentField.TOTAL_AMOUNT, Decimal("5000"), Operator.GREATER)))

    assert [c.number for c in supplier.engagements.search_commitments(query)] == [
        "EJ-2026-0001"]
    everything = list(supplier.engagements.iter_commitments(page_size=2))
    assert [c.number for c in everything] == [
        "EJ-2026-0001", "EJ-2026-0002", "EJ-2026-0100", "EJ-CULT-0007", "EJ-2026-0003"]


def test_the_health_check(supplier):
    assert supplier.engagements.health_check().ok


def test_a_commitment_without_its_amount_is_a_protocol_error():
    session = ScriptedSession(200, {"id": 1, "numero": "EJ", "type": "BON_DE_COMMANDE",
                                    "etatCourant": "COMMANDE",
                                    "emetteur": {"siret": DRFIP_SIRET}})
    with pytest.raises(ChorusProtocolError, match="montantTotalTtc"):
        make(session).engagements.get_commitment(1)
