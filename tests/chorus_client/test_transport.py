"""The transport against the emulator: tokens, 401 handling, faults mapped to error kinds."""

import pytest

from chorus_client import (
    ChorusAuthenticationError,
    ChorusClient,
    ChorusConfig,
    ChorusRejectedError,
    ChorusTransientError,
    PaymentMode,
    SupplierInvoiceSearch,
)
from chorus_client.transport import Transport

from .conftest import SUPPLIER_SIRET, account_of, pdf_submission

TOKEN = "oauth/token"
MODES = "transverses/v1/recuperer/modereglements"


def token_exchanges(recorded):
    return [e for e in recorded.exchanges if e.operation == TOKEN]


def test_it_fetches_one_token_and_reuses_it(supplier, recorded):
    for _ in range(3):
        assert PaymentMode.VIREMENT in supplier.transverses.payment_modes()
    assert len(token_exchanges(recorded)) == 1
    assert [e.operation for e in recorded.exchanges].count(MODES) == 3
    assert all(e.error_kind is None for e in recorded.exchanges)


def test_it_renews_the_token_shortly_before_it_expires(emulator, recorded):
    now = [1000.0]
    login, password = account_of(emulator, SUPPLIER_SIRET)
    config = ChorusConfig(token_url=emulator.token_url, api_base_url=emulator.api_base_url,
                          client_id=emulator.client_id, client_secret=emulator.client_secret,
                          technical_login=login, technical_password=password)
    transport = Transport(config, hook=recorded.exchanges.append, clock=lambda: now[0])
    try:
        first = transport.token()
        now[0] += 3600 - 61  # PISTE tokens live 3600 s; the margin is 60 s
        assert transport.token() == first
        now[0] += 2
        second = transport.token()
    finally:
        transport.close()
    assert second != first
    assert len(token_exchanges(recorded)) == 2


def test_it_retries_once_after_an_expired_token(supplier, emulator, recorded):
    supplier.transverses.payment_modes()
    emulator.add_fault("expired_token", operation=MODES)

    assert supplier.transverses.payment_modes()

    assert recorded.operations()[2:] == [(MODES, 1, 401), (TOKEN, 2, 200), (MODES, 2, 200)]
    assert recorded.exchanges[2].error_kind == "authentication"


def test_it_gets_a_new_token_when_the_emulator_clock_expires_it(supplier, emulator, recorded):
    supplier.transverses.payment_modes()
    emulator.advance(3700)

    assert supplier.transverses.payment_modes()

    assert len(token_exchanges(recorded)) == 2
    assert [e.http_status for e in recorded.exchanges if e.operation == MODES] == [200, 401, 200]


def test_a_persistent_401_raises_the_authentication_error_with_its_explanation(
        supplier, emulator, recorded):
    emulator.add_fault("expired_token", operation=MODES, count=5)

    with pytest.raises(ChorusAuthenticationError) as caught:
        supplier.transverses.payment_modes()

    assert caught.value.www_authenticate
    assert caught.value.www_authenticate in str(caught.value)
    assert not caught.value.technical_account
    # exactly one refresh and one retry
    assert [(e.operation, e.attempt) for e in recorded.exchanges] == [
        (TOKEN, 1), (MODES, 1), (TOKEN, 2), (MODES, 2)]


def test_a_refused_technical_account_is_not_retried(make_client, recorded):
    client = make_client(technical_password="not-the-password")

    with pytest.raises(ChorusAuthenticationError) as caught:
        client.transverses.payment_modes()

    assert caught.value.technical_account
    assert "login or password incorrects" in str(caught.value)
    assert [e.operation for e in recorded.exchanges] == [TOKEN, MODES]
    assert "not-the-password" not in str(caught.value) + recorded.text()


def test_the_account_unauthorized_fault_is_an_authentication_error_without_retry(
        supplier, emulator, recorded):
    emulator.add_fault("account_unauthorized", operation=MODES)

    with pytest.raises(ChorusAuthenticationError) as caught:
        supplier.transverses.payment_modes()

    assert caught.value.technical_account
    assert caught.value.http_status == 401
    assert [e.operation for e in recorded.exchanges] == [TOKEN, MODES]


def test_a_refused_client_secret_raises_an_authentication_error(make_client, recorded):
    client = make_client(client_secret="wrong-secret-123")

    with pytest.raises(ChorusAuthenticationError) as caught:
        client.transverses.payment_modes()

    assert caught.value.operation == TOKEN
    assert "wrong-secret-123" not in repr(caught.value) + str(caught.value) + recorded.text()
    assert [e.operation for e in recorded.exchanges] == [TOKEN]


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_transient(supplier, emulator, status):
    emulator.add_fault("http_error", operation=MODES, status=status)

    with pytest.raises(ChorusTransientError) as caught:
        supplier.transverses.payment_modes()

    assert caught.value.http_status == status
    assert caught.value.reason == "server_error"
    assert not caught.value.may_have_been_processed
    assert supplier.transverses.payment_modes()  # the fault was a one-off


def test_a_429_is_transient_with_the_retry_after_delay(supplier, emulator, recorded):
    emulator.add_fault("rate_limit", operation=MODES, retry_after=7)

    with pytest.raises(ChorusTransientError) as caught:
        supplier.transverses.payment_modes()

    assert caught.value.reason == "rate_limited"
    assert caught.value.retry_after == 7
    assert recorded.exchanges[-1].http_status == 429
    assert recorded.exchanges[-1].error_kind == "transient"


def test_latency_beyond_the_read_timeout_is_a_transient_timeout(make_client, emulator,
                                                                 recorded):
    client = make_client(read_timeout=0.2)
    emulator.add_fault("latency", operation=MODES, delay_ms=600)

    with pytest.raises(ChorusTransientError) as caught:
        client.transverses.payment_modes()

    assert caught.value.reason == "read_timeout"
    assert caught.value.may_have_been_processed
    assert recorded.exchanges[-1].http_status is None


def test_latency_within_the_read_timeout_is_only_slow(supplier, emulator, recorded):
    emulator.add_fault("latency", operation=MODES, delay_ms=150)

    assert supplier.transverses.payment_modes()
    assert recorded.exchanges[-1].duration_ms >= 150


def test_a_dropped_connection_after_commit_is_transient_and_the_invoice_exists(
        supplier, emulator, recorded):
    invoice = pdf_submission(supplier)
    emulator.add_fault("drop_after_commit", operation="factures/v1/soumettre")

    with pytest.raises(ChorusTransientError) as caught:
        supplier.supplier.submit(invoice)

    assert caught.value.reason == "connection_dropped"
    assert caught.value.may_have_been_processed
    assert recorded.exchanges[-1].http_status is None
    # What the docstring tells the caller to do before retrying: look the invoice up.
    found = supplier.supplier.search(SupplierInvoiceSearch(invoice_number=invoice.invoice_number))
    assert [item.invoice_number for item in found.items] == [invoice.invoice_number]


def test_a_business_error_is_a_rejection_with_code_and_message(supplier, emulator, recorded):
    emulator.add_fault("business_error", operation=MODES, code_retour=20042,
                       libelle="Erreur métier de test")

    with pytest.raises(ChorusRejectedError) as caught:
        supplier.transverses.payment_modes()

    assert caught.value.code == 20042
    assert caught.value.message == "Erreur métier de test"
    assert caught.value.operation == MODES
    last = recorded.exchanges[-1]
    assert (last.http_status, last.return_code, last.message, last.error_kind) == (
        200, 20042, "Erreur métier de test", "rejected")


def test_an_unreachable_server_is_a_transient_connection_error(emulator, recorded):
    login, password = account_of(emulator, SUPPLIER_SIRET)
    config = ChorusConfig(token_url="http://127.0.0.1:9/api/oauth/token",
                          api_base_url="http://127.0.0.1:9", client_id="x", client_secret="y",
                          technical_login=login, technical_password=password,
                          connect_timeout=0.5)
    with ChorusClient(config, hook=recorded.exchanges.append) as client, \
            pytest.raises(ChorusTransientError) as caught:
        client.transverses.payment_modes()
    assert caught.value.reason in ("connection_error", "connect_timeout")
    assert not caught.value.may_have_been_processed


def test_a_failing_hook_never_breaks_the_call(make_client):
    def hook(exchange):
        raise RuntimeError("the support table is down")

    client = make_client(hook=hook)
    assert PaymentMode.VIREMENT in client.transverses.payment_modes()


def test_an_expired_technical_password_is_an_authentication_error_after_one_token_retry(
        supplier, emulator, recorded):
    supplier.transverses.payment_modes()
    emulator.advance(21 * 86400)  # the demo supplier's password expires after 20 days

    with pytest.raises(ChorusAuthenticationError) as caught:
        supplier.transverses.payment_modes()

    assert caught.value.technical_account
    assert "expired" in caught.value.www_authenticate
    # the bearer had expired too: one refresh, then the account refusal ends it at once
    assert [(e.operation, e.attempt, e.http_status) for e in recorded.exchanges[2:]] == [
        (MODES, 1, 401), (TOKEN, 2, 200), (MODES, 2, 401)]
