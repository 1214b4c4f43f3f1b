"""Amounts, quantities and VAT rates become exact on SQLite (portal/exact_decimal.py).

PostgreSQL: the columns stay numeric(p, s); nothing changes but the field class Django records.
SQLite (the embedded run, whose var/db.sqlite3 is kept between runs): the tables are rebuilt with
INTEGER columns, then each row's values, stored until now as binary floats, are rewritten as
value × 10**decimal_places.
"""

from decimal import ROUND_HALF_UP, Decimal

import django.core.validators
from django.db import migrations

import portal.exact_decimal

MODELS = ("invoice", "invoiceline", "invoicevatline")


def _exact(value) -> Decimal:
    # A REAL is the binary float nearest to the decimal that was stored; its shortest repr gives
    # that decimal back (up to 15 significant digits, all an embedded database ever held).
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _rewrite(apps, schema_editor, convert) -> None:
    """Rewrite every row's decimal columns with ``convert(value, decimal_places)``, all the
    columns of a row in one UPDATE so that its CHECK constraints hold at each step."""
    connection = schema_editor.connection
    quote = schema_editor.quote_name
    for name in MODELS:
        model = apps.get_model("invoices", name)
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, portal.exact_decimal.ExactDecimalField)
        ]
        columns = ", ".join(quote(field.column) for field in fields)
        table = quote(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {columns} FROM {table}")
            rows = cursor.fetchall()
            assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE id = %s",
                [
                    [
                        None if value is None else convert(value, field.decimal_places)
                        for field, value in zip(fields, values, strict=True)
                    ]
                    + [pk]
                    for pk, *values in rows
                ],
            )


def _check_constraints(schema_editor, *, enforced: bool) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"PRAGMA ignore_check_constraints = {'OFF' if enforced else 'ON'}")


def checks_off(apps, schema_editor):
    # The tables are rebuilt with their rows copied as they are. A database that came back
    # from the exact columns (rows_from_scaled) may hold rows the floating-point constraints
    # refuse; rows_to_scaled checks every row again.
    _check_constraints(schema_editor, enforced=False)


def checks_on(apps, schema_editor):
    _check_constraints(schema_editor, enforced=True)


def rows_to_scaled(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    # Enforced again first: each row's UPDATE below is checked against the exact constraints.
    checks_on(apps, schema_editor)
    _rewrite(
        apps,
        schema_editor,
        lambda value, places: int(
            _exact(value).scaleb(places).to_integral_value(rounding=ROUND_HALF_UP)
        ),
    )


def rows_from_scaled(apps, schema_editor):
    """Going back: decimals again, as text the rebuilt NUMERIC columns turn into floats.

    The old floating-point constraints could refuse rows that only the exact columns can hold
    (the very defect this migration fixes), so they are not enforced until the tables are back.
    """
    if schema_editor.connection.vendor != "sqlite":
        return
    checks_off(apps, schema_editor)
    _rewrite(apps, schema_editor, lambda value, places: str(Decimal(value).scaleb(-places)))


class Migration(migrations.Migration):

    dependencies = [
        ('invoices', '0015_notices_once_and_mandate_number'),
    ]

    operations = [
        migrations.RunPython(checks_off, checks_on),
        migrations.AlterField(
            model_name='invoice',
            name='amount_due',
            field=portal.exact_decimal.ExactDecimalField(decimal_places=2, default=Decimal('0'), max_digits=15, verbose_name='amount due'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='total_excl_tax',
            field=portal.exact_decimal.ExactDecimalField(decimal_places=2, default=Decimal('0'), max_digits=15, verbose_name='total excluding VAT'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='total_incl_tax',
            field=portal.exact_decimal.ExactDecimalField(decimal_places=2, default=Decimal('0'), max_digits=15, verbose_name='total including VAT'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='total_vat',
            field=portal.exact_decimal.ExactDecimalField(decimal_places=2, default=Decimal('0'), max_digits=15, verbose_name='total VAT'),
        ),
        migrations.AlterField(
            model_name='invoiceline',
            name='discount',
            field=portal.exact_decimal.ExactDecimalField(decimal_places=2, default=Decimal('0'), max_digits=15, verbose_name='discount excl. VAT'),
        ),
        migrations.AlterField(
            model_name='invoiceline',
            name='quantity',
            field=portal.exact_decimal.ExactDecimalField(decimal_places=4, max_digits=15, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='quantity'),
        ),
        migrations.AlterField(
            model_name='invoiceline',
            name='total_excl_tax',
            field=portal.exact_decimal.ExactDecimalField(decimal_places=2, default=Decimal('0'), max_digits=15, verbose_name='line total excl. VAT'),
        ),
        migrations.AlterField(
            model_name='invoiceline',
            name='unit_price',
            field=portal.exact_decimal.ExactDecimalField(decimal_places=6, max_digits=18, verbose_name='unit price excl. VAT'),
        ),
        migrations.AlterField(
            model_name='invoiceline',
            name='vat_rate',
            field=portal.exact_decimal.ExactDecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='VAT rate (%)'),
        ),
        migrations.AlterField(
            model_name='invoicevatline',
            name='rate',
            field=portal.exact_decimal.ExactDecimalField(decimal_places=2, max_digits=5, verbose_name='VAT rate (%)'),
        ),
        migrations.AlterField(
            model_name='invoicevatline',
            name='taxable_amount',
            field=portal.exact_decimal.ExactDecimalField(decimal_places=2, max_digits=15, verbose_name='taxable amount'),
        ),
        migrations.AlterField(
            model_name='invoicevatline',
            name='vat_amount',
            field=portal.exact_decimal.ExactDecimalField(decimal_places=2, max_digits=15, verbose_name='VAT amount'),
        ),
        migrations.RunPython(rows_to_scaled, rows_from_scaled),
    ]
