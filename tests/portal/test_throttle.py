"""Login and password-reset throttling as users behind a reverse proxy meet it."""

from ipaddress import ip_network

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from portal.proxies import client_address
from structures.models import Membership

PROXY = "10.0.0.1"
LOCKED = "Trop de tentatives"


@pytest.fixture
def two_accounts(make_structure, make_user):
    company = make_structure()
    return (
        make_user((company, Membership.Role.SUPPLIER_AGENT), username="camille"),
        make_user((company, Membership.Role.SUPPLIER_AGENT), username="dominique"),
    )


def _login(client, username, password="correct horse 42", peer=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    response = client.post(reverse("login"), {"username": username, "password": password}, **extra)
    client.logout()
    return response


def test_failures_on_one_account_never_lock_another_behind_the_same_proxy(
    client, two_accounts, settings
):
    # The embedded default: no proxy trusted, every user arrives from the proxy's address.
    settings.TRUSTED_PROXIES = []
    for _ in range(settings.LOGIN_MAX_FAILURES + 1):
        _login(client, "camille", "wrong password")
    assert LOCKED in _login(client, "camille").text
    assert _login(client, "dominique").status_code == 302


def test_each_further_failure_locks_the_account_longer(client, two_accounts, settings, clock):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        assert LOCKED not in _login(client, "camille", "wrong password").text
    clock.advance(55)
    assert LOCKED in _login(client, "camille").text
    clock.advance(10)
    # The first lock (one minute) is over; one more failure locks for two minutes.
    assert LOCKED not in _login(client, "camille", "wrong password").text
    clock.advance(115)
    assert LOCKED in _login(client, "camille").text
    clock.advance(10)
    assert _login(client, "camille").status_code == 302


def test_the_lock_never_exceeds_the_longest_lockout(client, two_accounts, settings, clock):
    settings.LOGIN_MAX_FAILURES = 1
    settings.LOGIN_LOCKOUT_SECONDS = 300
    for _ in range(8):
        _login(client, "camille", "wrong password")
        clock.advance(301)
    assert _login(client, "camille").status_code == 302


def test_behind_a_trusted_proxy_the_address_ceiling_counts_the_real_client(
    client, two_accounts, make_user, settings
):
    settings.TRUSTED_PROXIES = [ip_network(PROXY)]
    settings.LOGIN_ADDRESS_MAX_FAILURES = 4
    sprayer, colleague = "203.0.113.5", "198.51.100.7"
    for name in ("a", "b", "c", "d"):
        _login(client, name, "Printemps2026", forwarded=sprayer)
    make_user(username="emilie")
    assert LOCKED in _login(client, "emilie", forwarded=sprayer).text
    # Everyone else comes through the same proxy and is not concerned.
    assert _login(client, "camille", forwarded=colleague).status_code == 302
    # A client cannot escape by writing its own X-Forwarded-For: the proxy appends the truth.
    assert LOCKED in _login(client, "emilie", forwarded=f"192.0.2.9, {sprayer}").text


def test_without_a_trusted_proxy_x_forwarded_for_is_not_believed(
    client, two_accounts, make_user, settings
):
    settings.TRUSTED_PROXIES = []
    settings.LOGIN_ADDRESS_MAX_FAILURES = 3
    for number, name in enumerate(("a", "b", "c")):
        _login(client, name, "guess", peer="203.0.113.5", forwarded=f"192.0.2.{number}")
    make_user(username="emilie")
    assert LOCKED in _login(client, "emilie", peer="203.0.113.5", forwarded="192.0.2.99").text


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.5", "", [], "203.0.113.5"),
        ("203.0.113.5", "192.0.2.1", [], "203.0.113.5"),
        ("10.0.0.1", "192.0.2.1", ["10.0.0.0/24"], "192.0.2.1"),
        # Two proxies of ours (a load balancer, then the web server's nginx).
        ("10.0.0.1", "198.51.100.7, 10.0.0.2", ["10.0.0.0/24"], "198.51.100.7"),
        ("10.0.0.1", "1.2.3.4, 198.51.100.7", ["10.0.0.0/24"], "198.51.100.7"),
        ("::1", "2001:db8::5", ["::1"], "2001:db8::5"),
        ("10.0.0.1", "not-an-address", ["10.0.0.0/24"], None),
    ],
)
def test_the_client_address_is_read_through_trusted_proxies_only(
    settings, peer, forwarded, trusted, expected
):
    settings.TRUSTED_PROXIES = [ip_network(value) for value in trusted]
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_behind_a_proxy_missing_from_the_trusted_list_no_address_is_counted(settings, caplog):
    # Production behind its TLS proxy, which the operator forgot to list.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = [ip_network("127.0.0.1")]
    request = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert client_address(request) is None
    assert "TRUSTED_PROXIES" in caplog.text


def _reset(client, email, peer=PROXY):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=peer)


def test_password_reset_requests_are_limited_per_account_in_neutral_french(
    client, two_accounts, settings
):
    settings.PASSWORD_RESET_MAX_PER_ACCOUNT = 3
    answers = [_reset(client, "camille@example.test", peer=f"192.0.2.{n}") for n in range(15)]
    assert len(mail.outbox) == 3
    assert [a.status_code for a in answers[:3]] == [302] * 3
    refused = answers[3]
    assert refused.status_code == 429
    assert "Trop de demandes de réinitialisation" in refused.text
    assert 'value="camille@example.test"' in refused.text
    # The same words whether an account uses the address or not.
    for n in range(4):
        unknown = _reset(client, "personne@example.test", peer=f"198.51.100.{n}")
    assert unknown.status_code == 429
    assert _message(unknown) == _message(refused)


def test_password_reset_requests_are_limited_per_client_address(client, two_accounts, settings):
    settings.PASSWORD_RESET_MAX_PER_ADDRESS = 4
    for n in range(4):
        assert _reset(client, f"someone{n}@example.test").status_code == 302
    assert _reset(client, "camille@example.test").status_code == 429
    assert mail.outbox == []
    assert _reset(client, "camille@example.test", peer="192.0.2.50").status_code == 302
    assert len(mail.outbox) == 1


def _message(response) -> str:
    text = response.text
    start = text.index('<div class="form-errors"')
    return text[start : text.index("</div>", start)]


def test_login_works_and_stays_throttled_while_redis_is_unreachable(
    client, two_accounts, settings, redis_unreachable, caplog
):
    settings.LOGIN_MAX_FAILURES = 3
    assert client.get(reverse("login")).status_code == 200
    client.post(reverse("login"), {"username": "dominique", "password": "correct horse 42"})
    # The page a supplier lands on keeps its summaries in the cache too.
    assert client.get(reverse("invoices:supplier_home")).status_code == 200
    client.logout()
    for _ in range(3):
        wrong = _login(client, "camille", "wrong password")
        assert wrong.status_code == 200 and "Saisissez un nom d’utilisateur" in wrong.text
    assert LOCKED in _login(client, "camille").text
    # Logged at the first refusal (the fixture's, as it happens).
    records = caplog.get_records("setup") + caplog.get_records("call")
    assert any("Redis is unreachable" in record.getMessage() for record in records)
