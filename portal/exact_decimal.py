"""Decimal columns that stay exact on SQLite as they are on PostgreSQL.

SQLite has no decimal type: Django's DecimalField lands in a NUMERIC-affinity column where "0.10"
becomes the binary float 0.1, so CHECK constraints, comparisons and SUM() compute in floating
point. An invoice of one line at 0.10 € + 20 % VAT broke "total = net + VAT" (0.1 + 0.02 is not
0.12 in binary) and the editor answered 500.

ExactDecimalField keeps numeric(max_digits, decimal_places) on PostgreSQL. On SQLite it stores
value × 10**decimal_places in an INTEGER column, so comparisons, ORDER BY, SUM/MIN/MAX, and the
CHECK constraints run in exact integer arithmetic, and the value read back is the same Decimal,
with its decimal places (Decimal("0.10"), as PostgreSQL answers).

What this means for queries on SQLite:
1. Exact as they are: filters against values (exact, in, range, gt, gte, lt, lte), ORDER BY,
   Sum/Min/Max (also with ``default=``), values()/values_list(), and + or - between two columns
   of the same decimal_places (constraints like total = net + VAT).
2. An annotation that is not one of the columns, nor Sum/Min/Max of one (Case/When, F() + F()
   selected as a value), must say ``output_field=ExactDecimalField(...)`` with its decimal places:
   the scaled integer is turned back into a Decimal only by this field. Likewise a Coalesce
   default goes in as ``Sum(..., default=...)`` or ``Value(d, output_field=<the field>)``.
3. Not available: × and ÷ of a column (Django refuses them on SQLite for this column type) and
   Avg (computed on the scaled integers, it would come back 10**decimal_places too large); + or -
   between columns of different decimal_places would add different units. Compute these in
   Python, from Decimals.
"""

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.core import checks
from django.core.exceptions import EmptyResultSet
from django.db import DataError, models
from django.db.models import lookups

# An SQLite INTEGER is 64-bit signed: 18 digits always fit.
SQLITE_MAX_DIGITS = 18


def _on_sqlite(connection) -> bool:
    return connection.vendor == "sqlite"


class ExactDecimalField(models.DecimalField):
    """A DecimalField that is exact on every supported database (see the module docstring).

    max_digits and decimal_places mean what they mean for DecimalField (forms, validation, and
    PostgreSQL's numeric(p, s)), whatever the database.
    """

    def get_internal_type(self) -> str:
        # Not "DecimalField": SQLite's backend would otherwise read the column through floats
        # and wrap expressions in CAST(... AS NUMERIC).
        return "ExactDecimalField"

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.max_digits is not None and int(self.max_digits) > SQLITE_MAX_DIGITS:
            errors.append(
                checks.Error(
                    f"ExactDecimalField holds at most {SQLITE_MAX_DIGITS} digits: SQLite keeps "
                    "it as a 64-bit integer.",
                    obj=self,
                    id="portal.E001",
                )
            )
        return errors

    def db_type(self, connection):
        if _on_sqlite(connection):
            return "integer"
        column_type = connection.data_types["DecimalField"]
        data = self.db_type_parameters(connection)
        return column_type(data) if callable(column_type) else column_type % data

    def get_db_prep_value(self, value, connection, prepared=False):
        if not _on_sqlite(connection):
            return super().get_db_prep_value(value, connection, prepared)
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or hasattr(value, "as_sql"):
            return value
        # Rounded half away from zero on the way in, as PostgreSQL does for numeric(p, s).
        scaled = self.scaled(self.to_python(value), ROUND_HALF_UP)
        if abs(scaled) >= self.scaled_limit:
            # PostgreSQL's "numeric field overflow" is a DataError too.
            raise DataError(
                f"{value} does not fit in {self.max_digits} digits with "
                f"{self.decimal_places} decimal places."
            )
        return scaled

    def from_db_value(self, value, expression, connection):
        if value is None or not _on_sqlite(connection):
            return value
        if not isinstance(value, int):
            # Only an expression left without this field as output_field gets here with a
            # float or text: guessing its scale would give a wrong amount.
            raise TypeError(
                f"{expression!r} gave {value!r} where a scaled integer was expected: give the "
                "expression output_field=ExactDecimalField(...)."
            )
        return Decimal(value).scaleb(-self.decimal_places)

    def scaled(self, value: Decimal, rounding: str) -> int:
        """``value`` as the integer SQLite stores, rounded with ``rounding`` if it has more
        decimals than the column."""
        return int(value.scaleb(self.decimal_places).to_integral_value(rounding=rounding))

    @property
    def scaled_limit(self) -> int:
        """One more than the largest scaled integer the column can hold."""
        return 10 ** int(self.max_digits)


class _SQLiteScaledLookup:
    """A lookup against values: on SQLite, the values become the column's scaled integers."""

    def get_db_prep_lookup(self, value, connection):
        field = self.lhs.output_field
        if not _on_sqlite(connection) or not isinstance(field, ExactDecimalField):
            return super().get_db_prep_lookup(value, connection)
        values = value if self.get_db_prep_lookup_value_is_iterable else [value]
        return "%s", self.scaled_values(field, values)


class _SQLiteScaledBound(_SQLiteScaledLookup):
    """Comparisons: a value with more decimals than the column is rounded the way that keeps
    the answer (with cents, x >= 0.125 is x >= 0.13 and x > 0.125 is x > 0.12); one beyond the
    column's digits is brought back to just outside them. Both as PostgreSQL answers, comparing
    exactly."""

    # For each value of the lookup, in order (range has two bounds).
    roundings: tuple[str, ...] = ()

    def scaled_values(self, field: ExactDecimalField, values) -> list:
        limit = field.scaled_limit
        return [
            value
            if hasattr(value, "as_sql")
            else max(-limit, min(limit, field.scaled(field.to_python(value), rounding)))
            for value, rounding in zip(values, self.roundings, strict=True)
        ]


class _SQLiteScaledEquality(_SQLiteScaledLookup):
    """Equality: a value no row can hold (more decimals or digits than the column) matches
    nothing, and is left out of an ``in`` list."""

    def scaled_values(self, field: ExactDecimalField, values) -> list:
        kept = []
        for value in values:
            if hasattr(value, "as_sql"):
                kept.append(value)
                continue
            exact = field.to_python(value)
            scaled = field.scaled(exact, ROUND_FLOOR)
            if scaled == exact.scaleb(field.decimal_places) and abs(scaled) < field.scaled_limit:
                kept.append(scaled)
        if not kept:
            raise EmptyResultSet
        return kept


@ExactDecimalField.register_lookup
class ExactDecimalExact(_SQLiteScaledEquality, lookups.Exact):
    pass


@ExactDecimalField.register_lookup
class ExactDecimalIn(_SQLiteScaledEquality, lookups.In):
    pass


@ExactDecimalField.register_lookup
class ExactDecimalGreaterThan(_SQLiteScaledBound, lookups.GreaterThan):
    roundings = (ROUND_FLOOR,)


@ExactDecimalField.register_lookup
class ExactDecimalGreaterThanOrEqual(_SQLiteScaledBound, lookups.GreaterThanOrEqual):
    roundings = (ROUND_CEILING,)


@ExactDecimalField.register_lookup
class ExactDecimalLessThan(_SQLiteScaledBound, lookups.LessThan):
    roundings = (ROUND_CEILING,)


@ExactDecimalField.register_lookup
class ExactDecimalLessThanOrEqual(_SQLiteScaledBound, lookups.LessThanOrEqual):
    roundings = (ROUND_FLOOR,)


@ExactDecimalField.register_lookup
class ExactDecimalRange(_SQLiteScaledBound, lookups.Range):
    # BETWEEN low AND high: the low bound is rounded up, the high one down.
    roundings = (ROUND_CEILING, ROUND_FLOOR)
