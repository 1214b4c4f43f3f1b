"""An invoice's PDF and Factur-X, and its supporting documents under Chorus Pro's file rules."""

from django.core.files.uploadedfile import SimpleUploadedFile
from facturx import get_xml_from_pdf

from invoices.models import Attachment
from tests.api.helpers import draft_body

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _draft(api) -> int:
    return api.post("invoices", draft_body()).json()["id"]


def test_a_draft_s_pdf_is_made_from_its_data(api):
    invoice_id = _draft(api)
    response = api.get(f"invoices/{invoice_id}/documents/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_draft_s_facturx_carries_its_cii_xml(api):
    invoice_id = _draft(api)
    response = api.get(f"invoices/{invoice_id}/documents/facturx")
    assert response.status_code == 200
    filename, xml = get_xml_from_pdf(response.content, check_xsd=False)
    assert filename == "factur-x.xml" and b"API-0001" in xml


def test_a_supporting_document_is_added_listed_read_and_removed(api):
    invoice_id = _draft(api)
    response = api.upload(
        f"invoices/{invoice_id}/attachments", {"file": SimpleUploadedFile("devis.pdf", PDF)}
    )
    assert response.status_code == 201, response.json()
    attachment = response.json()
    assert response["Location"] == f"/api/v1/invoices/{invoice_id}/attachments/{attachment['id']}"
    assert attachment["name"] == "devis.pdf" and attachment["kind"] == "supporting"
    listed = api.get(f"invoices/{invoice_id}/attachments").json()
    assert [a["id"] for a in listed] == [attachment["id"]]
    content = api.get(attachment["url"])
    assert b"".join(content.streaming_content) == PDF
    assert api.delete(f"invoices/{invoice_id}/attachments/{attachment['id']}").status_code == 200
    assert not Attachment.objects.filter(pk=attachment["id"]).exists()


def test_a_file_chorus_pro_would_refuse_is_refused_with_its_reason(api):
    invoice_id = _draft(api)
    response = api.upload(
        f"invoices/{invoice_id}/attachments",
        {"file": SimpleUploadedFile("photo.pdf", b"\x89PNG\r\n\x1a\n")},
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["file"]
    too_long = api.upload(
        f"invoices/{invoice_id}/attachments",
        {"file": SimpleUploadedFile("x" * 60 + ".pdf", PDF)},
    )
    assert too_long.status_code == 422
    assert not Attachment.objects.exists()


def test_an_upload_must_be_multipart_with_one_file(api):
    invoice_id = _draft(api)
    assert api.post(f"invoices/{invoice_id}/attachments", {"file": "x"}).status_code == 415
    none = api.upload(f"invoices/{invoice_id}/attachments", {"name": "a.pdf"})
    assert none.status_code == 422


def test_another_structure_cannot_add_read_or_remove_attachments(api, other_api):
    invoice_id = _draft(api)
    added = api.upload(
        f"invoices/{invoice_id}/attachments", {"file": SimpleUploadedFile("devis.pdf", PDF)}
    ).json()
    assert (
        other_api.upload(
            f"invoices/{invoice_id}/attachments", {"file": SimpleUploadedFile("b.pdf", PDF)}
        ).status_code
        == 404
    )
    assert other_api.get(added["url"]).status_code == 404
    path = f"invoices/{invoice_id}/attachments/{added['id']}"
    assert other_api.get(path).status_code == 404
    assert other_api.delete(path).status_code == 404
    assert Attachment.objects.count() == 1


def test_a_received_invoice_s_pdf_is_fetched_by_a_worker_meanwhile_202(
    client, make_invoice, make_key, atelier, commune, jobs, django_capture_on_commit_callbacks
):
    from api.models import ApiKey
    from invoices.documents.downloads import DOWNLOAD_TASK
    from tests.api.helpers import ApiClient

    invoice = make_invoice(
        atelier,
        commune,
        status="received",
        chorus_invoice_id=770001,
        chorus_status="MISE_A_DISPOSITION",
    )
    recipient = ApiClient(client, make_key(commune, role=ApiKey.Role.RECIPIENT))
    with django_capture_on_commit_callbacks(execute=True):
        response = recipient.get(f"invoices/{invoice.pk}/documents/pdf")
    assert response.status_code == 202
    assert response["Retry-After"] == "5"
    assert [name for name, _ in jobs].count(DOWNLOAD_TASK) == 1
    # Asking again while it is fetched queues nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert recipient.get(f"invoices/{invoice.pk}/documents/pdf").status_code == 202
    assert [name for name, _ in jobs].count(DOWNLOAD_TASK) == 1
    assert recipient.get(f"invoices/{invoice.pk}/documents/facturx").status_code == 404
