"""Référentiel des Organisations over HTTP: one world with the Structures API, identifiers,
services created and seen by both APIs, EDI settings, SIREN, bank details and attachments."""

import base64

import pytest

from chorus_emulator.pytest_plugin import EmulatorHandle, start_emulator, stop_emulator
from tests.chorus_emulator.conftest import (
    COMMUNE,
    COMMUNE_ID,
    DRFIP,
    LYCEE,
    OTHER_SUPPLIER,
    SUPPLIER,
    SUPPLIER_ID,
    Caller,
    fetch_token,
    invoice_body,
    rest_error,
)

BASE = "organisations/v1"


def get(caller, path, **params):
    return caller.rest_ok("GET", f"{BASE}/{path}", **params)


def uuid_of(caller, siret):
    return get(caller, f"structures/{siret}")["uuid"]


def test_a_structure_is_the_same_by_uuid_siret_and_vat_number(supplier):
    by_siret = get(supplier, f"structures/{SUPPLIER}")

    assert get(supplier, f"structures/{by_siret['uuid']}") == by_siret
    assert get(supplier, "structures/FR32123456782") == by_siret
    assert by_siret["identifiant"] == SUPPLIER and by_siret["typeIdentifiant"] == "0"


def test_uuids_are_the_ones_docs_emulator_world_lists(supplier):
    assert uuid_of(supplier, COMMUNE) == "de043d8cb2c755c18b0bfbecd4ebc589"
    assert get(supplier, "siren/123456782")["uuid"] == "18f12cea8c3d5f80a61aec23bb9cb04f"


def test_the_structures_api_and_the_referentiel_show_the_same_structure(supplier):
    legacy = supplier.ok("structures/v1/consulter", {"idStructureCPP": 25000002})
    info, params, address = (
        legacy["informationGenerales"],
        legacy["parametres"],
        legacy["adressePostaleDuSiege"],
    )

    new = get(supplier, f"structures/{DRFIP}")

    assert new["identifiant"] == info["identifiantStructure"]
    assert new["raisonSociale"] == info["raisonSocialeStructure"]
    assert new["libelleOrganisation"] == info["libelleStructure"]
    assert (new["typeOrganisation"], new["status"]) == ("public", "active")
    assert new["numeroEjDoitEtreRenseigne"] is params["numeroEJDoitEtreRenseigne"] is True
    assert new["codeServiceDoitEtreRenseigne"] is params["codeServiceDoitEtreRenseigne"]
    assert (new["adresse"], new["codePostal"], new["ville"]) == (
        address["adresse"],
        address["codePostal"],
        address["ville"],
    )
    assert new["pays"] == "France"


def test_another_accounts_private_structure_is_unknown_in_both_apis(supplier):
    error = rest_error(supplier.rest("GET", f"{BASE}/structures/{OTHER_SUPPLIER}"), 400)

    assert error["error"] == "NotFoundReference"
    assert (
        supplier.call("structures/v1/consulter", {"idStructureCPP": 26000002})["codeRetour"]
        == 20020
    )


def test_the_services_of_a_structure_match_the_structures_api(supplier):
    legacy = supplier.ok("structures/v1/rechercher/services", {"idStructure": COMMUNE_ID})
    commune_uuid = uuid_of(supplier, COMMUNE)

    services = get(supplier, f"structures/{commune_uuid}/services")

    assert {s["codeService"]: s["etatService"] for s in services} == {
        s["codeService"]: "ACTIF" if s["estActif"] else "INACTIF" for s in legacy["listeServices"]
    }
    culture = next(s for s in services if s["codeService"] == "SERV_CULTURE")
    assert culture["numeroEj"] is True
    assert culture["rattachementOrganisation"] == commune_uuid
    assert get(supplier, f"services/{culture['uuid']}") == culture


def test_a_service_created_in_the_referentiel_is_seen_by_the_structures_api(lycee, supplier):
    response = lycee.rest(
        "POST",
        f"{BASE}/services",
        {
            "rattachementOrganisation": LYCEE,
            "codeService": "CANTINE",
            "libelle": "Restauration scolaire",
            "numeroEj": True,
        },
    )

    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["codeService"], created["etatService"], created["numeroEj"]) == (
        "CANTINE",
        "ACTIF",
        True,
    )
    legacy = supplier.ok("structures/v1/rechercher/services", {"idStructure": 25000004})
    [listed] = [s for s in legacy["listeServices"] if s["codeService"] == "CANTINE"]
    assert (listed["libelleService"], listed["estActif"]) == ("Restauration scolaire", True)
    details = supplier.ok(
        "structures/v1/consulter/service",
        {"idStructure": 25000004, "idService": listed["idService"]},
    )
    assert details["parametres"]["numeroEngagement"] is True
    assert created in get(supplier, f"structures/{LYCEE}/services")
    # The new service routes invoices at once, with its commitment rule.
    refused = supplier.call("factures/v1/soumettre", invoice_body(LYCEE, "CANTINE"))
    assert refused["codeRetour"] == 20010


def test_creating_a_service_checks_code_rights_and_fields(lycee, supplier):
    duplicate = lycee.rest(
        "POST",
        f"{BASE}/services",
        {"rattachementOrganisation": LYCEE, "codeService": "INTENDANCE", "libelle": "Bis"},
    )
    assert rest_error(duplicate, 400)["error"] == "AlreadyExistingReference"

    foreign = supplier.rest(
        "POST",
        f"{BASE}/services",
        {"rattachementOrganisation": LYCEE, "codeService": "X", "libelle": "X"},
    )
    assert foreign.status_code == 403

    missing = lycee.rest("POST", f"{BASE}/services", {"rattachementOrganisation": LYCEE})
    assert rest_error(missing, 400)["error"] == "MissingParameter"


def test_edi_settings_change_in_both_apis(supplier):
    response = supplier.rest(
        "PATCH", f"{BASE}/structures/{SUPPLIER}/parametres-edi", {"reception_edi": True}
    )

    assert response.status_code == 204 and response.content == b""
    structure = get(supplier, f"structures/{SUPPLIER}")
    assert (structure["recevoirCyclesViesEdi"], structure["emetteurFluxEdi"]) == (True, False)
    legacy = supplier.ok("structures/v1/consulter", {"idStructureCPP": SUPPLIER_ID})
    assert legacy["parametres"]["recevoirDonneesViaEDI"] is True
    assert legacy["parametres"]["connexionEDI"] is False


def test_edi_settings_of_a_structure_the_account_may_not_modify_are_forbidden(supplier):
    response = supplier.rest(
        "PATCH", f"{BASE}/structures/{COMMUNE}/parametres-edi", {"reception_edi": True}
    )

    assert response.status_code == 403
    assert get(supplier, f"structures/{COMMUNE}")["recevoirCyclesViesEdi"] is False


def test_edi_settings_must_be_booleans(supplier):
    response = supplier.rest(
        "PATCH", f"{BASE}/structures/{SUPPLIER}/parametres-edi", {"connexion_edi": "oui"}
    )

    assert rest_error(response, 400)["error"] == "InvalidParameter"


def search(caller, resource, body):
    return caller.rest_ok("POST", f"{BASE}/{resource}/recherche", body)


def test_structure_searches_filter_sort_page_and_project(supplier):
    public = search(
        supplier,
        "structures",
        {"typeOrganisation": {"op": "=", "val": "public"}, "_sort": ["identifiant"], "_desc": []},
    )
    assert [s["identifiant"] for s in public] == sorted(s["identifiant"] for s in public)
    assert len(public) == 7

    lyons = search(
        supplier,
        "structures",
        {"ville": {"op": "CONTAINS", "val": "lyon"}, "_fields": ["identifiant"]},
    )
    assert lyons == [{"identifiant": DRFIP}, {"identifiant": SUPPLIER}]

    chosen = search(
        supplier,
        "structures",
        {
            "identifiant": {"op": "IN", "val": [COMMUNE, LYCEE]},
            "_sort": [],
            "_desc": ["identifiant"],
        },
    )
    assert [s["identifiant"] for s in chosen] == [COMMUNE, LYCEE]

    second = search(supplier, "structures", {"_sort": ["identifiant"], "_limit": 2, "_offset": 2})
    every = search(supplier, "structures", {"_sort": ["identifiant"]})
    assert second == every[2:4]


def test_a_search_on_an_unknown_field_or_operator_is_a_400(supplier):
    unknown = supplier.rest(
        "POST", f"{BASE}/structures/recherche", {"couleur": {"op": "=", "val": "bleu"}}
    )
    wrong_op = supplier.rest(
        "POST", f"{BASE}/structures/recherche", {"ville": {"op": "LIKE", "val": "Lyon"}}
    )

    assert rest_error(unknown, 400)["error"] == "InvalidParameter"
    assert rest_error(wrong_op, 400)["error"] == "InvalidParameter"


def test_service_searches_find_the_services_of_a_structure(supplier):
    commune_uuid = uuid_of(supplier, COMMUNE)

    active = search(
        supplier,
        "services",
        {
            "rattachementOrganisation": {"op": "=", "val": commune_uuid},
            "etatService": {"op": "=", "val": "ACTIF"},
            "_sort": ["codeService"],
        },
    )

    assert [s["codeService"] for s in active] == ["FACTURES_PUBLIQUES", "SERV_CULTURE", "SERV_TECH"]


def test_a_legal_unit_is_found_by_siren_siret_and_uuid(supplier):
    unit = get(supplier, "siren/123456782")

    assert unit["siren"] == "123456782"
    assert unit["structures"] == [uuid_of(supplier, SUPPLIER)]
    assert get(supplier, f"siren/{unit['uuid']}") == unit == get(supplier, f"siren/{SUPPLIER}")
    assert get(supplier, "siren/123456782/structures") == [get(supplier, f"structures/{SUPPLIER}")]
    assert (
        search(supplier, "siren", {"siren": {"op": "=", "val": "217500016"}})[0]["raisonSociale"]
        == "Commune de Villeneuve"
    )


def test_a_foreign_structure_has_no_legal_unit(as_account):
    werkstatt = as_account("DE811569869")

    assert get(werkstatt, "structures/DE811569869")["typeIdentifiant"] == "1"
    assert (
        rest_error(werkstatt.rest("GET", f"{BASE}/siren/DE811569869"), 400)["error"]
        == "NotFoundReference"
    )


def test_bank_details_and_their_rib_documents(supplier):
    accounts = get(supplier, f"structures/{SUPPLIER}/coordonnees_bancaires")
    assert [(a["iban"], a["libelle"]) for a in accounts] == [
        ("FR7630004000031234567890143", "Compte courant BNP"),
        ("FR7611315000011234567890138", "Compte affacturage"),
    ]
    assert get(supplier, "siren/123456782/coordonnees_bancaires") == accounts

    rib = get(
        supplier, f"structures/{SUPPLIER}/coordonnees_bancaires/{accounts[0]['uuidPieceJointe']}"
    )
    content = base64.b64decode(rib["attachmentData"])
    assert content.startswith(b"%PDF") and len(content) == rib["sizeBytes"]
    assert (
        get(supplier, f"siren/123456782/coordonnees_bancaires/{accounts[0]['uuidPieceJointe']}")
        == rib
    )


def test_attachments_are_listed_without_content_and_fetched_with_it(supplier):
    listed = get(supplier, f"structures/{SUPPLIER}/pieces_jointes")
    assert all("attachmentData" not in item for item in listed)

    one = get(supplier, f"structures/{SUPPLIER}/pieces_jointes/{listed[0]['uuid']}")

    assert {**one, "attachmentData": None} == {**listed[0], "attachmentData": None}
    assert len(base64.b64decode(one["attachmentData"])) == one["sizeBytes"]
    assert get(supplier, "siren/123456782/pieces_jointes") == listed
    missing = supplier.rest("GET", f"{BASE}/structures/{SUPPLIER}/pieces_jointes/{'0' * 32}")
    assert rest_error(missing, 400)["error"] == "NotFoundReference"


def test_a_structure_without_attachments_or_bank_details_answers_not_found(supplier):
    for resource in ("pieces_jointes", "coordonnees_bancaires"):
        response = supplier.rest("GET", f"{BASE}/structures/{COMMUNE}/{resource}")
        assert rest_error(response, 400)["error"] == "NotFoundReference"


@pytest.mark.parametrize(
    ("method", "path", "status", "error"),
    [
        ("DELETE", "structures/12345678200010", 405, "MethodNotAllowed"),
        ("GET", "structures/12345678200010/inconnu", 404, "UnknownResource"),
        ("GET", "structures/pas-un-identifiant", 400, "ParamsInvalidUuidStructures"),
        ("GET", "structures/99999999999999", 400, "NotFoundReference"),
    ],
)
def test_wrong_paths_and_verbs_answer_rest_errors(supplier, method, path, status, error):
    assert rest_error(supplier.rest(method, f"{BASE}/{path}"), status)["error"] == error


def test_bodies_must_be_json(supplier):
    url = f"{supplier.emulator.api_base_url}/cpro/{BASE}/structures/recherche"
    wrong_type = supplier.session.post(
        url,
        data="x=1",
        headers=supplier.headers(**{"Content-Type": "application/x-www-form-urlencoded"}),
        timeout=10,
    )
    malformed = supplier.session.post(url, data="{", headers=supplier.headers(), timeout=10)

    assert rest_error(wrong_type, 415)["error"] == "UnsupportedMediaType"
    assert rest_error(malformed, 400)["error"] == "InvalidBody"


def test_the_gateway_checks_the_bearer_first(supplier):
    response = supplier.rest("GET", f"{BASE}/structures/{SUPPLIER}", Authorization=None)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_an_expired_technical_password_is_a_401_with_the_rest_body(emulator, supplier):
    emulator.configure(tokenTtl=100 * 86400)
    supplier.token = fetch_token(emulator)
    emulator.advance(21 * 86400)

    response = supplier.rest("GET", f"{BASE}/healthcheck")

    assert response.status_code == 401
    assert response.json() == {"ErrorCode": "401", "Description": "[invalid field]"}
    assert "expired" in response.headers["WWW-Authenticate"]


def test_faults_apply_to_rest_resources_by_their_path(emulator, supplier):
    emulator.add_fault("http_error", operation=f"{BASE}/structures/{COMMUNE}", status=503)
    emulator.add_fault("business_error", operation=f"{BASE}/healthcheck", libelle="Refus")

    assert supplier.rest("GET", f"{BASE}/structures/{COMMUNE}").status_code == 503
    assert rest_error(supplier.rest("GET", f"{BASE}/healthcheck"), 400)["message"] == "Refus"
    assert emulator.calls()["operations"][f"{BASE}/structures/{COMMUNE}"] == 1


@pytest.mark.slow
def test_what_the_new_apis_change_survives_a_restart(tmp_path, chorus_emulator):
    def lycee_of(base_url):
        handle = EmulatorHandle(
            base_url,
            chorus_emulator.client_id,
            chorus_emulator.client_secret,
            chorus_emulator.accounts,
        )
        return Caller(handle, LYCEE, fetch_token(handle))

    process, base_url = start_emulator(tmp_path)
    try:
        lycee = lycee_of(base_url)
        assert (
            lycee.rest(
                "POST",
                f"{BASE}/services",
                {"rattachementOrganisation": LYCEE, "codeService": "GARDE", "libelle": "Garderie"},
            ).status_code
            == 201
        )
        assert (
            lycee.rest(
                "PATCH", f"{BASE}/structures/{LYCEE}/parametres-edi", {"connexion_edi": True}
            ).status_code
            == 204
        )
        assert (
            lycee.rest(
                "POST",
                "engagements/v1/engagement",
                {"numero": "EJ-LYCEE-1", "montantTotalTtc": 100, "emetteur": {"siret": LYCEE}},
            ).status_code
            == 201
        )
    finally:
        stop_emulator(process)

    process, base_url = start_emulator(tmp_path)
    try:
        lycee = lycee_of(base_url)
        assert "GARDE" in {s["codeService"] for s in get(lycee, f"structures/{LYCEE}/services")}
        assert get(lycee, f"structures/{LYCEE}")["emetteurFluxEdi"] is True
        assert (
            lycee.rest("GET", "engagements/v1/engagement/referentiel/EJ-LYCEE-1/existence").json()[
                "existe"
            ]
            is True
        )
    finally:
        stop_emulator(process)
