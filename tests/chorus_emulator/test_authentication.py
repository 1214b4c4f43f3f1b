import requests

from tests.chorus_emulator.conftest import LYCEE, SUPPLIER, account_header

BAD_ACCOUNT = (
    'Bearer realm="PISTE",error="Unauthorized",error_description="login or password incorrects"'
)


def test_it_answers_401_without_a_bearer_token(lycee):
    response = lycee.post("transverses/v1/recuperer/tauxtva", {}, Authorization=None)

    assert response.status_code == 401
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_it_answers_401_for_an_unknown_bearer_token(lycee):
    response = lycee.post(
        "transverses/v1/recuperer/tauxtva", {}, Authorization="Bearer not-a-token"
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_it_answers_401_with_the_piste_header_for_a_wrong_account_password(lycee):
    response = lycee.post(
        "transverses/v1/recuperer/tauxtva",
        {},
        **{"cpro-account": account_header(lycee.login, "wrong")},
    )

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == BAD_ACCOUNT


def test_it_answers_401_with_the_piste_header_without_cpro_account(lycee):
    response = lycee.post("transverses/v1/recuperer/tauxtva", {}, **{"cpro-account": None})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == BAD_ACCOUNT


def test_it_answers_401_once_the_technical_password_expired(emulator, supplier):
    # The supplier's password expires in ~20 days (fixture passwordExpiresInDays).
    assert supplier.post("transverses/v1/recuperer/tauxtva", {}).status_code == 200
    emulator.configure(tokenTtl=100 * 86400)
    from tests.chorus_emulator.conftest import fetch_token

    supplier.token = fetch_token(emulator)
    emulator.advance(21 * 86400)

    response = supplier.post("transverses/v1/recuperer/tauxtva", {})

    assert response.status_code == 401
    assert "password expired" in response.headers["WWW-Authenticate"]


def test_it_answers_400_with_an_envelope_for_malformed_json(lycee):
    response = lycee.session.post(
        f"{lycee.emulator.api_base_url}/cpro/transverses/v1/recuperer/tauxtva",
        data=b"{not json",
        headers=lycee.headers(),
        timeout=10,
    )

    assert response.status_code == 400
    assert response.json()["codeRetour"] != 0
    assert "JSON" in response.json()["libelle"]


def test_it_answers_415_without_a_json_content_type(lycee):
    response = lycee.session.post(
        f"{lycee.emulator.api_base_url}/cpro/transverses/v1/recuperer/tauxtva",
        data=b"{}",
        headers=lycee.headers(**{"Content-Type": "text/plain"}),
        timeout=10,
    )

    assert response.status_code == 415


def test_it_tolerates_unknown_request_fields(lycee):
    payload = lycee.ok("transverses/v1/recuperer/tauxtva", {"codeLangue": "FR", "zzz": [1, 2]})

    assert payload["listeTauxTva"][0]["codeTauxTva"] == "TVA1"


def test_health_check_is_a_get_without_body(lycee):
    response = requests.get(
        f"{lycee.emulator.api_base_url}/cpro/transverses/v1/health-check",
        headers={"Authorization": f"Bearer {lycee.token}"},
        timeout=10,
    )

    assert response.status_code == 200
    assert response.json()["statusCode"] == "200"


def test_the_admin_health_endpoint_answers_200(emulator):
    assert requests.get(f"{emulator.base_url}/_emulator/health", timeout=10).status_code == 200


def test_every_seeded_account_can_authenticate(as_account, emulator):
    for siret in (SUPPLIER, LYCEE, *emulator.accounts):
        assert (
            as_account(siret).post("transverses/v1/recuperer/modereglements", {}).status_code == 200
        )
