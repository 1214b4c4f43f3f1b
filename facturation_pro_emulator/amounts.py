"""Money as Facturation.pro computes and writes it: line totals, VAT per rate, balances, due dates.

Amounts are Decimal throughout and written as strings the way Rails writes a BigDecimal
(``"700.0"``, ``"837.2"``, ``"1234.56"``); VAT rates as fractions with three decimals
(``"0.200"``), as in the doc's samples.
"""

import calendar
import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal(0)


def decimal(value) -> Decimal | None:
    """A finite Decimal from a JSON number or string ("12,5" too), else None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def ruby(value: Decimal | str | None) -> str | None:
    """``Decimal("700.00")`` → ``"700.0"``: BigDecimal#to_s("F"), as the API writes amounts."""
    if value is None:
        return None
    text = format(Decimal(value).normalize(), "f")
    return text if "." in text else f"{text}.0"


def rate(value: Decimal | str) -> str:
    return format(Decimal(value).quantize(Decimal("0.001"), ROUND_HALF_UP), "f")


def billed(item: dict) -> bool:
    """Comments, titles, subtotals, page breaks and options do not count in the totals."""
    return not item.get("style") and not item.get("optional")


def line_total(item: dict) -> Decimal:
    if not billed(item):
        return ZERO
    return cents(Decimal(item["quantity"]) * Decimal(item["unit_price"]))


def vat_by_rate(invoice: dict) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(rate, base, VAT) per rate, highest rate first.

    [U] the doc does not say how it rounds: bases are summed per rate, the global rebate applied,
    then each rate's VAT is rounded to the cent (the French way, and what the client's
    ``vat_breakdown`` mirrors).
    """
    keep = 1 - Decimal(invoice.get("rebate_percentage") or 0) / 100
    bases: dict[Decimal, Decimal] = {}
    for item in invoice["items"]:
        if billed(item):
            vat = Decimal(item["vat"]).normalize()
            bases[vat] = bases.get(vat, ZERO) + line_total(item)
    return [(vat, cents(bases[vat] * keep), cents(cents(bases[vat] * keep) * vat))
            for vat in sorted(bases, reverse=True)]


def totals(invoice: dict) -> tuple[Decimal, Decimal, Decimal]:
    """(total excluding VAT, VAT, total including VAT) of an invoice."""
    rates = vat_by_rate(invoice)
    total = sum((base for _, base, _ in rates), ZERO)
    vat_total = sum((vat for _, _, vat in rates), ZERO)
    return total, vat_total, total + vat_total


def balance(invoice: dict, settlements: list[dict]) -> Decimal:
    """What remains due: nothing once paid, else the total less the settlements."""
    if invoice.get("paid_on"):
        return ZERO
    return totals(invoice)[2] - sum((Decimal(s["total"]) for s in settlements), ZERO)


_TERM = re.compile(r"(\d{1,3})(?:fm(\d{2})?)?(-inv)?")


def term_on(pay_before: str | None, invoiced_on: date, delivery_on: date | None) -> date | None:
    """The due date of a payment-term code (doc "Valeurs spécifiques / pay_before").

    ``30`` = 30 days net, ``30fm`` = 30 days then end of month, ``30fm10`` = then the 10th of the
    next month; counted from delivery, or from the invoice date with ``-inv``. ``0`` and
    ``cash``: the invoice date. Unknown (custom) codes: no computed date.
    """
    if pay_before in (None, "", "0", "cash"):
        return invoiced_on
    match = _TERM.fullmatch(pay_before)
    if match is None:
        return None
    days, day_of_next_month, from_invoice = match.groups()
    start = invoiced_on if from_invoice or delivery_on is None else delivery_on
    due = start + timedelta(days=int(days))
    if "fm" in pay_before:
        due = due.replace(day=calendar.monthrange(due.year, due.month)[1])
        if day_of_next_month:
            due = (due + timedelta(days=1)).replace(day=int(day_of_next_month))
    return due
