"""The structure manager's page of API keys: a key made (shown once, kept hashed), revoked,
with its last use and the calls made; nobody else reaches it."""

import re

from django.urls import reverse

from api.models import ApiKey
from structures.models import Membership
from tests.api.helpers import ApiClient


def _manager_client(client, django_user_model, structure):
    user = django_user_model.objects.filter(
        memberships__structure=structure, memberships__role=Membership.Role.STRUCTURE_MANAGER
    ).first()
    client.force_login(user)
    return client


def test_a_manager_makes_a_key_shown_once_then_only_its_prefix(client, django_user_model, atelier):
    manager = _manager_client(client, django_user_model, atelier)
    url = reverse("api_keys:list", args=[atelier.pk])
    response = manager.post(
        url, {"name": "Logiciel de facturation", "scope": "send", "role": "supplier_agent"}
    )
    assert response.status_code == 200
    secret = re.search(r"data-api-key>(cpk_[^<]+)<", response.text).group(1)
    api_key = ApiKey.objects.get(structure=atelier)
    assert api_key.key_hash != secret and secret not in api_key.key_hash
    assert response["Cache-Control"].startswith("max-age=0")
    again = manager.get(url)
    assert secret not in again.text and api_key.prefix in again.text
    # The key works, and its call shows on the page.
    assert ApiClient(client, secret).get("me").status_code == 200
    manager.force_login(api_key.created_by)
    page = manager.get(url).text
    assert "/api/v1/me" in page


def test_the_page_is_in_french_and_linked_from_the_structure(client, django_user_model, atelier):
    manager = _manager_client(client, django_user_model, atelier)
    detail = manager.get(reverse("structures:detail", args=[atelier.pk])).text
    assert reverse("api_keys:list", args=[atelier.pk]) in detail
    page = manager.get(reverse("api_keys:list", args=[atelier.pk])).text
    assert '<html lang="fr">' in page
    # French once the lead compiles locale/pending/api.json into the catalogue.
    assert "Clés d’API" in page or "API keys" in page


def test_a_private_company_s_key_can_only_act_as_supplier(client, django_user_model, atelier):
    manager = _manager_client(client, django_user_model, atelier)
    response = manager.post(
        reverse("api_keys:list", args=[atelier.pk]),
        {"name": "x", "scope": "read", "role": "recipient_agent"},
    )
    assert response.status_code == 200
    assert not ApiKey.objects.exists()


def test_revoking_stops_the_key_at_once(client, django_user_model, atelier, make_key):
    secret = make_key(atelier)
    api_key = ApiKey.objects.get()
    manager = _manager_client(client, django_user_model, atelier)
    response = manager.post(reverse("api_keys:revoke", args=[atelier.pk, api_key.pk]))
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert ApiClient(client, secret).get("me").status_code == 401


def test_an_agent_or_another_structure_s_manager_gets_a_404(
    client, django_user_model, make_user, atelier, other_supplier, make_key
):
    make_key(atelier)
    api_key = ApiKey.objects.get()
    agent = make_user((atelier, Membership.Role.SUPPLIER_AGENT))
    client.force_login(agent)
    assert client.get(reverse("api_keys:list", args=[atelier.pk])).status_code == 404
    _manager_client(client, django_user_model, other_supplier)
    assert client.get(reverse("api_keys:list", args=[atelier.pk])).status_code == 404
    revoke = client.post(reverse("api_keys:revoke", args=[atelier.pk, api_key.pk]))
    assert revoke.status_code == 404
    other_url = reverse("api_keys:revoke", args=[other_supplier.pk, api_key.pk])
    assert client.post(other_url).status_code == 404
    api_key.refresh_from_db()
    assert api_key.revoked_at is None
