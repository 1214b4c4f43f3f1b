"""structures.chorus: the configured client and the record of every exchange."""

import json

import pytest

from chorus_client import ChorusTransientError
from structures.chorus import ChorusNotConfiguredError, ExchangeRecorder, chorus_client_for
from structures.models import ChorusConnection, ChorusExchange

SUPPLIER_SIRET = "12345678200010"
SUPPLIER_PASSWORD = "Demo-Fournisseur-2026"


@pytest.fixture
def supplier_connection(demo_world):
    return ChorusConnection.objects.get(structure__siret=SUPPLIER_SIRET)


def test_every_exchange_is_stored_without_the_password_or_the_client_secret(
    demo_world, supplier_connection
):
    with chorus_client_for(supplier_connection, fresh_token=True) as client:
        summary = client.structures.find_structure_by_siret(SUPPLIER_SIRET)
        client.structures.get_structure(summary.id)
    rows = list(ChorusExchange.objects.filter(connection=supplier_connection))
    operations = {row.operation for row in rows}
    assert {"oauth/token", "structures/v1/rechercher", "structures/v1/consulter"} <= operations
    dumped = json.dumps(
        [[row.request, row.response, row.message] for row in rows], ensure_ascii=False
    )
    assert SUPPLIER_PASSWORD not in dumped
    assert demo_world.client_secret not in dumped
    token_row = next(row for row in rows if row.operation == "oauth/token")
    assert token_row.request["client_secret"] == "<redacted>"
    assert token_row.response["access_token"] == "<redacted>"
    search = next(row for row in rows if row.operation == "structures/v1/rechercher")
    assert search.http_status == 200
    assert search.return_code == 0
    assert search.request["structure"]["identifiantStructure"] == SUPPLIER_SIRET
    supplier_connection.refresh_from_db()
    assert supplier_connection.last_success_at is not None


def test_a_failed_exchange_is_recorded_on_the_connection(demo_world, supplier_connection):
    demo_world.add_fault("http_error", "transverses/v1/recuperer/tauxtva", status=503)
    with chorus_client_for(supplier_connection) as client, pytest.raises(ChorusTransientError):
        client.transverses.vat_rates()
    row = ChorusExchange.objects.get(operation="transverses/v1/recuperer/tauxtva")
    assert row.error_kind == "transient"
    assert row.http_status == 503
    supplier_connection.refresh_from_db()
    assert supplier_connection.last_failure_at is not None
    assert "503" in supplier_connection.last_failure_message


def test_a_success_after_a_failure_is_stamped_at_once(demo_world, supplier_connection):
    with chorus_client_for(supplier_connection) as client:
        client.transverses.vat_rates()
    demo_world.add_fault("http_error", "transverses/v1/recuperer/tauxtva", status=503)
    with chorus_client_for(supplier_connection) as client, pytest.raises(ChorusTransientError):
        client.transverses.vat_rates()
    with chorus_client_for(supplier_connection) as client:
        client.transverses.vat_rates()
    supplier_connection.refresh_from_db()
    # Support reads "answering again", not "failing since", seconds after the first success.
    assert supplier_connection.last_success_at > supplier_connection.last_failure_at


def test_the_invoice_is_attached_to_its_exchanges(demo_world, supplier_connection, make_invoice):
    invoice = make_invoice(supplier_connection.structure)
    with chorus_client_for(supplier_connection, invoice=invoice, fresh_token=True) as client:
        client.transverses.health_check()
    assert ChorusExchange.objects.filter(invoice=invoice).count() == 2  # token + health-check


def test_clients_of_every_connection_share_one_piste_token(demo_world, supplier_connection):
    recipient_connection = ChorusConnection.objects.get(structure__siret="21750001600019")
    demo_world.clear_calls()
    for connection in (supplier_connection, recipient_connection, supplier_connection):
        with chorus_client_for(connection) as client:
            client.transverses.health_check()
    # At most one token fetch (none if an earlier test of this process left a valid one).
    assert demo_world.calls()["operations"].get("oauth/token", 0) <= 1
    assert demo_world.calls()["operations"]["transverses/v1/health-check"] == 3


def test_a_failing_hook_never_breaks_the_call(demo_world, supplier_connection, monkeypatch):
    def explode(self, exchange):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(ExchangeRecorder, "_record", explode)
    with chorus_client_for(supplier_connection) as client:
        assert client.transverses.health_check().ok


def test_an_environment_without_piste_application_gives_a_clear_error(make_structure, settings):
    settings.CHORUS_ENDPOINTS = {
        **settings.CHORUS_ENDPOINTS,
        "sandbox": {**settings.CHORUS_ENDPOINTS["sandbox"], "client_id": "", "client_secret": ""},
    }
    connection = ChorusConnection(structure=make_structure(), environment="sandbox", login="T@x")
    connection.set_password("whatever-secret")
    connection.save()
    with pytest.raises(ChorusNotConfiguredError) as error:
        chorus_client_for(connection)
    assert "PISTE_SANDBOX_CLIENT_ID" in str(error.value)


def test_the_client_uses_the_configured_timeouts(demo_world, supplier_connection, settings):
    settings.CHORUS_CONNECT_TIMEOUT = 3
    settings.CHORUS_READ_TIMEOUT = 42
    with chorus_client_for(supplier_connection) as client:
        assert (client.config.connect_timeout, client.config.read_timeout) == (3, 42)
        assert client.config.technical_password == SUPPLIER_PASSWORD
