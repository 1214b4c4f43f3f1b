"""Support staff read API keys (never their hash) and calls in the back-office."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from api.models import ApiCall, ApiKey


def test_support_reads_keys_and_calls_without_the_hash(client, api):
    api.get("me")
    api_key = ApiKey.objects.get()
    client.force_login(get_user_model().objects.get(username="support"))
    keys = client.get(reverse("admin:api_apikey_changelist"))
    assert keys.status_code == 200 and api_key.prefix in keys.text
    detail = client.get(reverse("admin:api_apikey_change", args=[api_key.pk]))
    assert detail.status_code == 200 and api_key.key_hash not in detail.text
    calls = client.get(reverse("admin:api_apicall_changelist"))
    assert calls.status_code == 200 and "/api/v1/me" in calls.text
    assert ApiCall.objects.count() == 1
