"""The embedded run keeps var/db.sqlite3 between runs: invoices saved before amounts became exact
must come through the migration to the cent (and back, for a developer switching branches)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("invoices", "0015_notices_once_and_mandate_number")
EXACT = ("invoices", "0016_money_exact_on_sqlite")


def _migrate(target) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor


@pytest.fixture
def latest_schema_after():
    """Whatever happens in the test, the tests after it find the latest schema."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _pragma_checks_ignored() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA ignore_check_constraints")
        return bool(cursor.fetchone()[0])


@pytest.mark.slow
@pytest.mark.money
@pytest.mark.django_db(transaction=True)
def test_amounts_saved_before_the_exact_columns_come_through_to_the_cent(
    make_structure, latest_schema_after
):
    supplier = make_structure()
    old = _migrate(BEFORE).loader.project_state([BEFORE]).apps
    invoice = old.get_model("invoices", "Invoice").objects.create(
        supplier_id=supplier.pk,
        total_excl_tax=Decimal("1375.10"),
        total_vat=Decimal("271.40"),
        total_incl_tax=Decimal("1646.50"),
        amount_due=Decimal("1646.50"),
    )
    old.get_model("invoices", "InvoiceLine").objects.create(
        invoice_id=invoice.pk,
        position=1,
        description="Ramettes",
        quantity=Decimal("2.5"),
        unit_price=Decimal("0.333333"),
        discount=Decimal("0.10"),
        vat_rate=Decimal("5.5"),
        total_excl_tax=Decimal("0.73"),
    )
    old.get_model("invoices", "InvoiceVatLine").objects.create(
        invoice_id=invoice.pk, rate=Decimal("5.5"), taxable_amount=Decimal("0.73"), vat_amount=0
    )

    # Read with the models as they stood at that migration: fields added by later migrations
    # are not in these tables yet.
    exact = _migrate(EXACT).loader.project_state([EXACT]).apps
    Invoice, InvoiceLine, InvoiceVatLine = (
        exact.get_model("invoices", name) for name in ("Invoice", "InvoiceLine", "InvoiceVatLine")
    )

    def read() -> tuple:
        saved = Invoice.objects.get(pk=invoice.pk)
        line, vat_line = InvoiceLine.objects.get(), InvoiceVatLine.objects.get()
        return (
            (saved.total_excl_tax, saved.total_vat, saved.total_incl_tax, saved.amount_due),
            (line.quantity, line.unit_price, line.discount, line.vat_rate, line.total_excl_tax),
            (vat_line.rate, vat_line.taxable_amount, vat_line.vat_amount),
        )

    expected = (
        (Decimal("1375.10"), Decimal("271.40"), Decimal("1646.50"), Decimal("1646.50")),
        (Decimal("2.5"), Decimal("0.333333"), Decimal("0.10"), Decimal("5.5"), Decimal("0.73")),
        (Decimal("5.5"), Decimal("0.73"), Decimal("0")),
    )
    assert read() == expected
    # What the floating-point columns refused is now kept.
    Invoice.objects.filter(pk=invoice.pk).update(
        total_excl_tax=Decimal("0.10"),
        total_vat=Decimal("0.02"),
        total_incl_tax=Decimal("0.12"),
        amount_due=Decimal("0.12"),
    )

    # Back to the old columns and forward again: nothing is lost either way.
    _migrate(BEFORE)
    if connection.vendor == "sqlite":
        assert not _pragma_checks_ignored()
    _migrate(EXACT)
    saved = Invoice.objects.get(pk=invoice.pk)
    assert (saved.total_excl_tax, saved.total_vat, saved.total_incl_tax) == (
        Decimal("0.10"),
        Decimal("0.02"),
        Decimal("0.12"),
    )
    assert read()[1:] == expected[1:]
