"""The transport against the emulator: identification, error kinds, quotas, faults, timeouts."""

import socket
from datetime import date
from decimal import Decimal

import pytest

from facturation_pro_client import (
    FacturationProAuthenticationError,
    FacturationProClient,
    FacturationProConfig,
    FacturationProNotFoundError,
    FacturationProTransientError,
    NewSettlement,
    PaymentMode,
    RateLimit,
)
from tests.facturation_pro_client.conftest import ATELIER_FIRM, BUREAU_FIRM, DRFIP_LOT_1, USER_AGENT

SETTLEMENTS = "POST /firms/FIRM_ID/invoices/INVOICE_ID/settlements.json"


def test_it_identifies_itself_with_its_user_agent(client, fpro):
    client.account()

    assert fpro.calls()["accounts"]["demo-atelier-numerique"]["user_agents"] == [USER_AGENT]


@pytest.mark.parametrize("user_agent", [
    "PortailChorus", "PortailChorus (support)", "Portail Chorus (équipe@portail.fr)",
    "(support@portail.fr)"])
def test_a_user_agent_without_contact_or_with_accents_is_refused(user_agent):
    with pytest.raises(ValueError, match="User-Agent"):
        FacturationProConfig(api_id="a", api_key="k", user_agent=user_agent)


def test_a_user_agent_may_name_a_contact_page():
    FacturationProConfig(api_id="a", api_key="k",
                         user_agent="MonAppli (http://monappli.com/contact.php)")


def test_the_key_never_shows_in_the_config_repr():
    config = FacturationProConfig(api_id="a", api_key="s3cret-key", user_agent=USER_AGENT)

    assert "s3cret-key" not in repr(config)
    assert "s3cret-key" not in repr(FacturationProClient(config))


def test_a_wrong_key_is_an_authentication_error(make_client, recorded):
    client = make_client(api_key="not-the-key")

    with pytest.raises(FacturationProAuthenticationError) as caught:
        client.account()

    assert caught.value.http_status == 401
    assert "Identifiant ou clé API invalide" in str(caught.value)
    assert recorded.exchanges[-1].error_kind == "authentication"


def test_another_accounts_firm_is_not_found(make_client):
    client = make_client(BUREAU_FIRM, firm_id=ATELIER_FIRM)

    with pytest.raises(FacturationProNotFoundError):
        client.list_invoices()


def test_each_account_sees_only_its_own_firm_and_invoices(make_client):
    atelier, bureau = make_client(ATELIER_FIRM), make_client(BUREAU_FIRM)

    assert [firm.id for firm in bureau.account().firms] == [BUREAU_FIRM]
    assert {invoice.id for invoice in bureau.iter_invoices()} == {820101, 820102}
    assert not {invoice.id for invoice in atelier.iter_invoices()} & {820101, 820102}


def test_quota_headers_are_read_from_every_answer(client, recorded):
    client.account()
    client.account()

    assert client.rate_limit == RateLimit(limit=600, remaining=598)
    assert recorded.exchanges[-1].rate_limit == RateLimit(limit=600, remaining=598)


def test_past_the_quota_a_429_carries_the_delay_to_wait(client, fpro):
    """The caller's contract: wait ``retry_after`` seconds, then the same call goes through."""
    # An hour-long window: three calls in a row almost never straddle two windows.
    fpro.configure(per_window=2, window_seconds=3600)
    client.account()
    client.account()

    with pytest.raises(FacturationProTransientError) as caught:
        client.account()

    error = caught.value
    assert (error.reason, error.http_status, error.rate_limit) == (
        "rate_limited", 429, RateLimit(limit=2, remaining=0))
    assert 0 < error.retry_after <= 3600
    if error.retry_after > 2:  # the window still runs for more than a second
        fpro.advance(error.retry_after - 2)
        with pytest.raises(FacturationProTransientError):
            client.account()
        fpro.advance(2)
    else:
        fpro.advance(error.retry_after)
    assert client.account().id == 7301


def test_the_daily_quota_asks_to_wait_until_midnight(client, fpro):
    fpro.configure(per_day=1)
    client.account()

    with pytest.raises(FacturationProTransientError) as caught:
        client.account()

    assert caught.value.rate_limit.limit == 1
    assert 0 < caught.value.retry_after <= 86_400


def test_an_injected_429_gives_its_retry_after(client, fpro):
    fpro.add_fault("rate_limit", "GET /account.json", retry_after=7)

    with pytest.raises(FacturationProTransientError) as caught:
        client.account()

    assert (caught.value.reason, caught.value.retry_after) == ("rate_limited", 7.0)


def test_a_server_error_is_transient(client, fpro, recorded):
    fpro.add_fault("http_error", "/firms/FIRM_ID/invoices/ID.json", status=502)

    with pytest.raises(FacturationProTransientError) as caught:
        client.get_invoice(DRFIP_LOT_1)

    assert (caught.value.reason, caught.value.http_status) == ("server_error", 502)
    assert recorded.exchanges[-1].error_kind == "transient"
    assert client.get_invoice(DRFIP_LOT_1).id == DRFIP_LOT_1


def test_a_lost_answer_may_have_recorded_the_settlement(client, fpro):
    fpro.add_fault("drop_after_commit", SETTLEMENTS)
    payment = NewSettlement(amount=Decimal("100"), paid_on=date(2026, 11, 28),
                            payment_mode=PaymentMode.TRANSFER, payment_ref="CPP-1")

    with pytest.raises(FacturationProTransientError) as caught:
        client.create_settlement(DRFIP_LOT_1, payment)

    assert caught.value.may_have_been_processed
    # What the caller must do before sending it again: look for it.
    assert [s.payment_ref for s in client.list_settlements(DRFIP_LOT_1)] == ["CPP-1"]


def test_a_slow_answer_past_the_read_timeout_is_transient(make_client, fpro):
    client = make_client(read_timeout=0.2)
    fpro.add_fault("latency", "GET /account.json", delay_ms=600)

    with pytest.raises(FacturationProTransientError) as caught:
        client.account()

    assert caught.value.reason == "read_timeout" and caught.value.may_have_been_processed


def test_nobody_listening_is_a_connection_error(make_client):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = make_client(base_url=f"http://127.0.0.1:{port}")

    with pytest.raises(FacturationProTransientError) as caught:
        client.account()

    assert caught.value.reason == "connection_error"
    assert not caught.value.may_have_been_processed
