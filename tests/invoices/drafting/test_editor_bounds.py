"""What the editor refuses before the database would: numbers that do not fit their columns
(PostgreSQL answers 'numeric field overflow' or 'bigint out of range' with a 500), a bank
account that is not one of the supplier's, a comment of a megabyte. Each with a French message,
and what was typed is kept."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from invoices.drafting.forms import largest_amount
from invoices.models import Invoice, InvoiceLine
from structures import tasks
from structures.selectors import bank_accounts_cache_key
from tests.jobs import queued_args

HTMX = {"HTTP_HX_REQUEST": "true"}
SUPPLIER = "12345678200010"


def _header(**values):
    data = {"kind": "invoice", "billing_framework": "A1", "vat_regime": "on_debits"}
    data.update(values)
    return data


def _line(line, **values):
    data = {
        "description": "Audit",
        "quantity": "1",
        "unit": "C62",
        "unit_price": "100",
        "discount": "0",
        "vat_rate": "20",
    }
    data.update(values)
    return {f"line-{line.pk}-{key}": value for key, value in data.items()}


@pytest.fixture
def line(agent_client, draft):
    agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)
    return draft.lines.get()


def test_the_largest_amounts_come_from_the_columns():
    assert largest_amount(Invoice, "total_incl_tax") == Decimal("9999999999999.99")
    assert largest_amount(InvoiceLine, "quantity") == Decimal("99999999999.9999")


def test_a_line_whose_total_would_not_fit_is_refused_with_a_french_message(
    agent_client, draft, line
):
    # 99 999 999 999 × 999 999 999 999: each fits its column, their product does not.
    response = agent_client.post(
        reverse("invoices:line_save", args=[draft.pk, line.pk]),
        _line(line, quantity="99999999999", unit_price="999999999999"),
        **HTMX,
    )
    assert response.status_code == 200
    assert "Le total de la ligne ne peut pas dépasser 9\xa0999\xa0999\xa0999\xa0999,99" in (
        response.text
    )
    line.refresh_from_db()
    assert (line.quantity, line.unit_price) == (Decimal(1), Decimal(0))
    draft.refresh_from_db()
    # What was typed is kept, with its message, for the next visit.
    assert draft.draft_input["lines"][str(line.pk)][f"line-{line.pk}-quantity"] == "99999999999"


def test_lines_that_fit_alone_but_not_together_are_refused(agent_client, draft, line):
    agent_client.post(
        reverse("invoices:line_save", args=[draft.pk, line.pk]),
        _line(line, quantity="10", unit_price="900000000000", vat_rate="0"),
        **HTMX,
    )
    line.refresh_from_db()
    assert line.total_excl_tax == Decimal("9000000000000.00")
    agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)
    second = draft.lines.order_by("position").last()
    response = agent_client.post(
        reverse("invoices:line_save", args=[draft.pk, second.pk]),
        _line(second, quantity="1", unit_price="900000000000"),
        **HTMX,
    )
    assert "Avec cette ligne, le total TTC de la facture dépasserait" in response.text
    draft.refresh_from_db()
    assert draft.total_incl_tax == Decimal("9000000000000.00")


def test_a_number_too_long_for_its_column_gets_django_s_french_message(agent_client, draft, line):
    response = agent_client.post(
        reverse("invoices:line_save", args=[draft.pk, line.pk]),
        _line(line, quantity="1000000000000"),
        **HTMX,
    )
    assert "Assurez-vous qu’il n’y a pas plus de 11 chiffres avant la virgule" in response.text


@pytest.fixture
def accounts_known(supplier):
    cache.set(
        bank_accounts_cache_key(supplier.pk),
        [
            {"id": 31000001, "label": "Compte courant BNP", "iban": "FR7630004000031234567890143"},
            {"id": 31000002, "label": "Compte affacturage", "iban": "FR7611315000011234567890138"},
        ],
    )


def test_the_bank_account_is_chosen_among_the_supplier_s_accounts(
    agent_client, draft, accounts_known
):
    page = agent_client.get(reverse("invoices:edit", args=[draft.pk])).text
    assert '<select name="bank_account_chorus_id"' in page
    assert "Compte courant BNP – FR7630004000031234567890143" in page
    assert '<input type="number" name="bank_account_chorus_id"' not in page
    save = reverse("invoices:draft_save", args=[draft.pk])
    agent_client.post(save, _header(bank_account_chorus_id="31000002"), **HTMX)
    draft.refresh_from_db()
    assert draft.bank_account_chorus_id == 31000002


@pytest.mark.parametrize("value", [str(10**30), "-5", "31000009", "abc"])
def test_a_bank_account_that_is_not_one_of_the_supplier_s_is_refused(
    agent_client, draft, accounts_known, value
):
    response = agent_client.post(
        reverse("invoices:draft_save", args=[draft.pk]),
        _header(bank_account_chorus_id=value, number="F-1"),
        **HTMX,
    )
    assert response.status_code == 200
    assert "Choisissez l’un des comptes bancaires que Chorus Pro connaît" in response.text
    draft.refresh_from_db()
    assert draft.bank_account_chorus_id is None and draft.number == "F-1"


def test_an_account_chorus_pro_no_longer_lists_is_kept_when_another_field_is_saved(
    agent_client, draft, accounts_known
):
    Invoice.objects.filter(pk=draft.pk).update(bank_account_chorus_id=31000099)
    page = agent_client.get(reverse("invoices:edit", args=[draft.pk])).text
    assert '<option value="31000099" selected>' in page
    agent_client.post(
        reverse("invoices:draft_save", args=[draft.pk]),
        _header(bank_account_chorus_id="31000099", market_number="M-1"),
        **HTMX,
    )
    draft.refresh_from_db()
    assert (draft.bank_account_chorus_id, draft.market_number) == (31000099, "M-1")


def test_the_accounts_are_read_by_a_worker_while_the_field_polls(
    supplier_client, django_capture_on_commit_callbacks, monkeypatch
):
    asked = queued_args(monkeypatch, tasks.OWN_STRUCTURE_REFRESH_TASK)
    supplier_client.post(reverse("invoices:draft_new"))
    draft = Invoice.objects.get(supplier__siret=SUPPLIER)
    with django_capture_on_commit_callbacks(execute=True):
        page = supplier_client.get(reverse("invoices:edit", args=[draft.pk])).text
    assert 'data-bank-accounts="pending"' in page
    assert reverse("invoices:bank_accounts", args=[draft.pk]) in page
    assert len(asked) == 1
    # Polled again: no second request while the first is under way.
    with django_capture_on_commit_callbacks(execute=True):
        supplier_client.get(reverse("invoices:bank_accounts", args=[draft.pk]), **HTMX)
    assert len(asked) == 1

    tasks.own_structure_refresh(*asked[0])  # the worker's part, against the emulator
    field = supplier_client.get(reverse("invoices:bank_accounts", args=[draft.pk]), **HTMX).text
    assert 'data-bank-accounts="known"' in field and "hx-trigger" not in field
    assert "Compte affacturage – FR7611315000011234567890138" in field


def test_a_comment_of_a_megabyte_is_refused_and_the_rest_saved(agent_client, draft):
    response = agent_client.post(
        reverse("invoices:draft_save", args=[draft.pk]),
        _header(comment="x" * 1_000_000, number="F-2"),
        **HTMX,
    )
    assert "Assurez-vous que cette valeur comporte au plus 1000 caractères" in response.text
    draft.refresh_from_db()
    assert draft.comment == "" and draft.number == "F-2"


def test_a_price_typed_with_a_comma_is_read_as_a_french_decimal(agent_client, draft):
    """Found in the browser: the price was a number input, which a browser whose own language is
    not French fills with "45050" when "450,50" is typed; the field is now text read in the
    reader's language, a point accepted too."""
    agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)
    line = draft.lines.get()
    page = agent_client.get(reverse("invoices:edit", args=[draft.pk])).text
    assert f'name="line-{line.pk}-unit_price"' in page and 'type="number"' not in page
    for typed, stored in (("450,50", "450.50"), ("12.25", "12.25")):
        agent_client.post(
            reverse("invoices:line_save", args=[draft.pk, line.pk]),
            {f"line-{line.pk}-description": "Audit", f"line-{line.pk}-quantity": "3",
             f"line-{line.pk}-unit": "C62", f"line-{line.pk}-unit_price": typed,
             f"line-{line.pk}-discount": "0", f"line-{line.pk}-vat_rate": "20"},
            **HTMX,
        )
        line.refresh_from_db()
        assert line.unit_price == Decimal(stored)
