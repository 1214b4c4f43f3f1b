"""The supplier's answers on the invoice page: the panel, the forms, access and refusals. The
requests only queue work: no Chorus Pro call is made here."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from invoices.answers.services import action_error_explained
from invoices.answers.views import _under_way_message
from invoices.models import Invoice, InvoiceAction, StatusEvent
from structures.models import Membership

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def answered(ready_invoice):
    """The ready invoice as Chorus Pro answered it: `status`, with the recipient's motive."""

    def put(status, motive=""):
        Invoice.objects.filter(pk=ready_invoice.pk).update(
            status=Invoice.Status.SUBMITTED, chorus_invoice_id=990002, chorus_status=status
        )
        StatusEvent.objects.create(
            invoice=ready_invoice,
            status=status,
            occurred_at=timezone.now(),
            source=StatusEvent.Source.CHORUS,
            comment=motive,
            actor_name="Mme Agent",
        )
        ready_invoice.refresh_from_db()
        return ready_invoice

    return put


@pytest.fixture
def supplier(client, demo_world):
    client.force_login(User.objects.get(username="fournisseur"))
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_suspended_invoice_shows_the_motive_and_the_completion_form(supplier, answered):
    invoice = answered("SUSPENDUE", "Bon de livraison manquant")
    page = supplier.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    assert "Bon de livraison manquant" in page
    assert reverse("invoices:complete", args=[invoice.pk]) in page
    assert reverse("invoices:recycle", args=[invoice.pk]) not in page
    assert reverse("invoices:credit_note_create", args=[invoice.pk]) in page


def test_only_the_answers_the_status_allows_are_offered(supplier, answered):
    invoice = answered("REJETEE", "Montant erroné")
    page = supplier.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    assert "Montant erroné" in page
    assert reverse("invoices:acknowledge_rejection", args=[invoice.pk]) in page
    assert reverse("invoices:correction_create", args=[invoice.pk]) in page
    assert reverse("invoices:complete", args=[invoice.pk]) not in page
    assert reverse("invoices:credit_note_create", args=[invoice.pk]) not in page


def test_a_completion_is_queued_and_the_page_polls_its_progress(supplier, answered):
    invoice = answered("SUSPENDUE", "Pièce manquante")
    response = supplier.post(
        reverse("invoices:complete", args=[invoice.pk]),
        {
            "comment": "Voici le bon.",
            "files": [SimpleUploadedFile("bon.pdf", PDF)],
            "shorten_long_names": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("invoices:detail", args=[invoice.pk])
    action = invoice.actions.get()
    assert (action.kind, action.status) == (InvoiceAction.Kind.COMPLETE, "queued")
    assert action.payload["comment"] == "Voici le bon."
    page = supplier.get(response["Location"]).content.decode()
    assert reverse("invoices:action_status", args=[invoice.pk]) in page
    assert 'hx-trigger="every 2s"' in page


def test_a_refused_file_comes_back_with_its_error_and_nothing_typed_lost(supplier, answered):
    invoice = answered("SUSPENDUE", "Pièce manquante")
    response = supplier.post(
        reverse("invoices:complete", args=[invoice.pk]),
        {
            "comment": "Mon commentaire détaillé",
            "files": [SimpleUploadedFile("bon.pdf", PDF), SimpleUploadedFile("virus.exe", b"MZ")],
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mon commentaire détaillé" in page
    assert "virus.exe" in page and "exe" in page
    assert "bon.pdf" in page  # kept, listed as ready to be sent
    assert not invoice.actions.exists()


def test_a_status_that_does_not_allow_the_answer_is_refused_with_a_message(supplier, answered):
    invoice = answered("MISE_A_DISPOSITION")
    response = supplier.post(
        reverse("invoices:complete", args=[invoice.pk]), {"comment": "Bonjour"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("invoices:detail", args=[invoice.pk])
    assert len(messages_of(response)) == 1
    assert not invoice.actions.exists()


def test_an_action_already_under_way_is_refused_with_a_message(supplier, answered):
    invoice = answered("REJETEE", "Montant erroné")
    InvoiceAction.objects.create(invoice=invoice, kind=InvoiceAction.Kind.ACKNOWLEDGE_REJECTION)
    response = supplier.post(
        reverse("invoices:acknowledge_rejection", args=[invoice.pk]), follow=True
    )
    assert messages_of(response) == [_under_way_message()]
    assert invoice.actions.count() == 1


def test_other_suppliers_and_the_recipient_get_404(client, answered, make_structure, make_user):
    invoice = answered("SUSPENDUE", "Pièce manquante")
    other = make_user((make_structure(), Membership.Role.SUPPLIER_AGENT))
    recipient = User.objects.get(username="commune")
    for user in (other, recipient):
        client.force_login(user)
        for name in ("complete", "recycle", "action_status"):
            assert client.get(reverse(f"invoices:{name}", args=[invoice.pk])).status_code == 404
        for name in ("acknowledge_rejection", "correction_create", "credit_note_create"):
            assert client.post(reverse(f"invoices:{name}", args=[invoice.pk])).status_code == 404
    assert not Invoice.objects.filter(replaces=invoice).exists()


def test_a_recycling_refused_by_the_recipient_rules_keeps_what_was_typed(supplier, answered):
    invoice = answered("A_RECYCLER", "Service inconnu")
    response = supplier.post(
        reverse("invoices:recycle", args=[invoice.pk]),
        {"recipient_siret": "13000261100015", "comment": "Nouvelle adresse"},
    )
    assert response.status_code == 200
    form = response.context["supplier_panel"]["recycle_form"]
    assert "commitment_number" in form.errors
    page = response.content.decode()
    assert 'value="13000261100015"' in page and "Nouvelle adresse" in page
    assert not invoice.actions.exists()


def test_the_status_poll_shows_progress_then_reloads_the_page_when_done(supplier, answered):
    invoice = answered("SUSPENDUE", "Pièce manquante")
    action = InvoiceAction.objects.create(
        invoice=invoice, kind=InvoiceAction.Kind.COMPLETE, status="running", attempts=1
    )
    url = reverse("invoices:action_status", args=[invoice.pk])
    polling = supplier.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in polling.content.decode()
    assert "HX-Refresh" not in polling
    assert "<html" not in polling.content.decode()  # the panel only

    InvoiceAction.objects.filter(pk=action.pk).update(status="done", finished_at=timezone.now())
    finished = supplier.get(url, headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"
    assert supplier.get(url).status_code == 302  # without htmx: the invoice page


def test_a_failed_action_is_explained_next_to_chorus_pros_code_and_libelle(supplier, answered):
    invoice = answered("SUSPENDUE", "Pièce manquante")
    InvoiceAction.objects.create(
        invoice=invoice,
        kind=InvoiceAction.Kind.COMPLETE,
        status="failed",
        error_code="20002",
        error_message="Incohérence au niveau du statut",
        finished_at=timezone.now() - timedelta(hours=3),
    )
    response = supplier.get(reverse("invoices:detail", args=[invoice.pk]))
    page = response.content.decode()
    assert "20002" in page and "Incohérence au niveau du statut" in page
    advice = response.context["supplier_panel"]["error_advice"]
    assert advice == action_error_explained(code="20002")
    assert reverse("invoices:complete", args=[invoice.pk]) in page  # can try again


def test_correcting_a_rejected_invoice_opens_the_editor_on_the_new_draft(supplier, answered):
    invoice = answered("REJETEE", "Montant erroné")
    response = supplier.post(
        reverse("invoices:correction_create", args=[invoice.pk]), {"acknowledge": "1"}
    )
    draft = Invoice.objects.get(replaces=invoice)
    assert response["Location"] == reverse("invoices:edit", args=[draft.pk])
    assert invoice.actions.get().kind == InvoiceAction.Kind.ACKNOWLEDGE_REJECTION
    page = supplier.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    assert reverse("invoices:edit", args=[draft.pk]) in page


def test_a_credit_note_opens_the_editor_on_a_credit_note_draft(supplier, answered):
    invoice = answered("MISE_EN_PAIEMENT")
    response = supplier.post(reverse("invoices:credit_note_create", args=[invoice.pk]))
    note = Invoice.objects.get(original_invoice=invoice)
    assert note.kind == Invoice.Kind.CREDIT_NOTE
    assert response["Location"] == reverse("invoices:edit", args=[note.pk])
    assert supplier.get(response["Location"]).status_code == 200


def test_a_document_ready_to_be_sent_can_be_withdrawn_keeping_the_comment(supplier, answered):
    invoice = answered("SUSPENDUE", "Pièce manquante")
    supplier.post(
        reverse("invoices:complete", args=[invoice.pk]),
        {"files": [SimpleUploadedFile("mauvais.pdf", PDF), SimpleUploadedFile("x.exe", b"MZ")]},
    )
    attachment = invoice.attachments.get(name="mauvais.pdf")
    response = supplier.post(
        reverse("invoices:completion_attachment_remove", args=[invoice.pk, attachment.pk]),
        {"comment": "Texte en cours"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Texte en cours" in page and "mauvais.pdf" not in page
    assert not invoice.attachments.filter(kind="supporting").exists()
