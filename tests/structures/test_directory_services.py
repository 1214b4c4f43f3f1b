"""The recipient directory: structures read from Chorus Pro by SIRET or by name."""

import pytest
from django.core.cache import cache

from structures.forms import DirectoryQuery
from structures.models import ChorusConnection, ChorusExchange, Service, Structure
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
def connection(demo_world, directory_source):
    """The demo supplier's connection, reading the directory from each source in turn."""
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
    assert not services["GONE"].is_active  # no longer listed by Chorus Pro


def test_the_structures_api_gives_the_services_ids(connection, directory_source):
    structure = directory_refresh_structure(connection=connection, siret=COMMUNE)
    if directory_source == "structures":
        assert _services(structure)["SERV_TECH"].chorus_id == 10000102
    else:
        # The Référentiel names services by uuid: the id stored earlier, if any, stays.
        assert _services(structure)["SERV_TECH"].chorus_id is None


def test_a_new_structure_needing_a_commitment_is_created_without_consulting_each_service(
    demo_world, connection, directory_source
):
    Structure.objects.filter(siret=DIRECTION).delete()
    demo_world.clear_calls()
    structure = directory_refresh_structure(connection=connection, siret=DIRECTION)
    assert structure.commitment_required
    assert not structure.service_code_required
    assert _services(structure)["FACTURES_PUBLIQUES"].is_active
    # Commitment already required by the structure: a service's own flag changes nothing.
    operations = demo_world.calls()["operations"]
    assert "structures/v1/consulter/service" not in operations
    if directory_source == "referentiel":
        assert not any(operation.startswith("structures/v1/") for operation in operations)


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


def test_a_lookup_that_meets_a_transient_error_records_it_for_the_page(
    demo_world, connection, directory_source
):
    first_call = {
        "structures": "structures/v1/rechercher",
        "referentiel": f"organisations/v1/structures/{LYCEE}",
    }[directory_source]
    demo_world.add_fault("http_error", first_call, status=503)
    outcome = directory_lookup_run(connection=connection, query=DirectoryQuery(siret=LYCEE))
    assert (outcome["ok"], outcome["error"]) == (False, "transient")
    shown = directory_lookup(connection=connection, query=DirectoryQuery(siret=LYCEE))
    assert (shown.state, shown.error) == ("error", "transient")


def test_a_name_search_keeps_the_public_structures_found(connection, directory_source):
    Structure.objects.filter(siret=LYCEE).delete()
    found = directory_search(connection=connection, query="Lycée")
    assert [s.siret for s in found] == [LYCEE]
    lycee = Structure.objects.get(siret=LYCEE)
    assert lycee.kind == Structure.Kind.PUBLIC
    # The Référentiel's search has no Chorus Pro id: it is read with the structure when picked.
    assert lycee.chorus_id == (25000004 if directory_source == "structures" else None)
    assert lycee.last_synced_at is None  # rules and services are read when picked


def test_a_name_typed_without_accents_finds_the_accented_name(connection, directory_source):
    if directory_source == "referentiel":
        # The emulated Référentiel's CONTAINS ignores case only ([U]): the portal's own copy
        # answers there (test_a_name_search_also_lists_known_structures_whatever_the_accents).
        pytest.skip("accents are ignored by the Structures API's search only")
    found = directory_search(connection=connection, query="universite")
    assert [s.siret for s in found] == [UNIVERSITE]


def test_the_name_search_asks_chorus_pro_without_accents_and_as_typed(connection, directory_source):
    # How Chorus Pro compares accents is not documented: both spellings are asked for.
    directory_search(connection=connection, query="Université")
    if directory_source == "structures":
        names = [
            exchange.request["structure"]["raisonSocialeStructure"]
            for exchange in ChorusExchange.objects.filter(operation="structures/v1/rechercher")
        ]
    else:
        names = [
            exchange.request["raisonSociale"]["val"]
            for exchange in ChorusExchange.objects.filter(
                operation="organisations/v1/structures/recherche"
            )
        ]
    assert sorted(names) == ["Universite", "Université"]


def test_a_name_search_also_lists_known_structures_whatever_the_accents(connection, make_structure):
    # Known to the portal (read from Chorus Pro earlier) and found again although Chorus Pro's
    # search answers nothing here: the portal's search does not depend on Chorus Pro's.
    known = make_structure(name="Université Paris-Cité", kind=Structure.Kind.PUBLIC)
    make_structure(name="Université privée", kind=Structure.Kind.PRIVATE)
    query = DirectoryQuery(name="UNIVERSITE paris")
    assert directory_lookup_run(connection=connection, query=query)["ok"]
    outcome = directory_lookup(connection=connection, query=query)
    assert (outcome.state, outcome.structures) == ("found", [known])


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
