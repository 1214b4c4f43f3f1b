"""Faults injected through the admin API, and call counts."""

import time

import pytest
import requests

from tests.chorus_emulator.conftest import SUPPLIER, invoice_body

MODES = "transverses/v1/recuperer/modereglements"
SOUMETTRE = "factures/v1/soumettre"


def test_latency_delays_the_answer(emulator, lycee):
    emulator.add_fault("latency", operation=MODES, delay_ms=300)

    started = time.monotonic()
    response = lycee.post(MODES, {})

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


def test_a_configured_latency_delays_every_call_until_the_next_reset(emulator, lycee):
    emulator.configure(latencyMs=200)
    timings = []
    for _ in range(2):
        started = time.monotonic()
        assert lycee.post(MODES, {}).status_code == 200
        timings.append(time.monotonic() - started)
    emulator.reset()

    assert min(timings) >= 0.2
    assert emulator.configure()["latencyMs"] == 0


@pytest.mark.parametrize("status", [500, 502, 503])
def test_http_error_answers_the_requested_status_once(emulator, lycee, status):
    emulator.add_fault("http_error", operation=MODES, status=status)

    assert lycee.post(MODES, {}).status_code == status
    assert lycee.post(MODES, {}).status_code == 200


def test_rate_limit_answers_429_with_retry_after(emulator, lycee):
    emulator.add_fault("rate_limit", operation=MODES, retry_after=7)

    response = lycee.post(MODES, {})

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"


def test_expired_token_answers_401_as_an_expired_bearer(emulator, lycee):
    emulator.add_fault("expired_token", operation=MODES)

    response = lycee.post(MODES, {})

    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert lycee.post(MODES, {}).status_code == 200


def test_account_unauthorized_answers_the_piste_header(emulator, lycee):
    emulator.add_fault("account_unauthorized", operation=MODES)

    response = lycee.post(MODES, {})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="PISTE",error="Unauthorized",error_description="login or password incorrects"'
    )


def test_business_error_answers_200_with_the_code(emulator, lycee):
    emulator.add_fault(
        "business_error", operation=MODES, code_retour=20042, libelle="Erreur métier de test"
    )

    response = lycee.post(MODES, {})

    assert response.status_code == 200
    assert response.json() == {"codeRetour": 20042, "libelle": "Erreur métier de test"}


def test_a_business_error_on_soumettre_creates_nothing(emulator, supplier):
    emulator.add_fault("business_error", operation=SOUMETTRE)
    supplier.call(SOUMETTRE, invoice_body(number="FAULT-001"))

    assert emulator.invoices("FAULT-001") == []


def test_drop_after_commit_creates_the_invoice_but_sends_no_answer(emulator, supplier):
    emulator.add_fault("drop_after_commit", operation=SOUMETTRE)

    with pytest.raises(requests.ConnectionError):
        supplier.post(SOUMETTRE, invoice_body(number="DROP-001"))

    [invoice] = emulator.invoices("DROP-001")
    assert invoice["statut"] == "DEPOSEE"
    retry = supplier.call(SOUMETTRE, invoice_body(number="DROP-001"))
    assert retry["codeRetour"] == 20015  # a naive retry meets its own first attempt


def test_a_fault_lasts_for_count_calls(emulator, lycee):
    emulator.add_fault("http_error", operation=MODES, status=503, count=3)

    statuses = [lycee.post(MODES, {}).status_code for _ in range(4)]

    assert statuses == [503, 503, 503, 200]


def test_a_star_fault_hits_any_operation_but_not_the_token_endpoint(emulator, lycee):
    emulator.add_fault("http_error", operation="*", status=500)

    token = requests.post(
        emulator.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": emulator.client_id,
            "client_secret": emulator.client_secret,
        },
        timeout=10,
    )

    assert token.status_code == 200
    assert lycee.post("transverses/v1/recuperer/tauxtva", {}).status_code == 500
    assert lycee.post(MODES, {}).status_code == 200


def test_the_token_endpoint_can_fail_on_demand(emulator):
    emulator.add_fault("http_error", operation="oauth/token", status=503)

    response = requests.post(
        emulator.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": emulator.client_id,
            "client_secret": emulator.client_secret,
        },
        timeout=10,
    )

    assert response.status_code == 503


def test_a_fault_on_another_operation_does_not_fire(emulator, lycee):
    emulator.add_fault("http_error", operation=SOUMETTRE, status=500)

    assert lycee.post(MODES, {}).status_code == 200
    assert len(emulator.faults()) == 1


def test_clear_faults_removes_pending_faults(emulator, lycee):
    emulator.add_fault("http_error", operation=MODES, status=500, count=10)
    emulator.clear_faults()

    assert lycee.post(MODES, {}).status_code == 200


def test_an_unknown_fault_kind_is_refused(emulator):
    response = requests.post(
        f"{emulator.base_url}/_emulator/faults", json={"kind": "meteor_strike"}, timeout=10
    )

    assert response.status_code == 400


def test_calls_are_counted_per_operation_and_per_account(emulator, supplier, lycee):
    emulator.clear_calls()
    supplier.post(MODES, {})
    supplier.post(MODES, {})
    lycee.post(MODES, {})
    lycee.post("transverses/v1/recuperer/tauxtva", {})

    calls = emulator.calls()

    assert calls["operations"][MODES] == 3
    assert calls["accounts"][supplier.login]["operations"] == {MODES: 2}
    assert calls["accounts"][lycee.login]["total"] == 2
    assert calls["total"] == 4


def test_calls_failed_by_a_fault_are_counted_too(emulator, lycee):
    emulator.clear_calls()
    emulator.add_fault("http_error", operation=MODES, status=503)
    lycee.post(MODES, {})
    lycee.post(MODES, {})

    assert emulator.calls()["operations"][MODES] == 2


def test_reset_forgets_invoices_faults_and_calls(emulator, supplier):
    supplier.ok(SOUMETTRE, invoice_body(number="RESET-001"))
    emulator.add_fault("http_error", operation=MODES, count=5)

    emulator.reset()

    assert emulator.invoices("RESET-001") == []
    assert emulator.faults() == []
    assert emulator.calls()["total"] == 0
    assert supplier.post(MODES, {}).status_code == 200
    assert emulator.accounts[SUPPLIER][0] == supplier.login
