import re

import pytest
from django.core import mail
from django.urls import reverse

from structures.models import Membership, Structure

ROLE = Membership.Role


@pytest.fixture
def supplier_user(make_structure, make_user):
    return make_user((make_structure(), ROLE.SUPPLIER_AGENT), username="camille")


def _login(client, username, password="correct horse 42", address="127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.mark.parametrize(
    ("role", "kind", "landing"),
    [
        (ROLE.SUPPLIER_AGENT, Structure.Kind.PRIVATE, "invoices:supplier_home"),
        (ROLE.RECIPIENT_AGENT, Structure.Kind.PUBLIC, "invoices:recipient_inbox"),
        (ROLE.VALIDATOR, Structure.Kind.PUBLIC, "invoices:validator_queue"),
        # Managers set up their second factor first: tests/accounts/test_two_factor.py.
    ],
)
def test_after_login_each_user_lands_in_the_space_of_their_role(
    client, make_structure, make_user, role, kind, landing
):
    make_user((make_structure(kind=kind), role), username="someone")
    response = _login(client, "someone")
    assert response.status_code == 302
    home = client.get(response.url)
    assert home.status_code == 302 and home.url == reverse(landing)
    assert client.get(home.url).status_code == 200


def test_a_wrong_password_is_refused_in_french_and_keeps_the_username(client, supplier_user):
    response = _login(client, "camille", "wrong password")
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.text
    assert 'value="camille"' in response.text


def test_too_many_failures_lock_the_account_even_with_the_right_password(
    client, supplier_user, settings
):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        _login(client, "camille", "wrong password")
    response = _login(client, "camille")
    assert response.status_code == 200
    assert "Trop de tentatives" in response.text
    assert "_auth_user_id" not in client.session


def test_a_successful_login_resets_the_failure_count(client, supplier_user, settings):
    settings.LOGIN_MAX_FAILURES = 3
    _login(client, "camille", "wrong password", address="10.0.0.1")
    _login(client, "camille", "wrong password", address="10.0.0.1")
    assert _login(client, "camille", address="10.0.0.1").status_code == 302
    client.logout()
    # From another address, the user's own count starts again from zero.
    _login(client, "camille", "wrong password", address="10.0.0.2")
    _login(client, "camille", "wrong password", address="10.0.0.2")
    assert _login(client, "camille", address="10.0.0.2").status_code == 302


def test_pages_need_a_login(client):
    response = client.get(reverse("invoices:supplier_home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_logout_ends_the_session(client, supplier_user):
    _login(client, "camille")
    client.post(reverse("logout"))
    assert client.get(reverse("invoices:supplier_home")).status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(client, supplier_user):
    response = client.post(reverse("password_reset"), {"email": "camille@example.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Un nouveau mot 2026", "new_password2": "Un nouveau mot 2026"}
    )
    assert done.status_code == 302
    assert _login(client, "camille", "Un nouveau mot 2026").status_code == 302


def test_a_user_with_several_roles_can_switch_space(client, make_structure, make_user):
    company = make_structure()
    entity = make_structure(kind=Structure.Kind.PUBLIC)
    user = make_user((company, ROLE.SUPPLIER_AGENT), (entity, ROLE.VALIDATOR))
    client.force_login(user)
    assert client.get(reverse("home")).url == reverse("invoices:supplier_home")
    validator = user.memberships.get(role=ROLE.VALIDATOR)
    client.post(reverse("space_switch"), {"membership": validator.pk})
    assert client.get(reverse("home")).url == reverse("invoices:validator_queue")
    # The supplier pages now send the user back to their active space.
    assert client.get(reverse("invoices:supplier_home")).url == reverse("home")


def test_a_user_without_structure_is_told_what_to_do(client, make_user):
    client.force_login(make_user())
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "rattaché à aucune structure" in response.text


def test_responses_carry_a_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self' 'nonce-" in policy


def test_logging_in_with_empty_fields_says_what_is_missing(client, supplier_user):
    response = _login(client, "", password="")
    assert response.status_code == 200
    text = response.text
    assert text.count('role="alert">Ce champ est obligatoire.</p>') == 2
    assert 'aria-invalid="true"' in text
