"""Helpers to call the emulator over real HTTP, as a given technical account."""

import base64
import itertools
from decimal import Decimal

import pytest
import requests

SUPPLIER = "12345678200010"  # Atelier Numérique, private supplier
SUPPLIER_ID = 26000001
OTHER_SUPPLIER = "44306184100013"
COMMUNE = "21750001600019"  # service code required
COMMUNE_ID = 25000001
DRFIP = "13000261100015"  # commitment required
UNIVERSITE = "18004100600016"  # service code or commitment
LYCEE = "19350936100013"  # no routing rule
LYCEE_ID = 25000004
DISSOLVED = "20005478100014"  # inactive
VALIDATOR = "11000201100010"

JSON = "application/json;charset=utf-8"
_numbers = itertools.count(1)


def account_header(login: str, password: str) -> str:
    return base64.b64encode(f"{login}:{password}".encode()).decode()


class Caller:
    """One technical account talking to the emulator like a real client would."""

    def __init__(self, emulator, siret: str, token: str):
        self.emulator = emulator
        self.siret = siret
        self.login, self.password = emulator.accounts[siret]
        self.token = token
        self.session = requests.Session()

    def headers(self, **overrides) -> dict:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "cpro-account": account_header(self.login, self.password),
            "Content-Type": JSON,
        }
        headers.update(overrides)
        return {k: v for k, v in headers.items() if v is not None}

    def post(self, operation: str, body: dict | None = None, **headers) -> requests.Response:
        return self.session.post(
            f"{self.emulator.api_base_url}/cpro/{operation}",
            json={} if body is None else body,
            headers=self.headers(**headers),
            timeout=30,
        )

    def rest(
        self, method: str, path: str, body=None, *, params=None, **headers
    ) -> requests.Response:
        """A resource of the REST APIs (Référentiel, Engagements): JSON body only when given."""
        headers = self.headers(**headers)
        if body is None:
            headers.pop("Content-Type", None)
        return self.session.request(
            method,
            f"{self.emulator.api_base_url}/cpro/{path}",
            json=body,
            params=params,
            headers=headers,
            timeout=30,
        )

    def rest_ok(self, method: str, path: str, body=None, **params):
        """The JSON answer of a REST resource, which must be a 200."""
        response = self.rest(method, path, body, params=params or None)
        assert response.status_code == 200, response.text
        return response.json()

    def call(self, operation: str, body: dict | None = None) -> dict:
        response = self.post(operation, body)
        assert response.status_code == 200, response.text
        return response.json()

    def ok(self, operation: str, body: dict | None = None) -> dict:
        payload = self.call(operation, body)
        assert payload["codeRetour"] == 0, payload
        return payload


def rest_error(response: requests.Response, status: int) -> dict:
    """The one ``{error, message, detail}`` of a REST API's refusal, once its status checked."""
    assert response.status_code == status, response.text
    [error] = response.json()
    return error


def fetch_token(emulator) -> str:
    response = requests.post(
        emulator.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": emulator.client_id,
            "client_secret": emulator.client_secret,
            "scope": "openid",
        },
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["access_token"]


@pytest.fixture(scope="session")
def session_token(chorus_emulator) -> str:
    # Tokens survive resets, so one token serves the whole session.
    return fetch_token(chorus_emulator)


@pytest.fixture
def as_account(emulator, session_token):
    def make(siret: str) -> Caller:
        return Caller(emulator, siret, session_token)

    return make


@pytest.fixture
def supplier(as_account) -> Caller:
    return as_account(SUPPLIER)


@pytest.fixture
def commune(as_account) -> Caller:
    return as_account(COMMUNE)


@pytest.fixture
def lycee(as_account) -> Caller:
    return as_account(LYCEE)


@pytest.fixture
def validator(as_account) -> Caller:
    return as_account(VALIDATOR)


def invoice_body(
    recipient: str = LYCEE,
    service: str | None = None,
    ej: str | None = None,
    number: str | None = None,
    **overrides,
) -> dict:
    """A consistent SAISIE_API invoice: 2 × 100 + 1 × 50 HT at 20 %."""
    body = {
        "modeDepot": "SAISIE_API",
        "numeroFactureSaisi": number or f"FA-TEST-{next(_numbers):05d}",
        "dateFacture": "2026-03-02",
        "destinataire": {"codeDestinataire": recipient, "codeServiceExecutant": service},
        "fournisseur": {
            "idFournisseur": SUPPLIER_ID,
            "codeCoordonneesBancairesFournisseur": 31000001,
        },
        "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
        "references": {
            "deviseFacture": "EUR",
            "typeFacture": "FACTURE",
            "typeTva": "TVA_SUR_DEBIT",
            "modePaiement": "VIREMENT",
            "numeroBonCommande": ej,
        },
        "lignePoste": [
            {
                "lignePosteNumero": 1,
                "lignePosteDenomination": "Développement",
                "lignePosteQuantite": 2,
                "lignePosteUnite": "C62",
                "lignePosteMontantUnitaireHT": 100,
                "lignePosteTauxTva": "TVA5",
            },
            {
                "lignePosteNumero": 2,
                "lignePosteDenomination": "Recette",
                "lignePosteQuantite": 1,
                "lignePosteUnite": "C62",
                "lignePosteMontantUnitaireHT": 50,
                "lignePosteTauxTva": "TVA5",
            },
        ],
        "ligneTva": [
            {
                "ligneTvaMontantBaseHtParTaux": 250,
                "ligneTvaMontantTvaParTaux": 50,
                "ligneTvaTaux": "TVA5",
            }
        ],
        "montantTotal": {
            "montantHtTotal": 250,
            "montantTVA": 50,
            "montantTtcTotal": 300,
            "montantAPayer": 300,
        },
    }
    body.update(overrides)
    return body


def submit(caller: Caller, **kwargs) -> dict:
    return caller.ok("factures/v1/soumettre", invoice_body(**kwargs))


def make_available(emulator, invoice_id: int) -> None:
    """Two clock steps: DEPOSEE → EN_COURS_ACHEMINEMENT → MISE_A_DISPOSITION (5 s each)."""
    emulator.advance(10)


def decimal(value) -> Decimal:
    return Decimal(str(value))
