"""The Référentiel des Organisations and the Engagements API as a client nobody here wrote sees
them: bare ``requests``, paths, verbs, headers and JSON written from the public contract
(contract-works-and-new-apis §2 and §3.3), shapes asserted field by field. Much of it replays
what ZMOG-RO's PHPUnit tests asserted against the PISTE sandbox."""

import base64
import re
from datetime import datetime

import pytest
import requests

UUID = re.compile(r"^[0-9a-f]{32}$")
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$")
STRUCTURE_FIELDS = {
    # §2.2.1: field → JSON type(s); texts may be null when empty.
    "uuid": str,
    "identifiant": str,
    "typeIdentifiant": str,
    "libelleOrganisation": str,
    "raisonSociale": str,
    "nomStructure": (str, type(None)),
    "prenomStructure": (str, type(None)),
    "typeOrganisation": str,
    "status": str,
    "numeroTvaIntracommunautaire": (str, type(None)),
    "numeroRcsStructure": (str, type(None)),
    "categorieJuridique": (str, type(None)),
    "categorieEntreprise": (str, type(None)),
    "contactPrincipal": (str, type(None)),
    "organisationParent": (str, type(None)),
    "adresse": (str, type(None)),
    "complementAdresse1": (str, type(None)),
    "complementAdresse2": (str, type(None)),
    "codePostal": (str, type(None)),
    "ville": (str, type(None)),
    "pays": str,
    "adresseElectronique": (str, type(None)),
    "telephone": (str, type(None)),
    "codeServiceDoitEtreRenseigne": bool,
    "numeroEjDoitEtreRenseigne": bool,
    "gestionNumeroEJOuCodeService": bool,
    "statutMiseEnPaiementNestPasRemonte": bool,
    "avecMOA": bool,
    "estMOAUniquement": bool,
    "recevoirCyclesViesEdi": bool,
    "emetteurFluxEdi": bool,
    "nonDiffusibleInsee": bool,
    "estCentreGestionAgricole": bool,
    "numeroPacage": int,
    "categorieFournisseurMemoireId": int,
    "categorieBeneficiaireId": int,
    "structureOrigine": int,
    "derniereMaj": str,
}
SERVICE_FIELDS = {
    "uuid",
    "codeService",
    "libelle",
    "description",
    "rattachementOrganisation",
    "etatService",
    "numeroEj",
    "dateCreation",
    "dateDebutActivation",
    "dateFinActivation",
    "dateModification",
    "dateSuppression",
    "adresse",
    "complementAdresse1",
    "complementAdresse2",
    "codePostal",
    "ville",
    "pays",
    "telephone",
    "derniereMaj",
}
SERVICE_DATES = (
    "dateCreation",
    "dateDebutActivation",
    "dateFinActivation",
    "dateModification",
    "dateSuppression",
    "derniereMaj",
)


class ForeignClient:
    """Written from the contract alone: PISTE token, Bearer + cpro-account on every call."""

    def __init__(self, emulator, login: str, password: str):
        self.base = f"{emulator.api_base_url}/cpro"
        token = requests.post(
            emulator.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": emulator.client_id,
                "client_secret": emulator.client_secret,
                "scope": "openid",
            },
            timeout=10,
        )
        self.headers = {
            "Authorization": f"Bearer {token.json()['access_token']}",
            "cpro-account": base64.b64encode(f"{login}:{password}".encode()).decode(),
            "Accept": "application/json",
        }

    def __call__(self, method: str, path: str, body=None, **params) -> requests.Response:
        return requests.request(
            method, f"{self.base}{path}", json=body, params=params, headers=self.headers, timeout=10
        )


@pytest.fixture
def client(emulator):
    return ForeignClient(emulator, "TECH_1_12345678200010@cpro.fr", "Demo-Fournisseur-2026")


@pytest.fixture
def issuer(emulator):
    return ForeignClient(emulator, "TECH_1_13000261100015@cpro.fr", "Demo-Etat-2026")


def assert_date(value):
    assert value is None or ISO_WITH_OFFSET.match(value), value
    if value is not None:
        assert datetime.fromisoformat(value).tzinfo is not None


@pytest.mark.parametrize(
    ("login", "password"),
    [("bad_login", "Demo-Fournisseur-2026"), ("TECH_1_12345678200010@cpro.fr", "bad_password")],
)
def test_a_wrong_technical_account_is_refused_on_the_healthcheck(emulator, login, password):
    response = ForeignClient(emulator, login, password)("GET", "/organisations/v1/healthcheck")

    assert response.status_code == 401
    assert response.json() == {"ErrorCode": "401", "Description": "[invalid field]"}


def test_the_healthcheck_is_an_empty_200(client):
    response = client("GET", "/organisations/v1/healthcheck")

    assert (response.status_code, response.text) == (200, "")


def test_a_structure_has_every_documented_field_with_its_type(client):
    response = client("GET", "/organisations/v1/structures/21750001600019")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    structure = response.json()
    assert set(structure) == set(STRUCTURE_FIELDS)
    for name, kind in STRUCTURE_FIELDS.items():
        assert isinstance(structure[name], kind), name
    assert UUID.match(structure["uuid"])
    assert (
        structure["typeIdentifiant"],
        structure["typeOrganisation"],
        structure["status"],
        structure["pays"],
    ) == ("0", "public", "active", "France")
    assert structure["codeServiceDoitEtreRenseigne"] is True
    assert_date(structure["derniereMaj"])
    assert "codeRetour" not in structure


def test_the_services_of_a_structure_are_a_bare_array_of_services(client):
    uuid = client("GET", "/organisations/v1/structures/21750001600019").json()["uuid"]

    services = client("GET", f"/organisations/v1/structures/{uuid}/services").json()

    assert isinstance(services, list) and len(services) == 4
    for service in services:
        assert set(service) == SERVICE_FIELDS
        assert UUID.match(service["uuid"]) and service["rattachementOrganisation"] == uuid
        assert service["etatService"] in ("ACTIF", "INACTIF", "SUPPRIME")
        for name in SERVICE_DATES:
            assert_date(service[name])
    assert services[0]["dateCreation"] is None  # empty dates come back as null
    assert {s["codeService"] for s in services} >= {"FACTURES_PUBLIQUES"}


def test_an_identifier_that_is_no_uuid_siret_or_vat_number_is_refused(client):
    response = client("GET", "/organisations/v1/structures/no_exist_uuid/services")

    assert response.status_code == 400
    assert response.json()[0]["error"] == "ParamsInvalidUuidStructures"
    assert response.json()[0]["message"] == (
        "L'identifiant passé en paramètre n'est ni un UUID, ni un SIRET, ni un numéro de TVA "
        "Intracommunautaire."
    )


def test_an_unknown_service_answers_not_found_reference(client):
    response = client("GET", "/organisations/v1/services/not_exist_service")

    assert response.status_code == 400
    assert response.json() == [
        {
            "error": "NotFoundReference",
            "message": "Aucun Services trouvé",
            "detail": "Aucune donnée de type Services n'a pu être trouvée avec la référence "
            "not_exist_service",
        }
    ]


def test_a_structure_without_attachments_answers_not_found_reference(client):
    response = client("GET", "/organisations/v1/structures/21750001600019/pieces_jointes")

    assert response.status_code == 400
    assert response.json()[0]["error"] == "NotFoundReference"


def test_an_attachment_comes_with_its_base64_data(client):
    listed = client("GET", "/organisations/v1/structures/12345678200010/pieces_jointes").json()
    assert set(listed[0]) == {"uuid", "fileName", "contentType", "sizeBytes"}

    one = client(
        "GET", f"/organisations/v1/structures/12345678200010/pieces_jointes/{listed[0]['uuid']}"
    ).json()

    assert len(base64.b64decode(one["attachmentData"])) == one["sizeBytes"]


def test_edi_settings_are_patched_in_snake_case(client):
    forbidden = client("PATCH", "/organisations/v1/structures/21750001600019/parametres-edi", {})
    done = client(
        "PATCH",
        "/organisations/v1/structures/12345678200010/parametres-edi",
        {"reception_edi": True, "connexion_edi": True},
    )

    assert forbidden.status_code == 403
    assert (done.status_code, done.text) == (204, "")
    structure = client("GET", "/organisations/v1/structures/12345678200010").json()
    assert structure["recevoirCyclesViesEdi"] is structure["emetteurFluxEdi"] is True


def test_the_sandbox_searches_answer_bare_arrays(client):
    structures = client(
        "POST",
        "/organisations/v1/structures/recherche",
        {"pays": {"op": "=", "val": "France"}, "_sort": [], "_desc": [], "_fields": ["uuid"]},
    )
    assert structures.status_code == 200
    assert structures.json() and all(
        set(s) == {"uuid"} and UUID.match(s["uuid"]) for s in structures.json()
    )

    uuid = client("GET", "/organisations/v1/structures/21750001600019").json()["uuid"]
    services = client(
        "POST",
        "/organisations/v1/services/recherche",
        {
            "rattachementOrganisation": {"op": "=", "val": uuid},
            "_sort": [],
            "_desc": [],
            "_fields": ["uuid"],
        },
    )
    assert len(services.json()) == 4


def test_dates_in_filters_accept_the_sandbox_format(client):
    found = client(
        "POST",
        "/organisations/v1/structures/recherche",
        {"derniereMaj": {"op": "<", "val": "2026-01-31T10:00:00+0100"}, "_fields": ["uuid"]},
    )

    assert found.status_code == 200 and len(found.json()) == 8


def test_a_service_is_created_by_post_and_consulted_by_get(emulator):
    lycee = ForeignClient(emulator, "TECH_1_19350936100013@cpro.fr", "Demo-Lycee-2026")

    created = lycee(
        "POST",
        "/organisations/v1/services",
        {
            "rattachementOrganisation": "19350936100013",
            "codeService": "CDI",
            "libelle": "Centre de documentation",
        },
    )

    assert created.status_code == 201
    assert set(created.json()) == SERVICE_FIELDS
    assert lycee("GET", f"/organisations/v1/services/{created.json()['uuid']}").json() == (
        created.json()
    )


def test_a_siren_and_its_bank_details(client):
    unit = client("GET", "/organisations/v1/siren/123456782").json()
    banks = client("GET", "/organisations/v1/siren/123456782/coordonnees_bancaires").json()

    assert set(unit) == {"uuid", "siren", "raisonSociale", "structures"}
    assert all(
        set(bank) == {"uuid", "iban", "bic", "libelle", "titulaire", "statut", "uuidPieceJointe"}
        for bank in banks
    )
    rib = client(
        "GET",
        f"/organisations/v1/siren/123456782/coordonnees_bancaires/{banks[0]['uuidPieceJointe']}",
    ).json()
    assert base64.b64decode(rib["attachmentData"]).startswith(b"%PDF")


def test_the_engagements_api_follows_the_same_style(client, issuer):
    assert client("GET", "/engagements/v1/engagement/healthcheck").status_code == 200
    exists = client("GET", "/engagements/v1/engagement/referentiel/EJ-2026-0001/existence")
    assert exists.json() == {"numero": "EJ-2026-0001", "existe": True}

    found = client(
        "POST",
        "/engagements/v1/engagement/recherche",
        {"numero": {"op": "=", "val": "EJ-2026-0001"}},
    ).json()
    commitment = client("GET", f"/engagements/v1/engagement/{found[0]['id']}").json()
    assert commitment == found[0]
    assert {
        "id",
        "numero",
        "type",
        "etatCourant",
        "dateNotification",
        "montantTotalTtc",
        "devise",
        "emetteur",
        "recepteur",
        "lignesPoste",
        "demandesPaiement",
    } <= set(commitment)
    assert set(commitment["emetteur"]) >= {"siret", "codeService"}
    assert set(commitment["lignesPoste"][0]) >= {"numero", "montantTtc", "statut"}
    assert_date(commitment["dateNotification"])

    created = issuer(
        "POST",
        "/engagements/v1/engagement",
        {"numero": "EJ-FOREIGN-1", "montantTotalTtc": 500, "emetteur": {"siret": "13000261100015"}},
    )
    assert created.status_code == 201
    changed = issuer(
        "PUT", "/engagements/v1/engagement", {"id": created.json()["id"], "libelle": "Fournitures"}
    )
    assert changed.json()["libelle"] == "Fournitures"
    validated = issuer("POST", f"/engagements/v1/engagement/{created.json()['id']}/statuts/valider")
    assert validated.json()["etatCourant"] == "COMMANDE"
    assert [
        h["statut"]
        for h in issuer("GET", f"/engagements/v1/engagement/{created.json()['id']}/statuts").json()
    ] == ["COMMANDE", "A_TRAITER"]
    document = client("GET", "/engagements/v1/piece-jointe/", idEngagement=found[0]["id"])
    assert base64.b64decode(document.json()["attachmentData"]).startswith(b"%PDF")
