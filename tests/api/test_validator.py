"""A validator's key: the invoices waiting for its validation, and its decisions."""

import pytest

from api.models import ApiKey
from invoices.models import InvoiceAction
from structures.models import Structure
from tests.api.helpers import ApiClient

MINISTERE = "11000201100010"  # the demo's validator


@pytest.fixture
def to_validate(make_invoice, atelier, commune):
    validator = Structure.objects.get(siret=MINISTERE)
    return make_invoice(
        atelier,
        commune,
        status="submitted",
        chorus_invoice_id=990001,
        chorus_status="A_VALIDER_1",
        billing_framework="A9",
        validator=validator,
    )


@pytest.fixture
def validator_api(client, make_key, demo_world):
    validator = Structure.objects.get(siret=MINISTERE)
    return ApiClient(client, make_key(validator, role=ApiKey.Role.VALIDATOR))


def test_the_validator_lists_the_invoice_and_validates_it(validator_api, to_validate):
    listed = validator_api.get("received-invoices", {"chorus_status": "A_VALIDER_1"}).json()
    assert [row["id"] for row in listed] == [to_validate.pk]
    path = f"received-invoices/{to_validate.pk}/decisions"
    assert validator_api.post(path, {"decision": "approve"}).status_code == 422
    response = validator_api.post(path, {"decision": "validate", "comment": "Conforme"})
    assert response.status_code == 202
    action = InvoiceAction.objects.get()
    assert action.kind == "validate" and action.payload["comment"] == "Conforme"


def test_a_refusal_needs_one_of_chorus_pro_s_reasons(validator_api, to_validate):
    response = validator_api.post(
        f"received-invoices/{to_validate.pk}/decisions",
        {"decision": "refuse", "refusal_reason": "NOT_A_REASON"},
    )
    assert response.status_code == 422
    assert not InvoiceAction.objects.exists()


def test_another_validator_cannot_see_or_decide(client, make_key, make_structure, to_validate):
    stranger = make_structure(name="Autre valideur", kind="public")
    other = ApiClient(client, make_key(stranger, role=ApiKey.Role.VALIDATOR))
    assert other.get(f"received-invoices/{to_validate.pk}").status_code == 404
    decision = other.post(f"received-invoices/{to_validate.pk}/decisions", {"decision": "validate"})
    assert decision.status_code == 404
    assert not InvoiceAction.objects.exists()
