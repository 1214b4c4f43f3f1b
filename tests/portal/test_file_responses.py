"""Stored files reach a browser only through views that check access, and never run there."""

import importlib
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, reverse

import portal.urls
from invoices.attachments import attachment_add
from invoices.models import Attachment, Flow, InvoiceDownload
from structures.models import Membership, Structure

ROLE = Membership.Role
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
RANDOM_FOLDER = re.compile(r"/[0-9a-f]{32}/")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def supplier(make_structure):
    return make_structure()


@pytest.fixture
def recipient(make_structure):
    return make_structure(kind=Structure.Kind.PUBLIC)


@pytest.fixture
def invoice(make_invoice, supplier, recipient):
    return make_invoice(supplier, recipient)


@pytest.fixture
def supplier_client(client, make_user, supplier):
    client.force_login(make_user((supplier, ROLE.SUPPLIER_AGENT)))
    return client


def _attach(invoice, name, content, kind=Attachment.Kind.SUPPORTING) -> Attachment:
    upload = SimpleUploadedFile(name, content)
    return attachment_add(invoice=invoice, uploaded_file=upload, kind=kind)


def _flow(supplier, name="facture.xml") -> Flow:
    flow = Flow(supplier=supplier, name=name, syntax="IN_DP_E1_CII", size=5, sha256="0" * 64)
    flow.file.save(name, ContentFile(b"<xml/>"), save=True)
    return flow


def _download(user, structure) -> InvoiceDownload:
    path = default_storage.save("downloads/1/factures.zip", ContentFile(b"PK\x03\x04zip"))
    return InvoiceDownload.objects.create(
        user=user,
        structure=structure,
        format=InvoiceDownload.Format.ZIP,
        status=InvoiceDownload.Status.READY,
        parts=[{"name": "factures.zip", "file": path, "size": 7, "invoice_ids": []}],
    )


@pytest.fixture
def embedded_urls(settings):
    """The URLs as the embedded run builds them: DEBUG on."""
    settings.DEBUG = True
    importlib.reload(portal.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(portal.urls)
    clear_url_caches()


def test_no_stored_file_is_served_by_its_path_even_in_the_embedded_run(
    client, embedded_urls, invoice, supplier, recipient, make_user
):
    paths = [
        _attach(invoice, "bon-de-commande.pdf", PDF).file.name,
        _flow(supplier).file.name,
        _download(make_user((recipient, ROLE.RECIPIENT_AGENT)), recipient).parts[0]["file"],
    ]
    for path in paths:
        assert default_storage.exists(path)
        assert client.get(f"/media/{path}").status_code == 404, path


@pytest.mark.parametrize(
    ("name", "content"), [("page.html", HTML), ("dessin.svg", SVG), ("page.xhtml", HTML)]
)
def test_markup_attachments_are_downloads_even_when_asked_inline(
    supplier_client, invoice, name, content
):
    attachment = _attach(invoice, name, content)
    url = reverse("invoices:attachment", args=[attachment.pk])
    response = supplier_client.get(url, {"inline": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert "script-src" not in policy


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("facture.pdf", PDF, "application/pdf"), ("photo.png", PNG, "image/png")],
)
def test_pdfs_and_images_may_be_shown_inline_under_a_closed_policy(
    supplier_client, invoice, name, content, content_type
):
    attachment = _attach(invoice, name, content)
    url = reverse("invoices:attachment", args=[attachment.pk])
    response = supplier_client.get(url, {"inline": "1"})
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    # Without asking, it is a download like any other.
    assert supplier_client.get(url)["Content-Disposition"].startswith("attachment;")


def test_the_invoice_pdf_shows_in_the_page_under_a_closed_policy(supplier_client, invoice):
    _attach(invoice, "facture.pdf", PDF, kind=Attachment.Kind.MAIN)
    response = supplier_client.get(reverse("invoices:invoice_pdf", args=[invoice.pk]))
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'self'" in policy


def test_a_file_missing_from_storage_answers_a_french_404_page(
    client, supplier_client, invoice, supplier, recipient, make_user
):
    attachment = _attach(invoice, "facture.pdf", PDF, kind=Attachment.Kind.MAIN)
    flow = _flow(supplier)
    default_storage.delete(attachment.file.name)
    default_storage.delete(flow.file.name)
    urls = [
        reverse("invoices:attachment", args=[attachment.pk]),
        reverse("invoices:invoice_pdf", args=[invoice.pk]),
        reverse("invoices:flow_file", args=[flow.pk]),
    ]
    for url in urls:
        response = supplier_client.get(url)
        assert response.status_code == 404, url
        assert "Ce fichier est introuvable sur le portail" in response.text

    agent = make_user((recipient, ROLE.RECIPIENT_AGENT))
    download = _download(agent, recipient)
    default_storage.delete(download.parts[0]["file"])
    client.force_login(agent)
    response = client.get(reverse("invoices:download_part", args=[download.pk, 1]))
    assert response.status_code == 404
    assert "Fichier indisponible" in response.text


def test_a_supplier_downloads_the_file_it_deposited_and_no_one_else_can(
    client, supplier_client, supplier, make_structure, make_user
):
    flow = _flow(supplier, "lot-mars.xml")
    url = reverse("invoices:flow_file", args=[flow.pk])
    response = supplier_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"<xml/>"
    assert url in supplier_client.get(reverse("invoices:flow_detail", args=[flow.pk])).text

    client.force_login(make_user((make_structure(), ROLE.SUPPLIER_AGENT)))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_stored_paths_cannot_be_guessed_from_a_name_or_a_date(supplier):
    first, second = _flow(supplier, "facture.xml"), _flow(supplier, "facture.xml")
    assert RANDOM_FOLDER.search(first.file.name) and RANDOM_FOLDER.search(second.file.name)
    assert first.file.name.rsplit("/", 2)[-2] != second.file.name.rsplit("/", 2)[-2]
