"""Invoices through the API: a draft made with its lines, read, listed, filtered, changed,
checked, sent (queued: 202) and cancelled, each scoped to the key's structure."""

import json

from invoices.models import Invoice
from invoices.sending.submission import SEND_TASK
from tests.api.helpers import COMMUNE, draft_body


def test_creating_a_draft_answers_201_with_its_location_and_totals_computed_by_the_portal(api):
    response = api.post("invoices", draft_body())
    assert response.status_code == 201
    data = response.json()
    assert response["Location"] == f"/api/v1/invoices/{data['id']}"
    assert data["status"] == "draft"
    assert data["recipient"]["siret"] == COMMUNE
    assert data["service_code"] == "SERV_TECH"
    assert [line["description"] for line in data["lines"]] == ["Maintenance", "Pièces"]
    # 3 × 450 + 2 × 12.50 = 1375.00; VAT 270.00 + 1.38
    assert data["total_excl_tax"] == "1375.00"
    assert data["total_vat"] == "271.38"
    assert data["total_incl_tax"] == "1646.38"
    invoice = Invoice.objects.get(pk=data["id"])
    assert invoice.created_by is not None  # the manager who made the key


def test_the_editor_s_rules_refuse_the_whole_body_and_nothing_is_saved(api):
    body = draft_body(recipient_siret="12345678200010", service_code="NOPE")
    body["lines"][1]["quantity"] = "-2"
    response = api.post("invoices", body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "recipient_siret" in errors
    assert "lines[1].quantity" in errors
    assert not Invoice.objects.filter(number="API-0001").exists()


def test_reading_an_invoice_gives_its_lines_vat_and_attachments(api):
    created = api.post("invoices", draft_body()).json()
    data = api.get(f"invoices/{created['id']}").json()
    assert data["number"] == "API-0001"
    assert {vat["rate"] for vat in data["vat_lines"]} == {"5.50", "20.00"}
    assert data["attachments"] == []


def test_the_list_is_paged_with_an_x_pagination_header(api):
    for number in range(3):
        api.post("invoices", draft_body(number=f"P-{number}", lines=[]))
    response = api.get("invoices", {"per_page": 2, "page": 2, "status": "draft", "number": "P-"})
    assert response.status_code == 200
    pagination = json.loads(response["X-Pagination"])
    assert pagination["total_entries"] == 3 and pagination["total"] == 3
    assert pagination["total_pages"] == 2 and pagination["per_page"] == 2
    assert pagination["current_page"] == 2
    assert len(response.json()) == 1
    assert "lines" not in response.json()[0]


def test_the_list_filters_by_dates_and_sorts_like_facturation_pro(api):
    api.post("invoices", draft_body(number="D-OCT", issue_date="2026-10-05", lines=[]))
    api.post("invoices", draft_body(number="D-NOV", issue_date="2026-11-05", lines=[]))
    api.post("invoices", draft_body(number="D-DEC", issue_date="2026-12-05", due_date=None))
    found = api.get("invoices", {"period_start": "2026-10", "period_end": "2026-11"}).json()
    assert {row["number"] for row in found} >= {"D-OCT", "D-NOV"}
    assert "D-DEC" not in {row["number"] for row in found}
    ordered = api.get("invoices", {"number": "D-", "order": "billed", "sort": "asc"}).json()
    assert [row["number"] for row in ordered] == ["D-OCT", "D-NOV", "D-DEC"]


def test_a_patch_changes_the_fields_given_and_lines_replace_all(api):
    created = api.post("invoices", draft_body()).json()
    response = api.patch(
        f"invoices/{created['id']}",
        {
            "comment": "Bon de commande 42",
            "lines": [{"description": "Forfait", "unit_price": "10"}],
        },
    )
    assert response.status_code == 200
    data = response.json()
    assert data["comment"] == "Bon de commande 42"
    assert data["service_code"] == "SERV_TECH"  # kept
    assert [line["description"] for line in data["lines"]] == ["Forfait"]
    assert data["total_excl_tax"] == "10.00"


def test_cancelling_a_draft_deletes_it(api):
    created = api.post("invoices", draft_body()).json()
    response = api.delete(f"invoices/{created['id']}")
    assert response.status_code == 200 and response.json()["deleted"] is True
    assert not Invoice.objects.filter(pk=created["id"]).exists()
    assert api.get(f"invoices/{created['id']}").status_code == 404


def test_the_preflight_check_lists_what_is_missing(api):
    created = api.post("invoices", draft_body(payment_mode="", lines=[])).json()
    data = api.get(f"invoices/{created['id']}/preflight").json()
    assert data["ready"] is False
    failing = {check["code"] for check in data["checks"] if not check["ok"]}
    assert {"lines", "payment_mode"} <= failing
    assert all(check["fix"] for check in data["checks"] if not check["ok"])


def test_sending_an_incomplete_invoice_is_refused_with_the_failing_checks(api, jobs):
    created = api.post("invoices", draft_body(lines=[])).json()
    response = api.post(f"invoices/{created['id']}/send")
    assert response.status_code == 422
    assert "preflight.lines" in response.json()["errors"]
    assert Invoice.objects.get(pk=created["id"]).status == "draft"
    assert not [name for name, _ in jobs if name == SEND_TASK]


def test_sending_queues_the_invoice_and_answers_202_without_waiting_for_chorus_pro(
    api, jobs, django_capture_on_commit_callbacks
):
    created = api.post("invoices", draft_body()).json()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"invoices/{created['id']}/send")
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "queued"
    assert (SEND_TASK, (created["id"],)) in jobs
    # Sending again answers the same state and queues nothing more.
    again = api.post(f"invoices/{created['id']}/send")
    assert again.status_code == 202
    assert [name for name, _ in jobs].count(SEND_TASK) == 1
    # A queued invoice is no longer a draft: it cannot be changed.
    assert api.patch(f"invoices/{created['id']}", {"comment": "x"}).status_code == 409
    history = api.get(f"invoices/{created['id']}/history").json()
    assert history[0]["status"] == "queued"


def test_another_structure_s_invoice_is_a_404_on_every_address(api, other_api):
    created = api.post("invoices", draft_body()).json()
    invoice_id = created["id"]
    for path in (
        f"invoices/{invoice_id}",
        f"invoices/{invoice_id}/preflight",
        f"invoices/{invoice_id}/history",
        f"invoices/{invoice_id}/attachments",
        f"invoices/{invoice_id}/documents/pdf",
        f"invoices/{invoice_id}/documents/facturx",
    ):
        response = other_api.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"errors": {"base": ["The record could not be found."]}}
    assert other_api.patch(f"invoices/{invoice_id}", {"comment": "x"}).status_code == 404
    assert other_api.delete(f"invoices/{invoice_id}").status_code == 404
    assert other_api.post(f"invoices/{invoice_id}/send").status_code == 404
    assert other_api.get("invoices").json() == []
    invoice = Invoice.objects.get(pk=invoice_id)
    assert invoice.status == "draft" and invoice.comment == ""


def test_an_invoice_chorus_pro_refused_goes_back_to_draft(api, other_api):
    created = api.post("invoices", draft_body()).json()
    Invoice.objects.filter(pk=created["id"]).update(
        status=Invoice.Status.SUBMISSION_REFUSED, submission_error_message="Service inconnu"
    )
    assert api.get(f"invoices/{created['id']}").json()["submission_error"] == "Service inconnu"
    assert other_api.post(f"invoices/{created['id']}/reopen").status_code == 404
    response = api.post(f"invoices/{created['id']}/reopen")
    assert response.status_code == 200 and response.json()["status"] == "draft"
    assert api.post(f"invoices/{created['id']}/reopen").status_code == 404
