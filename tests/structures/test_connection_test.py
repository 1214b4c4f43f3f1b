"""The connection test: each link checked and reported separately."""

from datetime import timedelta

import pytest
from django.utils import timezone

from structures.models import ChorusConnection, Structure
from structures.services import connection_test_request, connection_test_run
from tests.jobs import queued_ids

SUPPLIER_SIRET = "12345678200010"
COMMUNE_SIRET = "21750001600019"
# The emulator environment reads the directory from the Référentiel des Organisations.
LINKS = ["piste_token", "technical_account", "api_transverses", "api_organisations", "api_factures"]


@pytest.fixture
def supplier_connection(demo_world):
    return ChorusConnection.objects.select_related("structure").get(structure__siret=SUPPLIER_SIRET)


def _by_link(report):
    return {check["link"]: check for check in report}


def test_every_link_is_reported_ok_with_working_credentials(supplier_connection):
    report = connection_test_run(connection=supplier_connection)
    assert [check["link"] for check in report] == LINKS
    assert all(check["ok"] is True for check in report), report
    supplier_connection.refresh_from_db()
    assert supplier_connection.last_test_report == report
    assert supplier_connection.last_tested_at is not None


def test_the_report_has_a_verdict_and_advice_for_each_link(supplier_connection):
    report = connection_test_run(connection=supplier_connection)
    for check in report:
        assert set(check) >= {"link", "ok", "message", "advice", "technical_detail"}
        assert check["message"]


def test_a_wrong_password_fails_only_the_technical_account(supplier_connection):
    supplier_connection.set_password("Not-The-Password-1")
    supplier_connection.save()
    checks = _by_link(connection_test_run(connection=supplier_connection))
    assert checks["piste_token"]["ok"] is True
    assert checks["api_transverses"]["ok"] is True
    account = checks["technical_account"]
    assert account["ok"] is False
    assert account["state"] == "failed"
    assert "424 days" in account["advice"]
    assert "incorrect" in account["advice"]
    # Every directory/Factures call needs the account: not checked rather than failed again.
    assert checks["api_organisations"]["ok"] is None
    assert checks["api_factures"]["ok"] is None
    assert "Not-The-Password-1" not in str(checks)


def test_a_refused_piste_application_points_at_the_portal_operator(supplier_connection, settings):
    endpoint = settings.CHORUS_ENDPOINTS["emulator"]
    settings.CHORUS_ENDPOINTS = {
        **settings.CHORUS_ENDPOINTS,
        "emulator": {**endpoint, "client_secret": "wrong-secret-value"},
    }
    checks = _by_link(connection_test_run(connection=supplier_connection))
    assert checks["piste_token"]["ok"] is False
    assert "portal operator" in checks["piste_token"]["advice"]
    assert "wrong-secret-value" not in checks["piste_token"]["technical_detail"]
    assert all(checks[link]["ok"] is None for link in LINKS[1:])


@pytest.mark.parametrize(
    ("kind", "options"), [("rate_limit", {"retry_after": 1}), ("http_error", {"status": 503})]
)
def test_an_overloaded_chorus_pro_is_reported_as_transient_not_as_bad_credentials(
    demo_world, supplier_connection, kind, options
):
    demo_world.add_fault(kind, "transverses/v1/recuperer/tauxtva", **options)
    checks = _by_link(connection_test_run(connection=supplier_connection))
    account = checks["technical_account"]
    assert account["ok"] is False
    assert account["state"] == "transient"
    assert "try again" in account["advice"]
    assert "424" not in account["advice"]
    # The account was not refused: the other links are still checked.
    assert checks["api_organisations"]["ok"] is True
    assert checks["api_factures"]["ok"] is True


def test_the_password_expiry_and_routing_rules_are_read_from_the_structures_api(
    supplier_connection, use_structures_api
):
    supplier_connection.password_expires_on = None
    supplier_connection.save()
    Structure.objects.filter(pk=supplier_connection.structure_id).update(chorus_id=None)
    connection_test_run(connection=supplier_connection)
    supplier_connection.refresh_from_db()
    days_left = (supplier_connection.password_expires_on - timezone.localdate()).days
    # The emulator's world gives the supplier's password 20 days (docs/emulator-world.md).
    assert days_left in (19, 20)
    structure = Structure.objects.get(pk=supplier_connection.structure_id)
    assert structure.chorus_id == 26000001
    assert structure.vat_number == "FR32123456782"
    assert structure.last_synced_at is not None


def test_the_structures_api_source_checks_the_structures_api_link(
    supplier_connection, use_structures_api
):
    report = connection_test_run(connection=supplier_connection)
    assert [check["link"] for check in report][3] == "api_structures"
    assert all(check["ok"] is True for check in report), report


def test_the_referentiel_reads_the_structure_and_keeps_the_typed_password_expiry(
    supplier_connection,
):
    # The Référentiel has no technical password expiry: the date the manager typed stays.
    typed = timezone.localdate() + timedelta(days=100)
    supplier_connection.password_expires_on = typed
    supplier_connection.save()
    Structure.objects.filter(pk=supplier_connection.structure_id).update(chorus_id=None)
    connection_test_run(connection=supplier_connection)
    supplier_connection.refresh_from_db()
    assert supplier_connection.password_expires_on == typed
    structure = Structure.objects.get(pk=supplier_connection.structure_id)
    # Its Chorus Pro id comes from the account's active structures (Transverses).
    assert structure.chorus_id == 26000001
    assert structure.vat_number == "FR32123456782"
    assert structure.last_synced_at is not None


def test_a_public_structure_checks_the_factures_api_as_recipient(demo_world):
    connection = ChorusConnection.objects.get(structure__siret=COMMUNE_SIRET)
    report = connection_test_run(connection=connection)
    assert all(check["ok"] for check in report), report
    assert demo_world.calls()["operations"].get("factures/v1/rechercher/recipiendaire") == 1


def test_asking_for_a_test_enqueues_it_after_commit(
    supplier_connection, django_capture_on_commit_callbacks, monkeypatch
):
    from structures import tasks

    queued = queued_ids(monkeypatch, tasks.CONNECTION_TEST_TASK)
    with django_capture_on_commit_callbacks(execute=True):
        connection_test_request(connection=supplier_connection)
        assert queued == []
    assert queued == [supplier_connection.pk]
    supplier_connection.refresh_from_db()
    assert supplier_connection.test_requested_at is not None


def test_the_task_runs_the_test_for_the_connection_id(supplier_connection):
    from structures.tasks import connection_test

    connection_test(supplier_connection.pk)
    supplier_connection.refresh_from_db()
    assert len(supplier_connection.last_test_report) == len(LINKS)


def test_a_report_older_than_the_request_means_the_test_is_pending(supplier_connection):
    from structures.selectors import connection_test_state

    connection_test_run(connection=supplier_connection)
    assert connection_test_state(connection=supplier_connection) == "done"
    supplier_connection.test_requested_at = timezone.now()
    assert connection_test_state(connection=supplier_connection) == "pending"
    supplier_connection.test_requested_at = timezone.now() - timedelta(minutes=5)
    supplier_connection.last_tested_at = timezone.now() - timedelta(minutes=6)
    assert connection_test_state(connection=supplier_connection) == "stalled"
