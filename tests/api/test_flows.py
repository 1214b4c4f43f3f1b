"""Flows through the API: files deposited with the browser's service, their report read."""

from django.core.files.uploadedfile import SimpleUploadedFile

from invoices.flows.deposit import FLOW_SEND_TASK
from invoices.models import Flow
from tests.chorus_emulator.samples import cii_xml, plain_pdf

LYCEE = "19350936100013"


def test_depositing_files_creates_a_flow_queued_for_chorus_pro(
    api, jobs, django_capture_on_commit_callbacks
):
    files = [
        SimpleUploadedFile("a.xml", cii_xml("V-1", LYCEE)),
        SimpleUploadedFile("scan.pdf", plain_pdf()),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.upload("flows", {"files": files})
    assert response.status_code == 201, response.json()
    data = response.json()
    flow = Flow.objects.get()
    assert response["Location"] == f"/api/v1/flows/{flow.pk}"
    assert [f["id"] for f in data["flows"]] == [flow.pk]
    assert [r["name"] for r in data["refused"]] == ["scan.pdf"]
    assert (FLOW_SEND_TASK, (flow.pk,)) in jobs


def test_only_refused_files_is_a_422_and_no_flow(api):
    response = api.upload("flows", {"files": [SimpleUploadedFile("scan.pdf", plain_pdf())]})
    assert response.status_code == 422
    assert response.json()["errors"]["files"][0].startswith("scan.pdf: ")
    assert not Flow.objects.exists()


def test_a_flow_is_read_with_its_files_and_its_deposited_file(api, other_api):
    api.upload("flows", {"files": [SimpleUploadedFile("a.xml", cii_xml("V-2", LYCEE))]})
    flow = Flow.objects.get()
    listed = api.get("flows")
    assert [row["id"] for row in listed.json()] == [flow.pk]
    assert "X-Pagination" in listed
    data = api.get(f"flows/{flow.pk}").json()
    assert data["status"] == "queued" and [f["number"] for f in data["files"]] == ["V-2"]
    content = api.get(f"flows/{flow.pk}/file")
    assert b"V-2" in b"".join(content.streaming_content)
    assert other_api.get(f"flows/{flow.pk}").status_code == 404
    assert other_api.get(f"flows/{flow.pk}/file").status_code == 404
    assert other_api.get("flows").json() == []


def test_a_read_key_cannot_deposit(client, atelier, make_key, api_as):
    reader = api_as(client, make_key(atelier, scope="read"))
    response = reader.upload("flows", {"files": [SimpleUploadedFile("a.xml", b"<x/>")]})
    assert response.status_code == 403
