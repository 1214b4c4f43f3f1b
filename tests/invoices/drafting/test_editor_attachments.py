"""Supporting documents in the invoice editor: Chorus Pro's rules per file, a shorter name offered
for long ones, the invoice's total shown, and nothing typed in the header lost."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from invoices.models import Attachment
from structures.models import Membership

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HTMX = {"HX-Request": "true"}
LONG_NAME = "Proces-verbal de reception des travaux du batiment A, lot 3.pdf"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _files(*specs):
    return [SimpleUploadedFile(name, content) for name, content in specs]


def _add(client, invoice, files, htmx=True, **header):
    return client.post(
        reverse("invoices:attachments_add", args=[invoice.pk]),
        {"files": files, **header},
        **({"headers": HTMX} if htmx else {}),
    )


def test_each_file_is_checked_on_its_own_with_a_french_reason(agent_client, draft):
    response = _add(
        agent_client, draft, _files(("devis.pdf", PDF), ("photo.pdf", b"\x89PNG\r\n\x1a\n"))
    )
    assert response.text.lstrip().startswith('<section class="card" id="attachments"')
    assert list(draft.attachments.values_list("name", flat=True)) == ["devis.pdf"]
    assert 'data-upload="added"' in response.text
    assert 'data-upload="content_mismatch"' in response.text
    assert "photo.pdf" in response.text and "Le contenu du fichier" in response.text


def test_a_forbidden_extension_is_refused(agent_client, draft):
    response = _add(agent_client, draft, _files(("script.exe", b"MZ")))
    assert 'data-upload="extension_not_allowed"' in response.text
    assert not draft.attachments.exists()


def test_a_long_name_is_held_and_a_shorter_one_offered_then_accepted(agent_client, draft):
    response = _add(agent_client, draft, _files((LONG_NAME, PDF)))
    assert 'data-upload="rename"' in response.text
    assert not draft.attachments.exists()
    token = response.text.split('name="token" value="')[1].split('"')[0]
    suggestion = response.text.split(f'name="name-{token}" value="')[1].split('"')[0]
    assert len(suggestion) <= 50 and suggestion.endswith(".pdf")

    accepted = agent_client.post(
        reverse("invoices:attachment_rename", args=[draft.pk]),
        {"token": token, f"name-{token}": suggestion},
        headers=HTMX,
    )
    assert 'data-upload="added"' in accepted.text
    assert list(draft.attachments.values_list("name", flat=True)) == [suggestion]
    # The held file is used once only.
    again = agent_client.post(
        reverse("invoices:attachment_rename", args=[draft.pk]),
        {"token": token, f"name-{token}": suggestion},
        headers=HTMX,
    )
    assert 'data-upload="held_missing"' in again.text and draft.attachments.count() == 1


def test_a_name_typed_instead_of_the_offer_is_checked_too(agent_client, draft):
    response = _add(agent_client, draft, _files((LONG_NAME, PDF)))
    token = response.text.split('name="token" value="')[1].split('"')[0]
    still_long = agent_client.post(
        reverse("invoices:attachment_rename", args=[draft.pk]),
        {"token": token, f"name-{token}": "x" * 60 + ".pdf"},
        headers=HTMX,
    )
    assert 'data-upload="rename"' in still_long.text
    typed = agent_client.post(
        reverse("invoices:attachment_rename", args=[draft.pk]),
        {"token": token, f"name-{token}": "PV-reception.pdf"},
        headers=HTMX,
    )
    assert 'data-upload="added"' in typed.text
    assert draft.attachments.get().name == "PV-reception.pdf"


def test_a_made_up_token_reaches_no_file(agent_client, draft):
    response = agent_client.post(
        reverse("invoices:attachment_rename", args=[draft.pk]),
        {"token": "../../etc/passwd", "name-../../etc/passwd": "a.pdf"},
        headers=HTMX,
    )
    assert 'data-upload="held_missing"' in response.text


def test_the_total_per_invoice_is_shown(agent_client, draft):
    response = _add(agent_client, draft, _files(("devis.pdf", PDF)))
    assert 'data-total="attachments"' in response.text
    assert "100,0 Mo" in response.text


def test_a_document_is_removed_in_place(agent_client, draft):
    _add(agent_client, draft, _files(("devis.pdf", PDF)))
    attachment = draft.attachments.get()
    remove = reverse("invoices:attachment_delete", args=[draft.pk, attachment.pk])
    asked = agent_client.post(remove)  # without JavaScript: asked again on a page
    assert "Supprimer devis.pdf\u00a0?" in asked.text
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    response = agent_client.post(remove, {"confirmed": "1"}, headers=HTMX)
    assert response.status_code == 200
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert 'data-attachment="devis.pdf"' not in response.text


def test_header_fields_posted_with_the_files_are_saved(agent_client, draft):
    header = {
        "kind": "invoice",
        "billing_framework": "A1",
        "vat_regime": "on_debits",
        "number": "F-2026-77",
        "market_number": "M-12",
        "recipient_siret": "123",
    }
    response = _add(agent_client, draft, _files(("devis.pdf", PDF)), htmx=False, **header)
    draft.refresh_from_db()
    # The invalid SIRET is kept as typed, so the page is shown again rather than redirected.
    assert response.status_code == 200
    assert (draft.number, draft.market_number) == ("F-2026-77", "M-12")
    assert draft.draft_input["recipient_siret"] == "123"
    assert draft.attachments.count() == 1


def test_without_javascript_a_good_upload_comes_back_to_the_editor(agent_client, draft):
    response = _add(agent_client, draft, _files(("devis.pdf", PDF)), htmx=False)
    assert response.status_code == 302
    assert response.url.endswith("#attachments")
    page = agent_client.get(reverse("invoices:edit", args=[draft.pk]))
    assert 'data-attachment="devis.pdf"' in page.text
    assert 'formenctype="multipart/form-data"' in page.text and 'form="invoice-header"' in page.text


def test_without_javascript_a_refused_file_is_explained_on_the_page(agent_client, draft):
    response = _add(agent_client, draft, _files(("vide.pdf", b"")), htmx=False)
    assert response.status_code == 200
    assert "Le fichier est vide." in response.text
    assert 'id="invoice-header"' in response.text


def test_another_supplier_cannot_remove_a_document(
    agent_client, draft, client_factory, make_user, make_structure
):
    _add(agent_client, draft, _files(("devis.pdf", PDF)))
    attachment = draft.attachments.get()
    other = client_factory()
    other.force_login(make_user((make_structure(), Membership.Role.SUPPLIER_AGENT)))
    response = other.post(
        reverse("invoices:attachment_delete", args=[draft.pk, attachment.pk]), {"confirmed": "1"}
    )
    assert response.status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client
