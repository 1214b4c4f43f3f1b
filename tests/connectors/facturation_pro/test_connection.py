"""Connecting a Facturation.pro account: saved encrypted, tested in a worker against
/account.json, with a French message for each way it can fail."""

import pytest

from connectors.facturation_pro.models import FproConnection
from structures.models import Structure

from .conftest import ATELIER_API_ID, ATELIER_FIRM, ATELIER_KEY, ATELIER_SIRET

pytestmark = pytest.mark.slow
PAGE = "/fournisseur/logiciel-de-facturation/"


def _connect(client, *, api_id=ATELIER_API_ID, key=ATELIER_KEY, firm=ATELIER_FIRM):
    return client.post(
        PAGE + "connexion/", {"api_id": api_id, "api_key": key, "firm_id": firm}, follow=True
    )


def _connection() -> FproConnection:
    return FproConnection.objects.get(structure__siret=ATELIER_SIRET)


def test_a_working_account_is_saved_encrypted_and_tested_in_a_worker(
    supplier_client, fpro_world, workers
):
    response = _connect(supplier_client)

    assert "le portail le teste auprès de Facturation.pro" in response.content.decode()
    connection = _connection()
    assert ATELIER_KEY not in connection.api_key_encrypted
    assert connection.api_key() == ATELIER_KEY
    assert "facturation_pro.connection_test" in workers.names()

    workers.run(only="facturation_pro.connection_test")
    page = supplier_client.get(PAGE).content.decode()
    assert "Connecté à Atelier Numérique SAS (FIRM_ID 48201)." in page
    # A working account has its invoices read next, in a worker too.
    assert "facturation_pro.catalogue_sync" in workers.names()


@pytest.mark.parametrize(
    ("fields", "outcome", "message"),
    [
        ({"key": "not-the-key"}, "wrong_key", "Facturation.pro a refusé l’identifiant ou la clé"),
        ({"firm": 48202}, "unknown_firm", "Ce compte ne détient aucune entreprise"),
    ],
)
def test_a_refused_account_says_why_in_french(
    supplier_client, fpro_world, workers, fields, outcome, message
):
    _connect(supplier_client, **fields)
    workers.run(only="facturation_pro.connection_test")

    assert _connection().test_outcome == outcome
    page = supplier_client.get(PAGE).content.decode()
    assert message in page
    assert "facturation_pro.catalogue_sync" not in workers.names()


def test_an_unknown_firm_lists_the_firms_of_the_account(supplier_client, fpro_world, workers):
    _connect(supplier_client, firm=999)
    workers.run(only="facturation_pro.connection_test")

    assert "48201 (Atelier Numérique SAS)" in supplier_client.get(PAGE).content.decode()


def test_an_unreachable_facturation_pro_is_not_called_a_wrong_key(
    supplier_client, fpro_world, workers, settings
):
    settings.FACTURATION_PRO_URL = "http://127.0.0.1:9"  # nothing listens there
    _connect(supplier_client)
    workers.run(only="facturation_pro.connection_test")

    assert _connection().test_outcome == "unreachable"
    assert "Facturation.pro est injoignable" in supplier_client.get(PAGE).content.decode()


def test_a_rate_limited_test_says_how_long_to_wait(supplier_client, fpro_world, workers):
    fpro_world.add_fault("rate_limit", operation="/account.json", retry_after=42)
    _connect(supplier_client)
    workers.run(only="facturation_pro.connection_test")

    assert _connection().test_outcome == "rate_limited"
    page = supplier_client.get(PAGE).content.decode()
    assert "Facturation.pro demande au portail de ralentir" in page
    assert "42" in page


def test_only_a_manager_connects_an_account(client, fpro_world, make_user, workers):
    agent = make_user((Structure.objects.get(siret=ATELIER_SIRET), "supplier_agent"))
    client.force_login(agent)
    response = _connect(client, key="another-key")

    assert "Seul un gestionnaire de votre structure" in response.content.decode()
    assert _connection().api_key() == ATELIER_KEY  # the demo account, untouched


def test_another_firm_forgets_what_was_read_of_the_first(read_account, supplier_client, workers):
    from connectors.facturation_pro.models import FproCustomer, FproInvoice

    assert FproInvoice.objects.exists()
    _connect(supplier_client, api_id="demo-bureau-fournitures", key="fpro-demo-bureau-2026-key",
             firm=48202)  # fmt: skip
    workers.run()

    connection = _connection()
    assert connection.test_outcome == "ok" and connection.firm_name == "Bureau Fournitures SARL"
    assert not FproCustomer.objects.filter(fpro_id__lt=320000).exists()
    # The Bureau's invoice to the Commune is the one to import now.
    assert list(FproInvoice.objects.values_list("number", flat=True)) == ["BF-202610-301"]
