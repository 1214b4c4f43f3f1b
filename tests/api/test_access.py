"""Keys, scopes, rate limits and the record of calls; errors never leak a trace."""

import base64
from datetime import timedelta

from django.utils import timezone

from api.keys import api_key_revoke
from api.models import ApiCall, ApiKey
from invoices.models import Invoice
from tests.api.helpers import ApiClient, draft_body


def test_a_call_without_a_key_is_a_401_in_the_documented_format(client, atelier):
    response = ApiClient(client, None).get("invoices")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert list(response.json()["errors"]) == ["base"]


def test_an_unknown_key_is_refused(client, atelier, make_key):
    secret = make_key(atelier)
    forged = secret[:-4] + "AAAA"
    response = ApiClient(client, forged).get("invoices")
    assert response.status_code == 401
    assert "not known" in response.json()["errors"]["base"][0]


def test_a_revoked_key_is_refused_at_once_and_changes_nothing(client, atelier, make_key):
    secret = make_key(atelier)
    api_key = ApiKey.objects.get(structure=atelier)
    api_key_revoke(api_key=api_key, user=None)
    response = ApiClient(client, secret).post("invoices", draft_body())
    assert response.status_code == 401
    assert "revoked" in response.json()["errors"]["base"][0]
    assert not Invoice.objects.filter(number="API-0001").exists()


def test_an_expired_key_is_refused(client, atelier, make_key):
    secret = make_key(atelier, expires_at=timezone.now() - timedelta(minutes=1))
    response = ApiClient(client, secret).get("invoices")
    assert response.status_code == 401
    assert "expired" in response.json()["errors"]["base"][0]


def test_basic_authentication_with_the_key_as_password_works_too(client, atelier, make_key):
    secret = make_key(atelier)
    token = base64.b64encode(f"ignored:{secret}".encode()).decode()
    response = ApiClient(client, None).get("invoices", HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code == 200


def test_the_key_is_stored_hashed_and_its_last_use_recorded(client, atelier, make_key):
    secret = make_key(atelier)
    api_key = ApiKey.objects.get(structure=atelier)
    assert secret not in api_key.key_hash and api_key.prefix in secret
    assert api_key.last_used_at is None
    ApiClient(client, secret).get("me")
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_a_read_key_reads_but_cannot_write_or_send(client, atelier, make_key, api):
    created = api.post("invoices", draft_body()).json()
    reader = ApiClient(client, make_key(atelier, scope="read"))
    assert reader.get(f"invoices/{created['id']}").status_code == 200
    response = reader.post("invoices", draft_body(number="R-1"))
    assert response.status_code == 403
    assert "scope" in response.json()["errors"]["base"][0]
    assert reader.delete(f"invoices/{created['id']}").status_code == 403
    assert reader.post(f"invoices/{created['id']}/send").status_code == 403
    assert not Invoice.objects.filter(number="R-1").exists()


def test_a_write_key_drafts_but_cannot_send(client, atelier, make_key):
    writer = ApiClient(client, make_key(atelier, scope="write"))
    created = writer.post("invoices", draft_body())
    assert created.status_code == 201
    assert writer.post(f"invoices/{created.json()['id']}/send").status_code == 403
    assert Invoice.objects.get(pk=created.json()["id"]).status == "draft"


def test_a_recipient_key_cannot_draft_invoices(client, commune, make_key):
    recipient = ApiClient(client, make_key(commune, role=ApiKey.Role.RECIPIENT))
    response = recipient.post("invoices", draft_body())
    assert response.status_code == 403


def test_every_answer_carries_the_rate_limit_headers(api):
    response = api.get("me")
    assert response["X-RateLimit-Limit"] == "600"
    assert response["X-RateLimit-Remaining"] == "599"


def test_past_the_limit_the_key_gets_429_with_retry_after(api, settings, other_api):
    settings.API_RATE_LIMIT_5_MINUTES = 3
    for remaining in ("2", "1", "0"):
        assert api.get("me")["X-RateLimit-Remaining"] == remaining
    refused = api.get("me")
    assert refused.status_code == 429
    assert refused.json() == {"errors": {"base": ["Retry later."]}}
    assert 1 <= int(refused["Retry-After"]) <= 300
    # Nothing was done: a refused create leaves no draft.
    assert api.post("invoices", draft_body()).status_code == 429
    assert not Invoice.objects.filter(number="API-0001").exists()
    # Another key has its own count.
    assert other_api.get("me").status_code == 200


def test_the_daily_limit_counts_too(api, settings):
    settings.API_RATE_LIMIT_DAY = 2
    api.get("me")
    api.get("me")
    refused = api.get("me")
    assert refused.status_code == 429
    assert refused["X-RateLimit-Limit"] == "2"


def test_every_call_is_recorded_with_its_key_method_path_status_and_duration(api, atelier):
    api.get("invoices")
    api.get("invoices/999")
    calls = list(ApiCall.objects.order_by("at", "pk"))
    assert [(c.method, c.path, c.status) for c in calls] == [
        ("GET", "/api/v1/invoices", 200),
        ("GET", "/api/v1/invoices/999", 404),
    ]
    assert all(c.api_key.structure == atelier and c.duration_ms >= 0 for c in calls)


def test_an_unexpected_error_is_a_json_500_with_an_id_and_no_trace(api, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("secret detail of the database")

    monkeypatch.setattr("api.views.invoices.invoice_list_for_space", broken)
    response = api.get("invoices")
    assert response.status_code == 500
    data = response.json()
    assert "secret detail" not in response.text and "Traceback" not in response.text
    assert len(data["error_id"]) == 32
    assert ApiCall.objects.get(status=500).error_id == data["error_id"]


def test_an_unknown_address_under_the_api_is_a_json_404(api):
    response = api.get("factures")
    assert response.status_code == 404
    assert "errors" in response.json()


def test_a_method_the_address_does_not_answer_is_a_405_with_allow(api):
    response = api.delete("invoices")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"


def test_me_names_the_key_s_structure_scope_and_limits(api, atelier):
    data = api.get("me").json()
    assert data["structure"]["siret"] == atelier.siret
    assert data["scope"] == "send" and data["acts_as"] == "supplier"
    assert data["rate_limits"] == {"per_5_minutes": 600, "per_day": 10000}
