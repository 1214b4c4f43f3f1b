"""Bad input: each a clear error in the documented format, and nothing changed."""

import pytest

from invoices.models import Invoice
from tests.api.helpers import draft_body


def _nothing_created():
    return not Invoice.objects.exists()


def test_malformed_json_is_a_400(api):
    response = api.post("invoices", '{"number": "X-1",')
    assert response.status_code == 400
    assert response.json()["errors"]["base"][0].startswith("Malformed JSON")
    assert _nothing_created()


def test_a_json_array_is_not_an_invoice(api):
    response = api.post("invoices", "[1, 2]")
    assert response.status_code == 400
    assert _nothing_created()


def test_another_content_type_is_a_415(api):
    response = api.post("invoices", "number=X-1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert _nothing_created()


def test_unknown_fields_are_named(api):
    response = api.post("invoices", draft_body(numero="X", total="12"))
    assert response.status_code == 422
    assert response.json()["errors"] == {"numero": ["Unknown field."], "total": ["Unknown field."]}
    assert _nothing_created()


def test_unknown_fields_of_a_line_are_named(api):
    body = draft_body()
    body["lines"][0]["prix"] = "1"
    response = api.post("invoices", body)
    assert response.json()["errors"] == {"lines[0].prix": ["Unknown field."]}
    assert _nothing_created()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("number", 12),
        ("issue_date", "20/11/2026"),
        ("issue_date", 20261120),
        ("bank_account_chorus_id", "12"),
        ("bank_account_chorus_id", True),
        ("lines", {"description": "x"}),
        ("comment", ["a"]),
    ],
)
def test_wrong_types_are_refused_field_by_field(api, field, value):
    response = api.post("invoices", draft_body(**{field: value}))
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert _nothing_created()


@pytest.mark.parametrize("value", ["1e400", "NaN", True, "1,5", "", [1]])
def test_a_line_amount_that_is_no_decimal_is_refused(api, value):
    body = draft_body()
    body["lines"][0]["unit_price"] = value
    response = api.post("invoices", body)
    assert response.status_code == 422
    assert any(key.startswith("lines[0]") for key in response.json()["errors"])
    assert _nothing_created()


def test_an_amount_too_large_for_the_columns_is_refused(api):
    body = draft_body()
    body["lines"][0]["unit_price"] = "999999999999999999"
    body["lines"][0]["quantity"] = "999999"
    response = api.post("invoices", body)
    assert response.status_code == 422
    assert _nothing_created()


def test_a_page_too_large_is_refused_with_the_maximum(api):
    response = api.get("invoices", {"per_page": 100000})
    assert response.status_code == 422
    assert response.json()["errors"] == {"per_page": ["At most 100."]}


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "-1"},
        {"page": "abc"},
        {"status": "paid"},
        {"period_start": "2026"},
        {"period_end": "2026-13"},
        {"sort": "up"},
        {"unknown": "1"},
    ],
)
def test_bad_list_parameters_are_422(api, params):
    response = api.get("invoices", params)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == set(params)


def test_an_id_too_large_for_the_database_is_a_json_404(api):
    assert api.get("invoices/99999999999999999999999").status_code == 404
    assert api.get("invoices/999999999999999999").status_code == 404


def test_a_body_too_large_is_a_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post("invoices", draft_body(comment="x" * 2000))
    assert response.status_code == 413
    assert _nothing_created()


def test_a_nul_character_is_refused_before_any_database_sees_it(api):
    body = draft_body()
    body["lines"][0]["description"] = "Main\x00tenance"
    response = api.post("invoices", body)
    assert response.status_code == 422
    assert _nothing_created()


def test_messages_are_english_unless_the_caller_asks_for_french(api):
    body = draft_body(recipient_siret="123")
    english = api.post("invoices", body).json()["errors"]["recipient_siret"][0]
    assert "is not a valid SIRET" in english
    french = api.post("invoices", body, HTTP_ACCEPT_LANGUAGE="fr").json()["errors"]
    assert french["recipient_siret"][0] != english
