"""client.organisations: the Référentiel des Organisations against the emulator, one world with
client.structures; its errors as the client's three kinds; strict parsing offline."""

import json

import pytest

from chorus_client import (
    ChorusAuthenticationError,
    ChorusProtocolError,
    ChorusRejectedError,
    ChorusTransientError,
    Condition,
    Operator,
    OrganisationStatus,
    OrganisationType,
    RegistryQuery,
    RoutingRequirement,
    ServiceCreation,
    ServiceField,
    ServiceState,
    StructureField,
)

from .conftest import COMMUNE_ID, COMMUNE_SIRET, LYCEE_ID, LYCEE_SIRET, SUPPLIER_SIRET
from .test_transport_headers import ScriptedSession, make

SUPPLIER_VAT = "FR32123456782"


def test_a_structure_reads_the_same_in_both_apis(supplier):
    new = supplier.organisations.get_structure(COMMUNE_SIRET)
    legacy = supplier.structures.get_structure(COMMUNE_ID)

    assert (new.identifier, new.company_name, new.type, new.status) == (
        legacy.identifier, legacy.company_name, OrganisationType.PUBLIC,
        OrganisationStatus.ACTIVE)
    assert new.routing == legacy.routing
    assert new.routing.requirement == RoutingRequirement.SERVICE_CODE
    assert new.address.city == legacy.address.city and new.address.country == "France"
    assert len(new.uuid) == 32 and new.updated_at.tzinfo is not None


def test_a_structure_is_named_by_uuid_siret_or_vat_number(supplier):
    by_siret = supplier.organisations.get_structure(SUPPLIER_SIRET)

    assert supplier.organisations.get_structure(by_siret.uuid) == by_siret
    assert supplier.organisations.get_structure(SUPPLIER_VAT) == by_siret


def test_services_match_the_structures_api(supplier):
    services = supplier.organisations.structure_services(COMMUNE_SIRET)
    legacy = list(supplier.structures.iter_services(COMMUNE_ID))

    assert {(s.code, s.state == ServiceState.ACTIF) for s in services} == {
        (s.code, s.active) for s in legacy}
    culture = next(s for s in services if s.code == "SERV_CULTURE")
    assert culture.commitment_required is True
    assert supplier.organisations.get_service(culture.uuid) == culture


def test_a_created_service_is_listed_by_the_structures_api(lycee):
    created = lycee.organisations.create_service(ServiceCreation(
        structure=LYCEE_SIRET, code="INTERNAT", label="Internat", description="Hébergement"))

    assert (created.code, created.state, created.description) == (
        "INTERNAT", ServiceState.ACTIF, "Hébergement")
    assert created.created_at is not None
    assert "INTERNAT" in {s.code for s in lycee.structures.iter_services(LYCEE_ID)}
    assert created in lycee.organisations.search_services(RegistryQuery(conditions=(
        Condition(ServiceField.STRUCTURE_UUID, created.structure_uuid),)))


def test_a_duplicate_service_code_is_a_rejection_with_its_reason(lycee):
    with pytest.raises(ChorusRejectedError) as caught:
        lycee.organisations.create_service(ServiceCreation(
            structure=LYCEE_SIRET, code="INTENDANCE", label="Bis"))

    assert (caught.value.reason, caught.value.http_status, caught.value.code) == (
        "AlreadyExistingReference", 400, None)
    assert "INTENDANCE" in caught.value.message


def test_edi_settings_are_updated_and_read_back(supplier):
    supplier.organisations.update_edi_settings(SUPPLIER_SIRET, sends_edi_flows=True)

    structure = supplier.organisations.get_structure(SUPPLIER_SIRET)
    assert (structure.sends_edi_flows, structure.receives_edi_lifecycle) == (True, False)
    assert supplier.structures.get_structure(26000001).edi_connection is True


def test_a_structure_the_account_may_not_modify_is_a_403_rejection(supplier, recorded):
    with pytest.raises(ChorusRejectedError) as caught:
        supplier.organisations.update_edi_settings(COMMUNE_SIRET, receives_edi_lifecycle=True)

    assert (caught.value.http_status, caught.value.reason) == (403, "Forbidden")
    patch = recorded.exchanges[-1]
    assert (patch.method, patch.http_status, patch.error_kind) == ("PATCH", 403, "rejected")
    assert json.loads(patch.request_body) == {"reception_edi": True}


def test_structure_searches_filter_sort_and_page(supplier):
    query = RegistryQuery(conditions=(Condition(StructureField.TYPE, OrganisationType.PUBLIC),
                                      Condition(StructureField.CITY, "on",
                                                Operator.CONTAINS)),
                          sort=(StructureField.IDENTIFIER,))
    found = supplier.organisations.search_structures(query)

    assert [s.address.city for s in found] == ["Lyon", "Dijon"]
    everything = list(supplier.organisations.iter_structures(page_size=2))
    assert len(everything) == 8 and len({s.uuid for s in everything}) == 8
    uuids = supplier.organisations.search_structure_uuids(query)
    assert uuids == [s.uuid for s in found]


def test_only_one_condition_per_field_can_travel(supplier):
    with pytest.raises(ValueError, match="one condition per field"):
        supplier.organisations.search_structures(RegistryQuery(conditions=(
            Condition(StructureField.CITY, "a"), Condition(StructureField.CITY, "b"))))


def test_a_legal_unit_its_structures_and_bank_details(supplier):
    unit = supplier.organisations.get_legal_unit("123456782")
    structures = supplier.organisations.legal_unit_structures(unit.uuid)
    accounts = supplier.organisations.legal_unit_bank_accounts(SUPPLIER_SIRET)

    assert unit.structure_uuids == [s.uuid for s in structures]
    assert [a.label for a in accounts] == ["Compte courant BNP", "Compte affacturage"]
    assert accounts == supplier.organisations.structure_bank_accounts(SUPPLIER_SIRET)
    rib = supplier.organisations.download_legal_unit_bank_document("123456782",
                                                                   accounts[0].document_uuid)
    assert rib.content.startswith(b"%PDF") and len(rib.content) == rib.size_bytes
    assert supplier.organisations.download_structure_bank_document(
        SUPPLIER_SIRET, accounts[0].document_uuid) == rib
    assert [u.siren for u in supplier.organisations.iter_legal_units(page_size=3)] == sorted(
        u.siren for u in supplier.organisations.search_legal_units())


def test_attachments_come_without_content_in_lists_and_with_it_alone(supplier):
    listed = supplier.organisations.structure_attachments(SUPPLIER_SIRET)
    one = supplier.organisations.get_structure_attachment(SUPPLIER_SIRET, listed[0].uuid)

    assert listed[0].content is None and one.content.startswith(b"%PDF")
    assert supplier.organisations.legal_unit_attachments("123456782") == listed
    assert supplier.organisations.get_legal_unit_attachment("123456782", listed[0].uuid) == one


def test_no_attachment_or_bank_detail_is_an_empty_list(supplier):
    assert supplier.organisations.structure_attachments(COMMUNE_SIRET) == []
    assert supplier.organisations.structure_bank_accounts(COMMUNE_SIRET) == []


def test_an_unknown_structure_is_still_a_rejection_in_lists(supplier):
    with pytest.raises(ChorusRejectedError) as caught:
        supplier.organisations.structure_attachments("99999999999999")

    assert caught.value.reason == "NotFoundReference"


def test_an_identifier_of_no_known_kind_is_rejected(supplier):
    with pytest.raises(ChorusRejectedError) as caught:
        supplier.organisations.structure_services("no_exist_uuid")

    assert caught.value.reason == "ParamsInvalidUuidStructures"
    assert "ni un UUID" in caught.value.message


def test_an_unknown_service_is_rejected_with_its_detail(supplier, recorded):
    with pytest.raises(ChorusRejectedError) as caught:
        supplier.organisations.get_service("not_exist_service")

    assert caught.value.detail.endswith("avec la référence not_exist_service")
    assert recorded.exchanges[-1].message == "Aucun Services trouvé"
    assert "NotFoundReference" in str(caught.value)


def test_a_wrong_technical_account_is_final_at_once(make_client, recorded):
    client = make_client(technical_password="wrong")

    with pytest.raises(ChorusAuthenticationError) as caught:
        client.organisations.health_check()

    assert caught.value.technical_account
    assert [(e.operation, e.attempt) for e in recorded.exchanges] == [
        ("oauth/token", 1), ("organisations/v1/healthcheck", 1)]


def test_an_expired_bearer_is_refreshed_once(supplier, emulator, recorded):
    emulator.add_fault("expired_token", operation="organisations/v1/healthcheck")

    assert supplier.organisations.health_check().ok

    assert [e.attempt for e in recorded.exchanges
            if e.operation == "organisations/v1/healthcheck"] == [1, 2]


def test_a_server_error_is_transient(supplier, emulator):
    emulator.add_fault("http_error", operation=f"organisations/v1/structures/{COMMUNE_SIRET}",
                       status=503)

    with pytest.raises(ChorusTransientError):
        supplier.organisations.get_structure(COMMUNE_SIRET)


def test_the_hook_sees_rib_downloads_redacted(supplier, recorded):
    [account, _] = supplier.organisations.structure_bank_accounts(SUPPLIER_SIRET)
    supplier.organisations.download_structure_bank_document(SUPPLIER_SIRET,
                                                            account.document_uuid)

    download = recorded.exchanges[-1]
    assert download.operation == (f"organisations/v1/structures/{SUPPLIER_SIRET}/"
                                  f"coordonnees_bancaires/{account.document_uuid}")
    assert json.loads(download.response_body)["attachmentData"].startswith("<redacted ")
    assert download.request_body is None and download.method == "GET"


# Strict parsing, offline --------------------------------------------------------------------
def test_a_structure_without_its_uuid_is_a_protocol_error():
    session = ScriptedSession(200, {"identifiant": "1", "typeOrganisation": "public",
                                    "status": "active"})
    with pytest.raises(ChorusProtocolError, match="uuid"):
        make(session).organisations.get_structure(COMMUNE_SIRET)


def test_an_unknown_organisation_type_is_a_protocol_error():
    session = ScriptedSession(200, {"uuid": "a" * 32, "identifiant": "1",
                                    "typeOrganisation": "mixte", "status": "active"})
    with pytest.raises(ChorusProtocolError, match="OrganisationType"):
        make(session).organisations.get_structure(COMMUNE_SIRET)


def test_a_list_answered_as_an_object_is_a_protocol_error():
    with pytest.raises(ChorusProtocolError, match="array"):
        make(ScriptedSession(200, {"uuid": "x"})).organisations.structure_services("x" * 32)


def test_an_empty_answer_where_an_object_is_due_is_a_protocol_error():
    with pytest.raises(ChorusProtocolError, match="without a body"):
        make(ScriptedSession(200, None)).organisations.get_service("a" * 32)


def test_a_403_without_the_api_error_body_is_an_authentication_error():
    # PISTE's own 403 (application not subscribed to the API) has no [{error, ...}] body.
    with pytest.raises(ChorusAuthenticationError):
        make(ScriptedSession(403, {"message": "not subscribed"})).organisations.get_structure(
            COMMUNE_SIRET)


def test_paging_stops_when_the_server_ignores_limit_and_offset():
    structure = {"uuid": "a" * 32, "identifiant": "1", "typeOrganisation": "public",
                 "status": "active"}
    session = ScriptedSession(200, [structure, {**structure, "uuid": "b" * 32}])

    assert len(list(make(session).organisations.iter_structures(page_size=2))) == 2
    assert len(list(make(session).organisations.iter_structures(page_size=1))) == 2


def test_an_empty_list_is_recognised_whatever_the_attachment_type_is_called():
    # The real API's type name for attachments is unknown; only a missing parent must raise.
    session = ScriptedSession(400, [{"error": "NotFoundReference",
                                     "message": "Aucun PieceJointeStructure trouvé",
                                     "detail": None}])

    assert make(session).organisations.structure_attachments(COMMUNE_SIRET) == []
