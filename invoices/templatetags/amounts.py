"""Numbers on invoices as people read them, in the reader's language: amounts with grouped
thousands and two decimals ("1 764,00 EUR"), quantities, prices and rates without useless zeros
("3", "450,00", "5,5 %"). Stored values keep their full precision; only the display changes.
"""

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django import template
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language

register = template.Library()
NBSP = "\u00a0"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@lru_cache(maxsize=16)
def _separators(language: str | None) -> tuple[str, str, object]:
    return tuple(
        get_format(name, language, use_l10n=True)
        for name in ("DECIMAL_SEPARATOR", "THOUSAND_SEPARATOR", "NUMBER_GROUPING")
    )


def _grouped(value: Decimal, places: int) -> str:
    """number_format(value, places, force_grouping=True), in one pass for what invoices hold (a
    page of 200 lines formats a thousand numbers; Django's generic function was most of its
    time): extra decimals cut, missing ones padded, thousands grouped by three."""
    decimal_separator, thousand_separator, grouping = _separators(get_language())
    if grouping != 3 or not value.is_finite() or value.is_signed():
        return number_format(value, places, force_grouping=True)
    whole, _dot, decimals = format(value, "f").partition(".")
    text = f"{int(whole):,}".replace(",", thousand_separator)
    if places > 0:
        text += decimal_separator + decimals[:places].ljust(places, "0")
    return text


def _trimmed(value: Decimal, *, min_decimals: int = 0) -> str:
    """The digits that matter, at least ``min_decimals`` of them, grouped and localized."""
    digits = format(value.normalize(), "f")
    decimals = len(digits.partition(".")[2])
    return _grouped(value, max(decimals, min_decimals))


@register.filter
def amount(value, currency: str = "") -> str:
    """1764 -> "1 764,00 EUR" (French) or "1,764.00 EUR" (English)."""
    number = _decimal(value)
    if number is None:
        return ""
    text = _grouped(number, 2)
    return f"{text}{NBSP}{currency}" if currency else text


@register.filter
def quantity(value) -> str:
    """3.0000 -> "3"; 2.5000 -> "2,5"."""
    number = _decimal(value)
    return "" if number is None else _trimmed(number)


@register.filter
def price(value) -> str:
    """A unit price: cents always, finer digits only when the price has them (450.000000 ->
    "450,00"; 0.125000 -> "0,125")."""
    number = _decimal(value)
    return "" if number is None else _trimmed(number, min_decimals=2)


@register.filter
def rate(value) -> str:
    """A VAT rate: 20.00 -> "20 %" in French (a space before %), "20%" in English."""
    number = _decimal(value)
    if number is None:
        return ""
    space = NBSP if (get_language() or "").startswith("fr") else ""
    return f"{_trimmed(number)}{space}%"
