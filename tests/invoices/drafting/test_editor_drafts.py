"""Drafts come and go: "New invoice" leaves no pile of empty drafts, and a draft can be deleted
once the supplier confirms."""

import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from invoices.drafting.cleanup import invoice_empty_drafts_delete
from invoices.drafting.tasks import empty_drafts_clean
from invoices.models import Attachment, Invoice

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_new_invoice_clicked_again_reopens_the_untouched_draft(agent_client, supplier):
    first = agent_client.post(reverse("invoices:draft_new"))
    again = agent_client.post(reverse("invoices:draft_new"))
    assert first.url == again.url
    assert Invoice.objects.filter(supplier=supplier).count() == 1
    # Once something is typed in it, "New invoice" opens a new draft.
    draft = Invoice.objects.get(supplier=supplier)
    agent_client.post(
        reverse("invoices:draft_save", args=[draft.pk]),
        {"kind": "invoice", "billing_framework": "A1", "vat_regime": "on_debits", "comment": "À"},
        **HTMX,
    )
    third = agent_client.post(reverse("invoices:draft_new"))
    assert third.url != first.url
    assert Invoice.objects.filter(supplier=supplier).count() == 2
    # A credit note is a draft of another kind.
    agent_client.post(reverse("invoices:draft_new"), {"kind": "credit_note"})
    assert Invoice.objects.filter(supplier=supplier, kind="credit_note").count() == 1


def test_empty_drafts_left_for_a_day_are_deleted_and_the_others_kept(
    agent_client, supplier, make_invoice
):
    agent_client.post(reverse("invoices:draft_new"))
    empty = Invoice.objects.get(supplier=supplier)
    typed = make_invoice(supplier, status=Invoice.Status.DRAFT, number="F-9")
    with_line = Invoice.objects.create(supplier=supplier)
    agent_client.post(reverse("invoices:line_add", args=[with_line.pk]), **HTMX)
    recent = Invoice.objects.create(supplier=supplier)
    day_ago = timezone.now() - timedelta(days=1, minutes=1)
    Invoice.objects.exclude(pk=recent.pk).update(updated_at=day_ago)

    assert empty_drafts_clean() == 1
    assert not Invoice.objects.filter(pk=empty.pk).exists()
    assert set(Invoice.objects.values_list("pk", flat=True)) == {typed.pk, with_line.pk, recent.pk}
    assert invoice_empty_drafts_delete(older_than=timedelta(days=1)) == 0


def test_a_draft_is_deleted_after_confirmation_with_its_documents(
    agent_client, draft, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)

    agent_client.post(
        reverse("invoices:attachments_add", args=[draft.pk]),
        {"files": [SimpleUploadedFile("devis.pdf", b"%PDF-1.7\n%%EOF\n")]},
        **HTMX,
    )
    stored = draft.attachments.get().file.path
    page = agent_client.get(reverse("invoices:edit", args=[draft.pk])).text
    delete = reverse("invoices:draft_delete", args=[draft.pk])
    assert f'href="{delete}"' in page

    asked = agent_client.get(delete)
    assert "Supprimer ce brouillon de facture\u00a0?" in asked.text
    assert Invoice.objects.filter(pk=draft.pk).exists()
    # A POST without the confirmation only asks.
    agent_client.post(delete)
    assert Invoice.objects.filter(pk=draft.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = agent_client.post(delete, {"confirmed": "1"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("invoices:supplier_home")
    assert "Le brouillon est supprimé." in done.text
    assert not Invoice.objects.filter(pk=draft.pk).exists()
    assert not Attachment.objects.exists()
    assert not os.path.exists(stored)


@pytest.mark.parametrize("status", [Invoice.Status.QUEUED, Invoice.Status.SUBMITTED])
def test_a_sent_invoice_cannot_be_deleted(agent_client, draft, status):
    Invoice.objects.filter(pk=draft.pk).update(status=status, number="F-1", chorus_invoice_id=7)
    response = agent_client.post(
        reverse("invoices:draft_delete", args=[draft.pk]), {"confirmed": "1"}
    )
    assert response.url == reverse("invoices:detail", args=[draft.pk])
    assert Invoice.objects.filter(pk=draft.pk).exists()
