"""OAuth2 client credentials: a key's prefix and secret give an access token that stands for
the key for an hour, and ends with it."""

import base64
from datetime import timedelta
from urllib.parse import urlencode

from django.utils import timezone

from api.keys import api_key_revoke
from api.models import ApiAccessToken, ApiKey
from tests.api.helpers import ApiClient

TOKEN_URL = "/api/v1/oauth/token"


def _token(client, secret, *, basic=False, **fields):
    prefix = secret.split("_")[1]
    data = {"grant_type": "client_credentials", **fields}
    extra = {}
    if basic:
        pair = base64.b64encode(f"{prefix}:{secret}".encode()).decode()
        extra["HTTP_AUTHORIZATION"] = f"Basic {pair}"
    else:
        data.setdefault("client_id", prefix)
        data.setdefault("client_secret", secret)
    return client.post(
        TOKEN_URL, urlencode(data), content_type="application/x-www-form-urlencoded", **extra
    )


def test_client_credentials_give_a_bearer_token_that_acts_as_the_key(client, atelier, make_key):
    secret = make_key(atelier, scope="read")
    response = _token(client, secret)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["token_type"] == "Bearer" and data["expires_in"] == 3600
    assert data["scope"] == "read"
    assert not ApiAccessToken.objects.filter(token_hash=data["access_token"]).exists()
    api = ApiClient(client, data["access_token"])
    assert api.get("me").json()["structure"]["siret"] == atelier.siret
    assert api.post("invoices", {}).status_code == 403  # the key's scope


def test_basic_client_authentication_works_too(client, atelier, make_key):
    response = _token(client, make_key(atelier), basic=True)
    assert response.status_code == 200


def test_wrong_credentials_are_invalid_client(client, atelier, make_key):
    secret = make_key(atelier)
    response = _token(client, secret, client_id="000000000000")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert not ApiAccessToken.objects.exists()


def test_another_grant_is_refused(client, atelier, make_key):
    response = _token(client, make_key(atelier), grant_type="password")
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_a_token_ends_with_its_hour_and_with_its_key(client, atelier, make_key):
    secret = make_key(atelier)
    token = _token(client, secret).json()["access_token"]
    api = ApiClient(client, token)
    ApiAccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api.get("me").status_code == 401
    token = _token(client, secret).json()["access_token"]
    api_key_revoke(api_key=ApiKey.objects.get(), user=None)
    response = ApiClient(client, token).get("me")
    assert response.status_code == 401
    assert "revoked" in response.json()["errors"]["base"][0]
