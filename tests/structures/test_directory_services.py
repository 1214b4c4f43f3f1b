"""The recipient directory: structures read from Chorus Pro by SIRET or by name."""

import pytest
from django.core.cache import cache

from structures.forms import DirectoryQuery
from structures.models import ChorusConnection, Service, Structure
from structures.selectors import bank_accounts_for_supplier, recipient_services_for_supplier
from structures.services import (
    StructureNotInChorus,
    directory_lookup,
    directory_lookup_run,
    directory_refresh_own_structure,
    directory_refresh_structure,
    directory_search,
)

SUPPLIER_SIRET = "12345678200010"
COMMUNE = "21750001600019"
DIRECTION = "13000261100015"
UNIVERSITE = "18004100600016"
LYCEE = "19350936100013"


@pytest.fixture
def connection(demo_world):
    return ChorusConnection.objects.select_related("structure").get(structure__siret=SUPPLIER_SIRET)


def _services(structure):
    return {s.code: s for s in Service.objects.filter(structure=structure)}


def test_a_structure_needing_a_service_code_is_stored_with_its_services(connection):
    Service.objects.filter(structure__siret=COMMUNE, code="SERV_TECH").update(is_active=False)
    Service.objects.create(structure=Structure.objects.get(siret=COMMUNE), code="GONE")
    structure = directory_refresh_structure(connection=connection, siret=COMMUNE)
    assert structure.kind == Structure.Kind.PUBLIC
    assert structure.chorus_id == 25000001
    assert structure.service_code_required
    assert not structure.commitment_required
    assert not structure.service_or_commitment_required
    assert structure.last_synced_at is not None
    assert structure.city == "Villeneuve"
    services = _services(structure)
    assert services["SERV_TECH"].is_active
    assert not services["SERV_ANCIEN"].is_active
    assert services["SERV_CULTURE"].commitment_required
    assert not services["SERV_TECH"].commitment_required
    assert services["SERV_TECH"].chorus_id == 10000102
    assert not services["GONE"].is_active  # no longer listed by Chorus Pro


def test_a_new_structure_needing_a_commitment_is_created_without_consulting_each_service(
    demo_world, connection
):
    Structure.objects.filter(siret=DIRECTION).delete()
    demo_world.clear_calls()
    structure = directory_refresh_structure(connection=connection, siret=DIRECTION)
    assert structure.commitment_required
    assert not structure.service_code_required
    assert _services(structure)["FACTURES_PUBLIQUES"].is_active
    # Commitment already required by the structure: a service's own flag changes nothing.
    assert "structures/v1/consulter/service" not in demo_world.calls()["operations"]


@pytest.mark.parametrize(
    ("siret", "either", "service_code", "commitment"),
    [(UNIVERSITE, True, False, False), (LYCEE, False, False, False)],
)
def test_the_routing_rules_are_read_as_chorus_pro_gives_them(
    connection, siret, either, service_code, commitment
):
    structure = directory_refresh_structure(connection=connection, siret=siret)
    assert structure.service_or_commitment_required is either
    assert structure.service_code_required is service_code
    assert structure.commitment_required is commitment
    assert Service.objects.filter(structure=structure, is_active=True).exists()


def test_an_unknown_siret_is_a_clear_outcome(connection):
    with pytest.raises(StructureNotInChorus):
        directory_refresh_structure(connection=connection, siret="73282932000074")
    outcome = directory_lookup_run(
        connection=connection, query=DirectoryQuery(siret="73282932000074")
    )
    assert outcome["error"] == "not_found"
    assert not Structure.objects.filter(siret="73282932000074").exists()


def test_a_lookup_that_meets_a_transient_error_records_it_for_the_page(demo_world, connection):
    demo_world.add_fault("http_error", "structures/v1/rechercher", status=503)
    outcome = directory_lookup_run(connection=connection, query=DirectoryQuery(siret=LYCEE))
    assert (outcome["ok"], outcome["error"]) == (False, "transient")
    shown = directory_lookup(connection=connection, query=DirectoryQuery(siret=LYCEE))
    assert (shown.state, shown.error) == ("error", "transient")


def test_a_name_search_keeps_the_public_structures_found(connection):
    found = directory_search(connection=connection, query="Lycée")
    assert [s.siret for s in found] == [LYCEE]
    lycee = Structure.objects.get(siret=LYCEE)
    assert lycee.kind == Structure.Kind.PUBLIC
    assert lycee.chorus_id == 25000004
    assert lycee.last_synced_at is None  # rules and services are read when picked


def test_a_name_search_does_not_rename_a_structure_read_in_full(connection):
    directory_refresh_structure(connection=connection, siret=COMMUNE)
    Structure.objects.filter(siret=COMMUNE).update(name="Commune de Villeneuve (mairie)")
    directory_search(connection=connection, query="Villeneuve")
    assert Structure.objects.get(siret=COMMUNE).name == "Commune de Villeneuve (mairie)"


def test_factures_publiques_is_refused_to_a_private_supplier_with_the_reason(connection):
    commune = directory_refresh_structure(connection=connection, siret=COMMUNE)
    choices = {
        c.code: c
        for c in recipient_services_for_supplier(supplier=connection.structure, recipient=commune)
    }
    assert "SERV_ANCIEN" not in choices  # inactive: not offered
    assert choices["FACTURES_PUBLIQUES"].disabled
    assert choices["FACTURES_PUBLIQUES"].reason
    assert not choices["SERV_TECH"].disabled
    assert choices["SERV_CULTURE"].commitment_required


def test_factures_publiques_is_offered_to_a_public_supplier(connection):
    commune = directory_refresh_structure(connection=connection, siret=COMMUNE)
    public_supplier = Structure.objects.get(siret=DIRECTION)
    choices = recipient_services_for_supplier(supplier=public_supplier, recipient=commune)
    assert not any(c.disabled for c in choices)


def test_the_own_structure_refresh_keeps_the_bank_accounts(connection):
    cache.clear()
    assert bank_accounts_for_supplier(connection.structure) is None
    structure = directory_refresh_own_structure(connection=connection)
    assert structure.chorus_id == 26000001
    assert [(a.id, a.text) for a in bank_accounts_for_supplier(structure)] == [
        (31000001, "Compte courant BNP – FR7630004000031234567890143"),
        (31000002, "Compte affacturage – FR7611315000011234567890138"),
    ]


def test_the_own_structure_task_runs_for_a_connection_id(connection):
    from structures.tasks import own_structure_refresh

    own_structure_refresh(connection.pk)
    assert len(bank_accounts_for_supplier(connection.structure)) == 2
