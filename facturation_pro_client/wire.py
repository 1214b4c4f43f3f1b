"""JSON on the wire: amounts as exact decimal strings, strict reading of answers.

Facturation.pro writes amounts and rates as strings (``"total": "700.0"``, ``"vat": "0.200"``)
and reads them the same way; dates are ``YYYY-MM-DD`` and stamps ISO 8601. Everything here is
internal to the client.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from .errors import FacturationProProtocolError


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot send a non-finite amount to Facturation.pro: {value}")
        # Fixed notation, as the doc's own examples ("unit_price": "500", "total": "100.0").
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError("floats are not accepted in Facturation.pro payloads; use Decimal")
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def dumps(value: Any) -> str:
    """Compact JSON with Decimals as strings, dates as ``YYYY-MM-DD`` and enums as their value."""
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    """Parse JSON with every non-integer number as a Decimal (money never becomes a float)."""
    return json.loads(text, parse_float=Decimal)


def compact(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Drop the keys whose value is None: an absent field is "not given" / "not changed"."""
    return {key: value for key, value in fields.items() if value is not None}


class Reader:
    """Strict access to one JSON object of an answer; errors name the operation and the path."""

    def __init__(self, data: Any, *, operation: str, path: str = "") -> None:
        if not isinstance(data, dict):
            raise FacturationProProtocolError(
                f"expected an object at {path or 'the top level'}, got {type(data).__name__}",
                operation=operation)
        self.data = data
        self.operation = operation
        self.path = path

    def _fail(self, key: str, problem: str) -> FacturationProProtocolError:
        where = f"{self.path}.{key}" if self.path else key
        return FacturationProProtocolError(f"{problem} field {where!r} in the answer",
                                           operation=self.operation)

    def has(self, key: str) -> bool:
        return self.data.get(key) not in (None, "")

    def _required(self, key: str) -> Any:
        if not self.has(key):
            raise self._fail(key, "missing required")
        return self.data[key]

    def text(self, key: str) -> str:
        value = self._required(key)
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self._fail(key, "non-text")
        return str(value)

    def opt_text(self, key: str) -> str | None:
        return self.text(key) if self.has(key) else None

    def integer(self, key: str) -> int:
        value = self._required(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        raise self._fail(key, "non-integer")

    def opt_integer(self, key: str) -> int | None:
        return self.integer(key) if self.has(key) else None

    def amount(self, key: str) -> Decimal:
        value = self._required(key)
        if isinstance(value, Decimal | int | str) and not isinstance(value, bool):
            try:
                number = Decimal(value)
            except InvalidOperation:
                number = None
            if number is not None and number.is_finite():
                return number
        raise self._fail(key, "non-numeric")

    def opt_amount(self, key: str) -> Decimal | None:
        return self.amount(key) if self.has(key) else None

    def flag(self, key: str) -> bool:
        """A boolean that counts as False when absent or null."""
        value = self.data.get(key)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if value in ("true", "false", "1", "0", 1, 0):
            return value in ("true", "1", 1)
        raise self._fail(key, "non-boolean")

    def day(self, key: str) -> date:
        try:
            return date.fromisoformat(self.text(key)[:10])
        except ValueError:
            raise self._fail(key, "badly formatted date") from None

    def opt_day(self, key: str) -> date | None:
        return self.day(key) if self.has(key) else None

    def opt_moment(self, key: str) -> datetime | None:
        if not self.has(key):
            return None
        try:
            return datetime.fromisoformat(self.text(key).replace(" ", "T", 1))
        except ValueError:
            raise self._fail(key, "badly formatted timestamp") from None

    def enum[E: Enum](self, key: str, kind: type[E]) -> E:
        value = self._required(key)
        try:
            return kind(int(value) if isinstance(value, str) and value.isdigit() else value)
        except (ValueError, TypeError):
            raise self._fail(key, f"unknown {kind.__name__} value {value!r} in") from None

    def opt_enum[E: Enum](self, key: str, kind: type[E]) -> E | None:
        return self.enum(key, kind) if self.has(key) else None

    def items(self, key: str) -> list[Reader]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, "non-list")
        where = f"{self.path}.{key}" if self.path else key
        return [Reader(item, operation=self.operation, path=f"{where}[{index}]")
                for index, item in enumerate(value)]

    def opt_items(self, key: str) -> list[Reader] | None:
        """None when the answer left the list out (a list without ``with_details``)."""
        return self.items(key) if key in self.data else None
