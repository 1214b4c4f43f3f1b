"""What the client reads from a consultation, and the two validation levels through the typed
methods."""

from datetime import date
from decimal import Decimal

import pytest

from chorus_client import (
    BillingFramework,
    DepositMode,
    InvoiceLine,
    InvoiceStatus,
    InvoiceSubmission,
    InvoiceTotals,
    ValidatorAction,
    ValidatorInvoiceSearch,
    VatLine,
)

from .conftest import (
    LYCEE_SIRET,
    SUPPLIER_ID,
    UNIVERSITY_SIRET,
    VALIDATOR_SIRET,
    pdf_submission,
)

RECTORAT_SIRET = "17590001800011"


def structured(**fields) -> InvoiceSubmission:
    lines = (InvoiceLine(number=1, description="Maintenance", quantity=Decimal("1.5"),
                         unit="HUR", unit_price_excl_tax=Decimal("288"),
                         discount_excl_tax=Decimal("32"), vat_rate_code="TVA2"),)
    fields.setdefault("recipient_siret", LYCEE_SIRET)
    return InvoiceSubmission(
        deposit_mode=DepositMode.SAISIE_API, supplier_id=SUPPLIER_ID,
        supplier_bank_account_id=31000002, invoice_date=date(2026, 3, 3), lines=lines,
        vat_lines=(VatLine(taxable_amount=Decimal("400"), vat_amount=Decimal("8.40"),
                           rate_code="TVA2"),),
        totals=InvoiceTotals(total_excl_tax=Decimal("400"), total_vat=Decimal("8.40"),
                             total_incl_tax=Decimal("408.40"), amount_due=Decimal("408.40")),
        **fields)


def test_a_consultation_gives_computed_lines_rate_codes_and_the_bank_account(supplier):
    submitted = supplier.supplier.submit(structured())

    details = supplier.supplier.get(submitted.invoice_id)

    [line] = details.lines
    assert (line.unit, line.vat_rate_code, line.vat_rate) == ("HUR", "TVA2", None)
    assert line.amount_excl_tax == Decimal("400")
    assert line.amount_vat == Decimal("8.40")
    assert line.amount_incl_tax == Decimal("408.40")
    [vat] = details.vat_lines
    assert (vat.rate_code, vat.rate) == ("TVA2", Decimal("2.1"))
    assert details.supplier.bank_account_id == 31000002
    assert details.currency == "EUR"
    assert details.validator_structure_code is None and details.validated_on is None


@pytest.fixture
def rectorat(make_client):
    return make_client(RECTORAT_SIRET)


def test_an_invoice_is_validated_at_both_levels_before_its_recipient_sees_it(
        supplier, validator, rectorat, make_client, emulator):
    submitted = supplier.supplier.submit(pdf_submission(
        supplier, recipient_siret=UNIVERSITY_SIRET, purchase_order_number="EJ-2026-0100",
        framework=BillingFramework.A12_FACTURE_COTRAITANT,
        validator_structure_code=VALIDATOR_SIRET))
    emulator.advance(10)

    first = validator.validator.treat(submitted.invoice_id, ValidatorAction.VALIDATION)
    emulator.advance(5)
    waiting = rectorat.validator.search(ValidatorInvoiceSearch(
        statuses=(InvoiceStatus.A_VALIDER_2,)))
    second = rectorat.validator.treat(submitted.invoice_id, ValidatorAction.VALIDATION)
    emulator.advance(5)

    assert first.status == InvoiceStatus.VALIDEE_1
    assert [item.invoice_id for item in waiting.items] == [submitted.invoice_id]
    assert waiting.items[0].supplier_identifier == "12345678200010"
    assert waiting.items[0].validator_name == "Rectorat - contrôle de second niveau"
    assert second.status == InvoiceStatus.VALIDEE_2
    details = supplier.supplier.get(submitted.invoice_id)
    assert details.status == InvoiceStatus.MISE_A_DISPOSITION
    assert details.validator_structure_code == VALIDATOR_SIRET
    assert details.second_validator_structure_code == RECTORAT_SIRET
    assert details.validated_on == details.second_validated_on == second.treated_on


def test_a_validator_lists_the_statuses_of_both_levels(validator):
    assert validator.validator.visible_statuses() == [
        InvoiceStatus.A_VALIDER_1, InvoiceStatus.VALIDEE_1, InvoiceStatus.REFUSEE_1,
        InvoiceStatus.A_VALIDER_2, InvoiceStatus.VALIDEE_2, InvoiceStatus.REFUSEE_2]
