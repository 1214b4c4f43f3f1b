"""Structures, services, routing rules and commitments."""

from datetime import UTC, datetime, timedelta

import pytest

from chorus_client import (
    ChorusRejectedError,
    CommitmentSearch,
    RoutingRequirement,
    StructureKind,
    StructureSearch,
)

from .conftest import (
    COMMUNE_ID,
    COMMUNE_SIRET,
    DISSOLVED_SIRET,
    DRFIP_ID,
    LYCEE_ID,
    SUPPLIER_ID,
    SUPPLIER_SIRET,
    UNIVERSITY_ID,
)


def test_it_finds_a_structure_by_siret(supplier):
    found = supplier.structures.find_structure_by_siret(COMMUNE_SIRET)

    assert found is not None
    assert (found.id, found.identifier, found.active) == (COMMUNE_ID, COMMUNE_SIRET, True)
    assert supplier.structures.find_structure_by_siret("99999999999999") is None


def test_an_inactive_structure_is_reported_inactive(supplier):
    found = supplier.structures.find_structure_by_siret(DISSOLVED_SIRET)
    assert found is not None
    assert found.active is False


@pytest.mark.parametrize(("structure_id", "requirement"), [
    (COMMUNE_ID, RoutingRequirement.SERVICE_CODE),
    (DRFIP_ID, RoutingRequirement.COMMITMENT),
    (UNIVERSITY_ID, RoutingRequirement.SERVICE_CODE_OR_COMMITMENT),
    (LYCEE_ID, RoutingRequirement.NONE),
])
def test_it_reads_the_routing_rules_of_a_structure(supplier, structure_id, requirement):
    details = supplier.structures.get_structure(structure_id)

    assert details.routing.requirement == requirement
    assert details.kind == StructureKind.PUBLIQUE


def test_it_reads_the_technical_password_expiry_date(supplier):
    details = supplier.structures.get_structure(SUPPLIER_ID)

    assert details.identifier == SUPPLIER_SIRET
    assert details.kind == StructureKind.PRIVEE
    expires = details.technical_password_expires_at
    assert expires is not None and expires.tzinfo is not None
    # The demo supplier's password expires within 20 days (docs/emulator-world.md fixtures).
    assert datetime.now(UTC) < expires < datetime.now(UTC) + timedelta(days=21)


def test_it_lists_every_service_and_reads_one(supplier):
    services = list(supplier.structures.iter_services(COMMUNE_ID, page_size=2))
    codes = {service.code: service for service in services}

    assert {"FACTURES_PUBLIQUES", "SERV_TECH", "SERV_CULTURE", "SERV_ANCIEN"} <= set(codes)
    assert len(services) == len(codes)
    assert codes["SERV_ANCIEN"].active is False

    culture = supplier.structures.get_service(COMMUNE_ID, codes["SERV_CULTURE"].id)
    assert culture.code == "SERV_CULTURE"
    assert culture.commitment_required is True
    technical = supplier.structures.get_service(COMMUNE_ID, codes["SERV_TECH"].id)
    assert technical.commitment_required is False


def test_it_searches_structures_with_filters(supplier):
    page = supplier.structures.search_structures(StructureSearch(kind=StructureKind.PUBLIQUE))

    assert page.total >= 5
    assert all(item.id != SUPPLIER_ID for item in page.items)


def test_it_finds_the_commitments_issued_to_the_supplier(supplier):
    commitments = list(supplier.structures.iter_commitments(
        CommitmentSearch(supplier_structure_id=SUPPLIER_ID)))
    numbers = {c.number for c in commitments}

    assert {"EJ-2026-0001", "EJ-2026-0002"} <= numbers
    one = supplier.structures.search_commitments(
        CommitmentSearch(supplier_structure_id=SUPPLIER_ID, number="EJ-2026-0001"))
    assert [c.number for c in one.items] == ["EJ-2026-0001"]
    assert one.items[0].issuer_structure_id == DRFIP_ID


def test_consulting_an_unknown_structure_is_a_rejection(supplier):
    with pytest.raises(ChorusRejectedError) as caught:
        supplier.structures.get_structure(99999999)
    assert caught.value.code
    assert caught.value.operation == "structures/v1/consulter"
