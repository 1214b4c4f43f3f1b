"""Invoice arithmetic, in Decimal, rounded to the cent the way EN 16931 does it.

1. Each line: quantity × unit price − discount, rounded half-up to the cent.
2. VAT breakdown: lines grouped by rate; taxable amount = sum of the rounded line totals; VAT =
   taxable amount × rate, rounded once per rate (not per line).
3. Total excl. VAT = sum of the line totals; total VAT = sum of the breakdown's VAT; total incl. VAT
   = both; amount due = total incl. VAT, or zero for an invoice already paid (framework A2).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal = ZERO
    # None for a line exempt from VAT: it counts in the 0 % group.
    vat_rate: Decimal | None = None


@dataclass(frozen=True)
class VatGroup:
    rate: Decimal
    taxable_amount: Decimal
    vat_amount: Decimal


@dataclass(frozen=True)
class Totals:
    line_totals: tuple[Decimal, ...]
    vat_groups: tuple[VatGroup, ...]
    total_excl_tax: Decimal
    total_vat: Decimal
    total_incl_tax: Decimal
    amount_due: Decimal


def line_total(line: LineAmounts) -> Decimal:
    return cents(line.quantity * line.unit_price - line.discount)


def totals_compute(lines: Iterable[LineAmounts], *, already_paid: bool = False) -> Totals:
    lines = list(lines)
    line_totals = tuple(line_total(line) for line in lines)
    taxable_by_rate: dict[Decimal, Decimal] = {}
    for line, amount in zip(lines, line_totals, strict=True):
        rate = cents(line.vat_rate) if line.vat_rate is not None else ZERO
        taxable_by_rate[rate] = taxable_by_rate.get(rate, ZERO) + amount
    vat_groups = tuple(
        VatGroup(rate=rate, taxable_amount=taxable, vat_amount=cents(taxable * rate / HUNDRED))
        for rate, taxable in sorted(taxable_by_rate.items())
    )
    total_excl_tax = sum(line_totals, ZERO)
    total_vat = sum((group.vat_amount for group in vat_groups), ZERO)
    total_incl_tax = total_excl_tax + total_vat
    return Totals(
        line_totals=line_totals,
        vat_groups=vat_groups,
        total_excl_tax=total_excl_tax,
        total_vat=total_vat,
        total_incl_tax=total_incl_tax,
        amount_due=ZERO if already_paid else total_incl_tax,
    )
