"""The exchange hook: what support staff will see of every call, and what they must never see."""

import base64
import logging
from datetime import date
from decimal import Decimal

import pytest

from facturation_pro_client import (
    FacturationProNotFoundError,
    InvoiceUpdate,
    NewSettlement,
    PaymentMode,
)
from facturation_pro_client.exchange import body_text
from tests.facturation_pro_client.conftest import DRFIP_LOT_1


def test_every_exchange_is_reported_under_the_docs_heading(client, recorded):
    client.account()
    client.get_invoice(DRFIP_LOT_1)
    client.update_invoice(DRFIP_LOT_1, InvoiceUpdate(api_custom="CPP 8420001"))
    with pytest.raises(FacturationProNotFoundError):
        client.get_invoice(1)

    assert [(e.operation, e.path, e.http_status, e.error_kind) for e in recorded.exchanges] == [
        ("GET /account.json", "/account.json", 200, None),
        ("GET /firms/FIRM_ID/invoices/ID.json", "/firms/48201/invoices/820005.json", 200, None),
        ("PATCH /firms/FIRM_ID/invoices/ID.json", "/firms/48201/invoices/820005.json", 200,
         None),
        ("GET /firms/FIRM_ID/invoices/ID.json", "/firms/48201/invoices/1.json", 404,
         "rejected")]
    patch = recorded.exchanges[2]
    assert (patch.method, patch.request_body, patch.response_body) == (
        "PATCH", '{"api_custom":"CPP 8420001"}', None)
    assert recorded.exchanges[0].started_at.tzinfo is not None
    assert all(e.duration_ms >= 0 for e in recorded.exchanges)
    assert '"The record could not be found"' in recorded.exchanges[3].response_body


def test_amounts_travel_as_exact_strings(client, recorded):
    client.create_settlement(DRFIP_LOT_1, NewSettlement(
        amount=Decimal("1234.56"), paid_on=date(2026, 11, 28), payment_mode=PaymentMode.CHEQUE))

    assert recorded.exchanges[-1].request_body == (
        '{"invoice_id":820005,"total":"1234.56","payment_mode":4,"paid_on":"2026-11-28",'
        '"payment_ref":null}')


def test_the_key_never_reaches_the_hook(make_client, fpro, recorded):
    account = fpro.accounts[48201]
    wrong = make_client(api_key="wrong-" + account.api_key)
    client = make_client()
    client.account()
    client.invoice_pdf(DRFIP_LOT_1)
    with pytest.raises(Exception):  # noqa: B017 - any failure; the point is what was reported
        wrong.account()

    text = recorded.text()
    basic = base64.b64encode(f"{account.api_id}:{account.api_key}".encode()).decode()
    assert account.api_key not in text and basic not in text
    assert len(recorded.exchanges) == 3


def test_bank_details_are_redacted_from_bodies():
    text = body_text({"id": 1, "sepa_iban": "FR7630001007941234567890185", "sepa_bic": None},
                     secrets=["k3y"])

    assert text == '{"id":1,"sepa_iban":"<redacted>","sepa_bic":null}'
    assert body_text("Basic k3y and more", secrets=["k3y"]) == "Basic <redacted> and more"


def test_a_failing_hook_is_logged_and_the_call_goes_on(make_client, caplog):
    def broken(exchange):
        raise RuntimeError("storage down")

    client = make_client(hook=broken)
    with caplog.at_level(logging.ERROR, logger="facturation_pro_client"):
        assert client.account().id == 7301

    assert "exchange hook failed for GET /account.json" in caplog.text
