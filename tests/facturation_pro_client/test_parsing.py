"""Strict reading of answers: what does not follow the doc is a protocol error, never a guess."""

from decimal import Decimal

import pytest

from facturation_pro_client import FacturationProProtocolError, PaymentMode, parsing
from facturation_pro_client.transport import field_errors
from facturation_pro_client.wire import Reader

OPERATION = "GET /firms/FIRM_ID/invoices.json"
INVOICE = {"id": 1, "customer_id": 2, "total": "700.0", "payment_mode": 0}


def test_a_list_without_x_pagination_is_refused():
    with pytest.raises(FacturationProProtocolError, match="X-Pagination"):
        parsing.page([INVOICE], None, OPERATION, parsing.invoice)
    with pytest.raises(FacturationProProtocolError, match="X-Pagination"):
        parsing.page([INVOICE], '{"current_page": 1}', OPERATION, parsing.invoice)


def test_a_list_must_be_an_array():
    header = '{"current_page":1,"total_pages":1,"per_page":50,"total_entries":1}'
    with pytest.raises(FacturationProProtocolError, match="array"):
        parsing.page({"invoices": [INVOICE]}, header, OPERATION, parsing.invoice)
    assert parsing.page([INVOICE], header, OPERATION, parsing.invoice).total == 1


def test_missing_or_malformed_fields_name_their_path():
    with pytest.raises(FacturationProProtocolError, match="'total'"):
        parsing.invoice(Reader({**INVOICE, "total": None}, operation=OPERATION))
    with pytest.raises(FacturationProProtocolError, match=r"items\[0\]\.vat"):
        parsing.invoice(Reader({**INVOICE, "items": [{"vat": "vingt"}]}, operation=OPERATION))
    with pytest.raises(FacturationProProtocolError, match="unknown PaymentMode value 7"):
        parsing.invoice(Reader({**INVOICE, "payment_mode": 7}, operation=OPERATION))


def test_amounts_stay_exact_and_both_settlement_spellings_are_read():
    settlement = parsing.settlement(Reader(
        {"id": 3, "invoice_id": 1, "total": "1000.10", "payment_mode": "4",
         "paid_on": "2015-09-03", "payement_ref": "ma référence"}, operation=OPERATION))

    assert (settlement.amount, settlement.payment_mode, settlement.payment_ref) == (
        Decimal("1000.10"), PaymentMode.CHEQUE, "ma référence")


def test_both_rails_error_shapes_are_read():
    assert field_errors({"errors": {"total": "doit être rempli(e)"}}) == {
        "total": ["doit être rempli(e)"]}
    assert field_errors({"errors": ["Total doit être rempli(e)"]}) == {
        "base": ["Total doit être rempli(e)"]}
    assert field_errors("Retry later") == {}
