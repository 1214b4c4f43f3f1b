"""Received invoices and decisions for public entities, and the recipient directory."""

import pytest

from api.models import ApiKey
from invoices.models import Invoice, InvoiceAction
from invoices.sending.status_sync import status_sync_for_connection
from invoices.sending.submission import invoice_send
from invoices.treatment.services import POSSIBLE_STATUSES, reference_fetch
from structures.models import ChorusConnection
from tests.api.helpers import ATELIER, COMMUNE, ApiClient, draft_body

pytestmark = pytest.mark.slow


@pytest.fixture
def received(api, demo_world, django_capture_on_commit_callbacks):
    """An invoice made and sent through the API, carried by the worker, routed by Chorus Pro."""
    invoice_id = api.post("invoices", draft_body()).json()["id"]
    assert api.post(f"invoices/{invoice_id}/send").status_code == 202
    assert invoice_send(invoice_id=invoice_id) == "submitted"
    demo_world.advance(10)
    invoice = Invoice.objects.get(pk=invoice_id)
    status_sync_for_connection(connection=ChorusConnection.objects.get(structure=invoice.supplier))
    invoice.refresh_from_db()
    return invoice


@pytest.fixture
def recipient_api(client, commune, make_key):
    return ApiClient(client, make_key(commune, role=ApiKey.Role.RECIPIENT))


def test_the_supplier_follows_its_sent_invoice_and_its_history(api, received):
    data = api.get(f"invoices/{received.pk}").json()
    assert data["status"] == "submitted" and data["chorus_invoice_id"]
    statuses = [event["status"] for event in api.get(f"invoices/{received.pk}/history").json()]
    assert "queued" in statuses and received.chorus_status in statuses
    assert api.get("invoices", {"chorus_status": received.chorus_status}).json()[0]["id"] == (
        received.pk
    )


def test_the_recipient_lists_and_reads_its_received_invoices(recipient_api, received):
    listed = recipient_api.get("received-invoices").json()
    assert received.pk in [row["id"] for row in listed]
    data = recipient_api.get(f"received-invoices/{received.pk}").json()
    assert data["supplier"]["siret"] == ATELIER
    assert "decision_options" in data


def test_a_recipient_decision_is_checked_then_queued_with_202(recipient_api, received):
    connection = ChorusConnection.objects.get(structure=received.recipient)
    reference_fetch(
        kind=POSSIBLE_STATUSES, connection_id=connection.pk, value=received.chorus_status
    )
    path = f"received-invoices/{received.pk}/decisions"
    missing = recipient_api.post(path, {"target_status": "SUSPENDUE"})
    assert missing.status_code == 422 and "motive" in missing.json()["errors"]
    unconfirmed = recipient_api.post(path, {"target_status": "REJETEE", "motive": "Erreur"})
    assert unconfirmed.status_code == 422 and "confirmed" in unconfirmed.json()["errors"]
    assert not InvoiceAction.objects.exists()
    response = recipient_api.post(path, {"target_status": "SERVICE_FAIT"})
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "queued"
    assert response.json()["target_status"] == "SERVICE_FAIT"
    assert recipient_api.post(path, {"target_status": "SERVICE_FAIT"}).status_code == 409
    assert [action["id"] for action in recipient_api.get(path).json()] == [response.json()["id"]]


def test_another_public_entity_sees_nothing_of_it(client, make_key, make_structure, received):
    stranger = make_structure(name="Autre commune", kind="public")
    other = ApiClient(client, make_key(stranger, role=ApiKey.Role.RECIPIENT))
    assert other.get("received-invoices").json() == []
    assert other.get(f"received-invoices/{received.pk}").status_code == 404
    decision = other.post(
        f"received-invoices/{received.pk}/decisions", {"target_status": "SERVICE_FAIT"}
    )
    assert decision.status_code == 404
    assert not InvoiceAction.objects.exists()


def test_a_supplier_key_has_no_received_invoices(api, received):
    assert api.get("received-invoices").status_code == 403


def test_the_directory_gives_a_recipient_s_rules_and_services(api, commune, jobs):
    commune_data = api.get(f"recipients/{COMMUNE}")
    if commune_data.status_code == 202:
        assert commune_data["Retry-After"]
        from structures.forms import DirectoryQuery
        from structures.services.directory import directory_lookup_run

        directory_lookup_run(
            connection=ChorusConnection.objects.get(structure__siret=ATELIER),
            query=DirectoryQuery(siret=COMMUNE),
        )
        commune_data = api.get(f"recipients/{COMMUNE}")
    assert commune_data.status_code == 200
    data = commune_data.json()
    assert data["service_code_required"] is True
    assert "SERV_TECH" in [service["code"] for service in data["services"]]


def test_a_siret_that_is_not_one_is_a_422(api):
    response = api.get("recipients/12345678901234")
    assert response.status_code == 422 and "siret" in response.json()["errors"]
