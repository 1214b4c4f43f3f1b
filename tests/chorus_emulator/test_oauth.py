import requests

from tests.chorus_emulator.conftest import JSON, LYCEE, account_header


def token_request(emulator, **fields):
    data = {
        "grant_type": "client_credentials",
        "client_id": emulator.client_id,
        "client_secret": emulator.client_secret,
        "scope": "openid",
    }
    data.update(fields)
    return requests.post(
        emulator.token_url, data={k: v for k, v in data.items() if v is not None}, timeout=10
    )


def test_it_issues_a_bearer_token_for_the_fixture_client(emulator):
    response = token_request(emulator)

    assert response.status_code == 200
    payload = response.json()
    assert payload["token_type"] == "Bearer"
    assert payload["expires_in"] == 3600
    assert payload["scope"] == "openid"
    assert len(payload["access_token"]) > 20


def test_it_issues_a_token_without_scope(emulator):
    assert token_request(emulator, scope=None).status_code == 200


def test_it_accepts_client_credentials_in_a_basic_header(emulator):
    response = requests.post(
        emulator.token_url,
        data={"grant_type": "client_credentials"},
        auth=(emulator.client_id, emulator.client_secret),
        timeout=10,
    )

    assert response.status_code == 200


def test_it_refuses_a_wrong_client_secret_as_invalid_client(emulator):
    response = token_request(emulator, client_secret="nope")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_it_refuses_an_unknown_grant_type(emulator):
    response = token_request(emulator, grant_type="password")

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_it_refuses_a_token_request_without_grant_type(emulator):
    response = token_request(emulator, grant_type=None)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_a_token_expires_after_its_ttl_on_the_emulated_clock(emulator):
    emulator.configure(tokenTtl=60)
    payload = token_request(emulator).json()
    login, password = emulator.accounts[LYCEE]
    headers = {
        "Authorization": f"Bearer {payload['access_token']}",
        "cpro-account": account_header(login, password),
        "Content-Type": JSON,
    }
    url = f"{emulator.api_base_url}/cpro/transverses/v1/recuperer/modereglements"

    assert payload["expires_in"] == 60
    assert requests.post(url, json={}, headers=headers, timeout=10).status_code == 200
    emulator.advance(61)
    expired = requests.post(url, json={}, headers=headers, timeout=10)

    assert expired.status_code == 401
    assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]
