"""client.works against the emulator over real HTTP: every facturesTravaux operation, the contractor
→ MOE → MOA → paid sequence with its delays, a subcontractor's request, refused moves."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from chorus_client import (
    AttachmentUpload,
    BillingFramework,
    ChorusRejectedError,
    InvoiceStatus,
    InvoiceTotals,
    MainAttachment,
    PageRequest,
    PaymentRequestType,
    ReceivedInvoiceSearch,
    SupportingAttachment,
    ValidatorAction,
    WorksInvoiceSearch,
    WorksInvoiceType,
    WorksParty,
    WorksSubmission,
    WorksUserRole,
)

from .conftest import COMMUNE_ID, COMMUNE_SIRET, PDF_BYTES, SUPPLIER_ID, SUPPLIER_SIRET

CONTRACTOR_SIRET, CONTRACTOR_ID = "53217846400014", 26000004
MOE_SIRET, MOE_ID = "79812345100014", 26000005
SUBCONTRACTOR_SIRET, SUBCONTRACTOR_ID = "81456230200012", 26000006
DAY = 86400
ROUTING = 10
A4 = BillingFramework.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR
A10 = BillingFramework.A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT
A15 = BillingFramework.A15_ETAT_ACOMPTE_MOE
A19 = BillingFramework.A19_ETAT_ACOMPTE_VALIDE_MOA

_numbers = iter(range(1, 1_000_000))


@pytest.fixture
def contractor(make_client):
    return make_client(CONTRACTOR_SIRET)


@pytest.fixture
def moe(make_client):
    return make_client(MOE_SIRET)


@pytest.fixture
def owner(make_client):
    return make_client(COMMUNE_SIRET)


@pytest.fixture
def subcontractor(make_client):
    return make_client(SUBCONTRACTOR_SIRET)


def piece(client, framework=A4, *, previous: int | None = None, excl_tax="10000.00",
          **fields) -> WorksSubmission:
    """A works piece around a freshly uploaded PDF, VAT at 20 %."""
    attachment_id = client.transverses.upload_attachment(
        AttachmentUpload(file_name="situation.pdf", content=PDF_BYTES))
    ht = Decimal(excl_tax)
    tva = (ht / 5).quantize(Decimal("0.01"))
    if previous is None:
        fields = {"supplier_id": CONTRACTOR_ID, "recipient_siret": COMMUNE_SIRET,
                  "recipient_service_code": "SERV_TECH",
                  "project_manager": WorksParty(identifier=MOE_SIRET,
                                                service_code="DIR_TRAVAUX"),
                  "project_owner": WorksParty(identifier=COMMUNE_SIRET,
                                              service_code="SERV_TECH"),
                  **fields}
    return WorksSubmission(
        framework=framework, invoice_number=f"SIT-{next(_numbers):05d}",
        invoice_date=date(2026, 3, 31), previous_piece_id=previous,
        totals=InvoiceTotals(total_excl_tax=ht, total_vat=tva, total_incl_tax=ht + tva,
                             amount_due=ht + tva),
        main_attachment=MainAttachment(attachment_id=attachment_id,
                                       designation="situation.pdf"),
        contract_number="MT-2026-014", purchase_order_number="EJ-TRX-2026-014", **fields)


def deposit(emulator, client, framework=A4, **kwargs) -> int:
    submitted = client.works.submit(piece(client, framework, **kwargs))
    emulator.advance(ROUTING)
    return submitted.works_invoice_id


def test_the_contractor_moe_owner_sequence_ends_paid_within_its_delays(
        emulator, contractor, moe, owner):
    submitted = contractor.works.submit(piece(contractor))
    assert submitted.status == InvoiceStatus.DEPOSEE
    assert submitted.billing_file_id and submitted.billing_file_number
    emulator.advance(ROUTING)

    [waiting] = moe.works.search(WorksInvoiceSearch(
        role=WorksUserRole.MOE, statuses=(InvoiceStatus.A_ASSOCIER_MOE,))).items
    assert waiting.works_invoice_id == submitted.works_invoice_id
    assert waiting.works_type == WorksInvoiceType.PROJET_DECOMPTE_MENSUEL
    assert waiting.total_incl_tax == Decimal("12000.00")
    details = moe.works.get(submitted.works_invoice_id)
    delays = details.deadlines
    assert delays.project_manager_due_at - delays.project_manager_received_at == timedelta(days=7)
    assert delays.payment_due_at - delays.payment_delay_started_at == timedelta(days=30)
    assert delays.payment_delay_days == 30
    assert details.project_manager.identifier == MOE_SIRET
    assert details.project_owner.service_code == "SERV_TECH"

    statement = moe.works.submit(piece(moe, A15, previous=submitted.works_invoice_id,
                                       excl_tax="9500.00"))
    assert statement.previous_piece_id == submitted.works_invoice_id
    emulator.advance(ROUTING)
    [to_validate] = owner.works.search(WorksInvoiceSearch(
        role=WorksUserRole.MOA, only_without_next_piece=True)).items
    assert to_validate.works_invoice_id == statement.works_invoice_id
    assert to_validate.status == InvoiceStatus.A_ASSOCIER_MOA

    payable = deposit(emulator, owner, A19, previous=statement.works_invoice_id,
                      excl_tax="9500.00")
    [received] = owner.recipient.search(ReceivedInvoiceSearch(
        payment_request_type=PaymentRequestType.FACTURE_TRAVAUX)).items
    assert received.invoice_id == payable
    assert received.payment_request_type == PaymentRequestType.FACTURE_TRAVAUX
    assert received.works_invoice_type == WorksInvoiceType.ETAT_ACOMPTE_VALIDE
    assert owner.recipient.search(ReceivedInvoiceSearch()).items == []  # FACTURE by default
    owner.recipient.treat(payable, InvoiceStatus.MISE_EN_PAIEMENT)

    billing_file = contractor.works.billing_file(works_invoice_id=submitted.works_invoice_id)
    assert [(p.framework, p.status) for p in billing_file.pieces] == [
        (A4, InvoiceStatus.ASSOCIEE), (A15, InvoiceStatus.ASSOCIEE),
        (A19, InvoiceStatus.MISE_EN_PAIEMENT)]
    assert billing_file.contract_number == "MT-2026-014"
    assert contractor.works.billing_file(
        billing_file_id=billing_file.billing_file_id).pieces == billing_file.pieces
    final = contractor.works.get(payable)
    assert final.previous_piece.works_invoice_id == statement.works_invoice_id
    assert final.deadlines.payment_due_at == delays.payment_due_at
    assert [change.status for change in final.statuses][:2] == [
        InvoiceStatus.MISE_EN_PAIEMENT, InvoiceStatus.MISE_A_DISPOSITION]


def test_the_moe_asks_for_completion_and_the_contractor_completes(
        emulator, contractor, moe, recorded):
    piece_id = deposit(emulator, contractor)
    with pytest.raises(ValueError, match="comment"):
        moe.works.request_completion(piece_id, " ")
    assert not [e for e in recorded.exchanges if "suspendre" in e.operation]

    moe.works.request_completion(piece_id, "Joindre le métré")
    assert contractor.works.get(piece_id).summary.status == InvoiceStatus.A_COMPLETER
    extra = contractor.transverses.upload_attachment(
        AttachmentUpload(file_name="metre.pdf", content=PDF_BYTES))
    completed = contractor.works.complete(piece_id, comment="Métré joint", attachments=(
        SupportingAttachment(attachment_id=extra, designation="metre.pdf"),))

    assert completed.status == InvoiceStatus.COMPLETEE
    assert completed.treated_on is not None
    emulator.advance(5)
    back = moe.works.get(piece_id)
    assert back.summary.status == InvoiceStatus.A_ASSOCIER_MOE
    assert extra in [a.attachment_id for a in back.attachments]


def test_a_refusal_takes_a_reason_of_the_list_and_the_moe_is_then_corrected(
        emulator, contractor, moe):
    piece_id = deposit(emulator, contractor)
    reasons = {r.code: r for r in moe.works.refusal_reasons(A15)}
    assert reasons["MAUVAISE_MOE"].id == 114

    with pytest.raises(ChorusRejectedError) as caught:
        moe.works.refuse(piece_id, "ERREUR_MONTANT")
    assert caught.value.code == 20016
    assert caught.value.operation == "facturesTravaux/v1/refuser"

    refused = moe.works.refuse(piece_id, "MAUVAISE_MOE", comment="Lot suivi par l'OPC")
    assert refused.status == InvoiceStatus.ERREUR_FOURNISSEUR_SUR_MOE
    corrected = contractor.works.complete_project_manager(
        piece_id, WorksParty(identifier=MOE_SIRET, service_code="OPC"))
    assert corrected.status == InvoiceStatus.A_ASSOCIER_MOE
    moved = moe.works.complete_project_manager_service(piece_id, "DIR_TRAVAUX")
    assert moved.status == InvoiceStatus.A_ASSOCIER_MOE
    assert moe.works.get(piece_id).project_manager.service_code == "DIR_TRAVAUX"


def test_a_forbidden_move_is_rejected_with_20002(emulator, contractor, owner):
    piece_id = deposit(emulator, contractor)

    with pytest.raises(ChorusRejectedError) as caught:
        owner.works.refuse(piece_id, "AUTRE", comment="Pas à moi de refuser")

    assert caught.value.code == 20002


def test_a_subcontractor_request_goes_through_its_validator_to_the_moe(
        emulator, contractor, moe, subcontractor):
    piece_id = deposit(emulator, subcontractor, A10, supplier_id=SUBCONTRACTOR_ID,
                       validator_structure_code=CONTRACTOR_SIRET)
    assert subcontractor.works.get(piece_id).summary.status == InvoiceStatus.A_VALIDER_1
    with pytest.raises(ChorusRejectedError) as caught:
        moe.works.get(piece_id)  # not routed to the MOE before its validation
    assert caught.value.code == 20001
    refused = contractor.works.refuse(piece_id, "MAUVAIS_VALIDEUR")
    assert refused.status == InvoiceStatus.ERREUR_FOURNISSEUR_SUR_VALIDEUR
    corrected = subcontractor.works.correct_validator(piece_id,
                                                      structure_identifier=CONTRACTOR_SIRET)
    assert corrected.status == InvoiceStatus.A_VALIDER_1
    assert subcontractor.works.get(piece_id).validator_identifier == CONTRACTOR_SIRET

    [to_validate] = contractor.works.search(WorksInvoiceSearch(
        role=WorksUserRole.VALIDATEUR)).items
    assert to_validate.works_invoice_id == piece_id
    contractor.validator.treat(piece_id, ValidatorAction.VALIDATION)
    emulator.advance(5)

    taken = moe.works.take_into_account(piece_id, comment="Inclus dans l'état d'acompte")
    assert taken.status == InvoiceStatus.PRISE_EN_COMPTE_MOE


def test_the_works_reference_lists(contractor, make_client):
    lists = contractor.transverses
    kinds = set(map(WorksInvoiceType, lists.works_invoice_types()))
    assert WorksInvoiceType.ETAT_ACOMPTE_VALIDE in kinds
    [structure] = lists.active_works_structures()
    assert (structure.id, structure.identifier, structure.name) == (
        CONTRACTOR_ID, CONTRACTOR_SIRET, "BTP Construction SAS")
    for siret, structure_id in ((SUPPLIER_SIRET, SUPPLIER_ID), (COMMUNE_SIRET, COMMUNE_ID)):
        works_space = make_client(siret).transverses.active_works_structures()
        assert [s.id for s in works_space] == [structure_id]


def test_searches_page_through_every_piece_and_an_empty_one_is_an_empty_page(
        emulator, contractor, moe):
    created = [contractor.works.submit(piece(contractor)).works_invoice_id for _ in range(3)]
    filters = WorksInvoiceSearch(role=WorksUserRole.FOURNISSEUR)

    first = contractor.works.search(filters, PageRequest(page=1, page_size=2))
    assert (first.total, first.pages, len(first.items)) == (3, 2, 2)
    assert [p.works_invoice_id for p in contractor.works.iter_search(filters, page_size=2)] == (
        created)
    empty = moe.works.search(WorksInvoiceSearch(role=WorksUserRole.MOE))
    assert (empty.total, empty.pages, empty.items) == (0, 0, [])


def test_a_piece_fixed_to_be_resubmitted_is_not_recycled_but_deposited_anew(
        emulator, contractor, moe):
    """Recycling is withdrawn: a refused piece is replaced by a new billing file."""
    refused = deposit(emulator, contractor)
    moe.works.refuse(refused, "REF_FAC_TRAVAUX", comment="Mauvais lot")
    assert not hasattr(contractor.works, "recycle")

    again = contractor.works.submit(piece(contractor))

    assert again.billing_file_id != contractor.works.get(refused).summary.billing_file_id
