"""The supplier's answers to Chorus Pro (the emulator, over HTTP): complete a suspended invoice,
re-route one, acknowledge a rejection; each exactly once, even after a dropped answer."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from invoices.actions.services import ActionNotAllowedError, ActionUnderWayError, action_run
from invoices.answers.drafts import invoice_correction_create, invoice_credit_note_create
from invoices.answers.recycling import invoice_recycle
from invoices.answers.services import (
    action_error_explained,
    invoice_complete,
    invoice_completion_pending,
    invoice_rejection_acknowledge,
)
from invoices.models import Attachment, Invoice, InvoiceAction
from invoices.retries import RetryLater
from invoices.sending.status_sync import status_sync_for_connection
from invoices.sending.submission import invoice_send
from structures.models import ChorusConnection, Structure

COMPLETER = "factures/v1/completer"
UPLOAD = "transverses/v1/ajouter/fichier"
TRAITER_REJET = "factures/v1/traiterRejet"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="bon-de-livraison.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def calls(emulator, operation):
    return emulator.calls()["operations"].get(operation, 0)


@pytest.fixture
def in_chorus(ready_invoice, demo_world):
    """Send the ready invoice, let the recipient put it in `status`, sync it back."""

    def put(status, motive=None):
        Invoice.objects.filter(pk=ready_invoice.pk).update(status=Invoice.Status.QUEUED)
        assert invoice_send(invoice_id=ready_invoice.pk) == "submitted"
        ready_invoice.refresh_from_db()
        demo_world.advance(10)
        demo_world.set_status(ready_invoice.chorus_invoice_id, status, motif=motive)
        connection = ChorusConnection.objects.get(structure=ready_invoice.supplier)
        status_sync_for_connection(connection=connection)
        ready_invoice.refresh_from_db()
        assert ready_invoice.chorus_status == status
        demo_world.clear_calls()
        return ready_invoice

    return put


@pytest.fixture
def local_invoice(ready_invoice):
    """The ready invoice as if sent and answered, without calling Chorus Pro (for checks the
    portal makes before queueing anything)."""

    def put(status):
        Invoice.objects.filter(pk=ready_invoice.pk).update(
            status=Invoice.Status.SUBMITTED, chorus_invoice_id=990001, chorus_status=status
        )
        ready_invoice.refresh_from_db()
        return ready_invoice

    return put


def chorus_copy(emulator, invoice):
    return next(
        i for i in emulator.invoices(invoice.number) if i["numeroFacture"] == invoice.number
    )


# --- complete ------------------------------------------------------------------------------


@pytest.mark.slow
def test_completing_uploads_the_new_document_and_shows_completee_at_once(in_chorus, demo_world):
    invoice = in_chorus("SUSPENDUE", "Bon de livraison manquant")
    outcome = invoice_complete(
        invoice=invoice, user=invoice.created_by, comment="Voici le bon signé.", files=[pdf()]
    )
    assert outcome.action is not None and not outcome.rejected
    assert demo_world.calls()["total"] == 0  # the request only queued the work

    assert action_run(action_id=outcome.action.pk) == "done"

    invoice.refresh_from_db()
    assert invoice.chorus_status == "COMPLETEE"
    assert invoice.events.first().status == "COMPLETEE"
    assert invoice.events.first().comment == "Voici le bon signé."
    assert invoice_completion_pending(invoice=invoice) == []
    assert (calls(demo_world, UPLOAD), calls(demo_world, COMPLETER)) == (1, 1)
    assert chorus_copy(demo_world, invoice)["statut"] == "COMPLETEE"


@pytest.mark.slow
def test_a_503_on_completion_is_retried_without_uploading_the_document_twice(
    in_chorus, demo_world, retry_due
):
    invoice = in_chorus("SUSPENDUE", "Pièce manquante")
    action = invoice_complete(invoice=invoice, user=None, comment="", files=[pdf()]).action
    demo_world.add_fault("http_error", operation=COMPLETER, status=503)

    with pytest.raises(RetryLater):
        action_run(action_id=action.pk)
    action.refresh_from_db()
    assert action.status == InvoiceAction.Status.QUEUED  # released for the task's retry

    retry_due(action)
    assert action_run(action_id=action.pk) == "done"
    invoice.refresh_from_db()
    assert invoice.chorus_status == "COMPLETEE"
    assert calls(demo_world, UPLOAD) == 1
    statuses = [h["histoStatutCode"] for h in chorus_copy(demo_world, invoice)["history"]]
    assert statuses.count("COMPLETEE") == 1


@pytest.mark.slow
def test_an_answer_dropped_after_chorus_pro_committed_is_found_done_on_retry(
    in_chorus, demo_world, retry_due
):
    invoice = in_chorus("SUSPENDUE", "Pièce manquante")
    action = invoice_complete(invoice=invoice, user=None, comment="Ci-joint.", files=[]).action
    demo_world.add_fault("drop_after_commit", operation=COMPLETER)

    with pytest.raises(RetryLater):
        action_run(action_id=action.pk)
    retry_due(action)
    assert action_run(action_id=action.pk) == "done"

    action.refresh_from_db()
    assert action.result["already_done"] is True
    assert calls(demo_world, COMPLETER) == 1  # never two completions
    invoice.refresh_from_db()
    assert invoice.chorus_status == "COMPLETEE"


def test_a_second_request_is_refused_while_the_first_is_under_way(local_invoice):
    invoice = local_invoice("SUSPENDUE")
    invoice_complete(invoice=invoice, user=None, comment="Un", files=[])
    with pytest.raises(ActionUnderWayError):
        invoice_complete(invoice=invoice, user=None, comment="Deux", files=[pdf()])
    assert invoice.actions.count() == 1
    assert invoice_completion_pending(invoice=invoice) == []  # nothing stored for nothing


def test_only_a_suspended_invoice_can_be_completed(local_invoice):
    invoice = local_invoice("MISE_A_DISPOSITION")
    with pytest.raises(ActionNotAllowedError) as refused:
        invoice_complete(invoice=invoice, user=None, comment="Bonjour", files=[])
    assert "suspendue" in refused.value.message.lower() or "suspended" in refused.value.message
    assert not invoice.actions.exists()


def test_a_completion_needs_a_comment_or_a_document(local_invoice):
    invoice = local_invoice("SUSPENDUE")
    with pytest.raises(ActionNotAllowedError) as refused:
        invoice_complete(invoice=invoice, user=None, comment="  ", files=[])
    assert refused.value.field == "comment"


def test_a_refused_file_queues_nothing_and_keeps_the_accepted_ones(local_invoice):
    invoice = local_invoice("SUSPENDUE")
    outcome = invoice_complete(
        invoice=invoice,
        user=None,
        comment="Voici",
        files=[pdf("facture-signee.pdf"), SimpleUploadedFile("photo.pdf", b"\x89PNG\r\n\x1a\n")],
    )
    assert outcome.action is None
    assert [(name, error.code) for name, error in outcome.rejected] == [
        ("photo.pdf", "content_mismatch")
    ]
    assert [a.name for a in invoice_completion_pending(invoice=invoice)] == ["facture-signee.pdf"]
    # Sent with the next request, without choosing it again.
    again = invoice_complete(invoice=invoice, user=None, comment="Voici", files=[])
    assert again.action.payload["attachment_ids"] == [
        invoice.attachments.get(name="facture-signee.pdf").pk
    ]


def test_a_long_name_is_shortened_or_refused_with_a_suggestion(local_invoice):
    invoice = local_invoice("SUSPENDUE")
    long_name = "Procès-verbal de réception des travaux du bâtiment B – lot 4.pdf"
    refused = invoice_complete(
        invoice=invoice, user=None, comment="", files=[pdf(long_name)], shorten_long_names=False
    )
    assert refused.rejected[0][1].code == "name_too_long"
    suggestion = refused.rejected[0][1].suggestion
    assert len(suggestion) <= 50 and suggestion.endswith(".pdf")

    renamed = invoice_complete(invoice=invoice, user=None, comment="", files=[pdf(long_name)])
    assert renamed.renamed == [(long_name, suggestion)]
    assert invoice.attachments.get(kind=Attachment.Kind.SUPPORTING).name == suggestion


# --- re-route ------------------------------------------------------------------------------


@pytest.mark.slow
def test_re_routing_sends_the_invoice_to_the_new_recipient_and_updates_it(in_chorus, demo_world):
    invoice = in_chorus("A_RECYCLER", "Mauvais destinataire")
    action = invoice_recycle(
        invoice=invoice,
        user=None,
        recipient_siret="13000261100015",
        commitment_number="EJ-2026-0001",
        comment="Adressée à la DRFIP",
    )
    assert action_run(action_id=action.pk) == "done"

    invoice.refresh_from_db()
    assert invoice.recipient.siret == "13000261100015"
    assert invoice.service is None
    assert invoice.commitment_number == "EJ-2026-0001"
    assert invoice.chorus_status == "DEPOSEE"
    copy = chorus_copy(demo_world, invoice)
    assert copy["codeDestinataire"] == "13000261100015"
    assert copy["numeroBonCommande"] == "EJ-2026-0001"


def test_re_routing_checks_the_recipient_rules_before_queueing(local_invoice):
    invoice = local_invoice("A_RECYCLER")
    with pytest.raises(ActionNotAllowedError) as refused:
        invoice_recycle(invoice=invoice, user=None, recipient_siret="13000261100015")
    assert refused.value.field == "commitment_number"
    with pytest.raises(ActionNotAllowedError) as refused:
        invoice_recycle(invoice=invoice, user=None, recipient_siret="21750001600019")
    assert refused.value.field == "service_code"
    with pytest.raises(ActionNotAllowedError) as refused:
        invoice_recycle(
            invoice=invoice,
            user=None,
            recipient_siret="21750001600019",
            service_code="FACTURES_PUBLIQUES",
        )
    assert refused.value.field == "service_code"
    with pytest.raises(ActionNotAllowedError) as refused:
        invoice_recycle(invoice=invoice, user=None, recipient_siret="12345678200010")
    assert refused.value.field == "recipient_siret"  # a private company
    assert not invoice.actions.exists()


# --- rejection -----------------------------------------------------------------------------


@pytest.mark.slow
def test_acknowledging_a_rejection_survives_a_dropped_answer_and_is_sent_once(
    in_chorus, demo_world, retry_due
):
    invoice = in_chorus("REJETEE", "Montant erroné")
    action = invoice_rejection_acknowledge(invoice=invoice, user=None, comment="Pris en compte")
    demo_world.add_fault("drop_after_commit", operation=TRAITER_REJET)

    with pytest.raises(RetryLater):
        action_run(action_id=action.pk)
    retry_due(action)
    assert action_run(action_id=action.pk) == "done"

    invoice.refresh_from_db()
    assert invoice.rejection_acknowledged_at is not None
    assert calls(demo_world, TRAITER_REJET) == 1
    assert chorus_copy(demo_world, invoice)["rejetTraite"] is True
    with pytest.raises(ActionNotAllowedError):
        invoice_rejection_acknowledge(invoice=invoice, user=None)


@pytest.mark.slow
def test_a_refusal_by_chorus_pro_is_kept_raw_and_explained(in_chorus, demo_world):
    invoice = in_chorus("SUSPENDUE", "Pièce manquante")
    action = invoice_complete(invoice=invoice, user=None, comment="Ci-joint", files=[pdf()]).action
    # The recipient moved on meanwhile: Chorus Pro refuses the completion.
    demo_world.set_status(invoice.chorus_invoice_id, "REJETEE", motif="Trop tard")
    assert action_run(action_id=action.pk) == "failed"
    action.refresh_from_db()
    assert action.error_code == "20002" and action.error_message
    assert "statut" in action_error_explained(code=action.error_code)
    # The document was not linked: it is still ready to be sent.
    assert [a.name for a in invoice_completion_pending(invoice=invoice)] == ["bon-de-livraison.pdf"]


def test_the_corrected_invoice_is_a_draft_prefilled_from_the_rejected_one(local_invoice):
    rejected = local_invoice("REJETEE")
    Invoice.objects.filter(pk=rejected.pk).update(commitment_number="EJ-9", market_number="M-1")
    rejected.refresh_from_db()

    draft = invoice_correction_create(invoice=rejected, user=rejected.created_by)

    assert draft.status == Invoice.Status.DRAFT and draft.number == ""
    assert draft.replaces == rejected
    assert (draft.recipient, draft.service, draft.payment_mode) == (
        rejected.recipient,
        rejected.service,
        rejected.payment_mode,
    )
    assert (draft.commitment_number, draft.market_number) == ("EJ-9", "M-1")
    assert [line.description for line in draft.lines.order_by("position")] == [
        "Maintenance",
        "Pièces",
    ]
    assert draft.total_incl_tax == rejected.total_incl_tax
    assert isinstance(draft.total_incl_tax, Decimal)
    # A second click opens the same draft.
    assert invoice_correction_create(invoice=rejected, user=None) == draft
    assert not rejected.actions.exists()


def test_acknowledging_and_correcting_in_one_click_queues_the_acknowledgement(local_invoice):
    rejected = local_invoice("REJETEE")
    draft = invoice_correction_create(invoice=rejected, user=None, acknowledge=True)
    assert draft.replaces == rejected
    assert rejected.actions.get().kind == InvoiceAction.Kind.ACKNOWLEDGE_REJECTION


def test_only_a_rejected_invoice_gets_a_corrected_invoice(local_invoice):
    with pytest.raises(ActionNotAllowedError):
        invoice_correction_create(invoice=local_invoice("SUSPENDUE"), user=None)


# --- credit note ---------------------------------------------------------------------------


def test_a_credit_note_copies_the_invoice_and_points_to_it(local_invoice):
    invoice = local_invoice("MISE_A_DISPOSITION")
    note = invoice_credit_note_create(invoice=invoice, user=None)
    assert note.kind == Invoice.Kind.CREDIT_NOTE and note.status == Invoice.Status.DRAFT
    assert (note.original_invoice, note.original_number) == (invoice, invoice.number)
    assert note.lines.count() == 2 and note.total_incl_tax == invoice.total_incl_tax
    assert invoice_credit_note_create(invoice=invoice, user=None) == note


def test_no_credit_note_from_a_draft_or_a_rejected_invoice(local_invoice, make_invoice):
    draft = make_invoice(Structure.objects.get(siret="12345678200010"), status="draft")
    with pytest.raises(ActionNotAllowedError):
        invoice_credit_note_create(invoice=draft, user=None)
    with pytest.raises(ActionNotAllowedError):
        invoice_credit_note_create(invoice=local_invoice("REJETEE"), user=None)


@pytest.mark.slow
def test_a_credit_note_passes_the_preflight_check_as_a_cii_381(local_invoice):
    from invoices.documents.cii import invoice_cii_xml
    from invoices.sending.preflight import invoice_preflight

    note = invoice_credit_note_create(invoice=local_invoice("MISE_A_DISPOSITION"), user=None)
    Invoice.objects.filter(pk=note.pk).update(number="AV-2026-0001")
    note.refresh_from_db()
    assert [c.code for c in invoice_preflight(invoice=note) if not c.ok] == []
    xml = invoice_cii_xml(note)
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml
    assert note.original_number.encode() in xml
