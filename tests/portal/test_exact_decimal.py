"""Exact decimal columns: what is stored is what is read, and queries on them answer exactly, the
same on SQLite (scaled integers) as on PostgreSQL (numeric)."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import DataError, models, transaction
from django.db.models import Case, Sum, Value, When
from django.db.models.functions import Coalesce

from invoices.models import Invoice, InvoiceLine
from portal.exact_decimal import ExactDecimalField

pytestmark = [pytest.mark.django_db, pytest.mark.money]


def test_every_decimal_column_of_the_project_is_exact():
    # A plain DecimalField would be a binary float again on SQLite.
    plain = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if Path(apps.get_app_config(model._meta.app_label).path).is_relative_to(settings.BASE_DIR)
        for field in model._meta.get_fields()
        if isinstance(field, models.DecimalField) and not isinstance(field, ExactDecimalField)
    ]
    assert plain == []


@pytest.fixture
def invoice(make_structure):
    return Invoice.objects.create(supplier=make_structure())


def _line(invoice, position, **values) -> InvoiceLine:
    values = {"quantity": Decimal(1), "unit_price": Decimal(0), **values}
    return InvoiceLine.objects.create(
        invoice=invoice, position=position, description="Ligne", **values
    )


def test_values_come_back_as_stored_with_the_columns_decimal_places(invoice):
    line = _line(
        invoice,
        1,
        quantity=Decimal("0.0001"),
        unit_price=Decimal("999999999999.999999"),  # all 18 digits of the column
        vat_rate=Decimal("5.5"),
    )
    line.refresh_from_db()
    read = [line.quantity, line.unit_price, line.vat_rate, line.discount]
    assert [str(value) for value in read] == ["0.0001", "999999999999.999999", "5.50", "0.00"]
    assert InvoiceLine.objects.values_list("quantity", "unit_price", "vat_rate").get() == (
        Decimal("0.0001"),
        Decimal("999999999999.999999"),
        Decimal("5.50"),
    )


def test_extra_decimals_are_rounded_half_up_when_saved(invoice):
    _line(invoice, 1, quantity=Decimal("0.00005"), unit_price=Decimal("2.0000004"))
    assert InvoiceLine.objects.values_list("quantity", "unit_price").get() == (
        Decimal("0.0001"),
        Decimal("2.000000"),
    )


def test_an_amount_beyond_the_columns_digits_is_refused(invoice):
    invoice.total_excl_tax = invoice.total_incl_tax = Decimal("10000000000000.00")  # 16 digits
    with pytest.raises(DataError), transaction.atomic():
        invoice.save()


def test_bounds_with_more_decimals_than_the_column_compare_exactly(invoice):
    _line(invoice, 1, quantity=Decimal("1"))
    _line(invoice, 2, quantity=Decimal("1.0001"))
    half = Decimal("1.00005")

    def positions(**lookup) -> list[int]:
        return list(
            InvoiceLine.objects.filter(**lookup)
            .order_by("position")
            .values_list("position", flat=True)
        )

    assert positions(quantity=half) == []
    assert positions(quantity__gt=half) == positions(quantity__gte=half) == [2]
    assert positions(quantity__lt=half) == positions(quantity__lte=half) == [1]
    assert positions(quantity__in=[half, Decimal(1)]) == [1]
    assert positions(quantity__in=[half]) == []
    assert positions(quantity__range=(Decimal("0.99995"), half)) == [1]
    assert positions(quantity__range=(Decimal("0.99995"), Decimal("1.00015"))) == [1, 2]
    # Far beyond the column's 15 digits: compared, not refused.
    huge = Decimal("1e20")
    assert positions(quantity__lt=huge) == [1, 2]
    assert positions(quantity__gt=huge) == positions(quantity=huge) == []
    assert positions(quantity__gt=-huge) == [1, 2]


def test_sums_defaults_and_annotations_with_the_field_as_output_are_exact(invoice):
    for position, price in enumerate(["0.10", "0.20", "0.000001"], 1):
        _line(invoice, position, unit_price=Decimal(price), discount=Decimal("0.01"))
    money = ExactDecimalField(max_digits=18, decimal_places=6)
    lines = InvoiceLine.objects.all()
    assert lines.aggregate(
        total=Sum("unit_price"),
        none=Sum("unit_price", filter=Value(False), default=Decimal("0.30")),
        coalesced=Coalesce(
            Sum("unit_price", filter=Value(False)), Value(Decimal("1.5"), output_field=money)
        ),
    ) == {"total": Decimal("0.300001"), "none": Decimal("0.30"), "coalesced": Decimal("1.5")}
    cheap = lines.annotate(
        shown=Case(
            When(unit_price__lt=Decimal("0.15"), then="unit_price"),
            default=Value(Decimal("9.99"), output_field=money),
            output_field=money,
        )
    )
    assert sorted(cheap.values_list("shown", flat=True)) == [
        Decimal("0.000001"),
        Decimal("0.10"),
        Decimal("9.99"),
    ]
