"""JSON on the wire: Decimal-exact encoding, strict reading of answers, Chorus Pro date formats.

Everything here is internal to the client; French field names live in the operation modules.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from .errors import ChorusProtocolError

# Chorus Pro writes local French time without an offset in "YYYY-MM-DD HH:MM" stamps (contract §2).
# [U] §2 does not name the time zone; we choose Europe/Paris, the platform's home, so that callers
# always receive aware datetimes.
CHORUS_TZ = ZoneInfo("Europe/Paris")


# --- encoding -------------------------------------------------------------------------------------

def dumps(value: Any) -> str:
    """Serialise to compact JSON, writing Decimals as JSON numbers digit for digit (no float)."""
    return "".join(_encode(value))


def _encode(value: Any) -> Iterator[str]:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot send a non-finite amount to Chorus Pro: {value}")
        # Fixed notation: "1E+2" is valid JSON but surprising in support logs and foreign parsers.
        yield format(value, "f")
    elif isinstance(value, bool) or value is None or isinstance(value, int | str):
        yield json.dumps(value, ensure_ascii=False)
    elif isinstance(value, float):
        raise TypeError("floats are not accepted for Chorus Pro payloads; use Decimal")
    elif isinstance(value, Enum):
        yield json.dumps(value.value, ensure_ascii=False)
    elif isinstance(value, Mapping):
        yield "{"
        for index, (key, item) in enumerate(value.items()):
            if index:
                yield ","
            yield json.dumps(str(key), ensure_ascii=False)
            yield ":"
            yield from _encode(item)
        yield "}"
    elif isinstance(value, list | tuple):
        yield "["
        for index, item in enumerate(value):
            if index:
                yield ","
            yield from _encode(item)
        yield "]"
    else:
        raise TypeError(f"cannot encode {type(value).__name__} for Chorus Pro")


def loads(text: str | bytes) -> Any:
    """Parse JSON with every non-integer number as a Decimal (money must never become a float)."""
    return json.loads(text, parse_float=Decimal)


def compact(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Drop the keys whose value is None: Chorus Pro treats an absent field as "not given"."""
    return {key: value for key, value in fields.items() if value is not None}


def format_date(value: date | None) -> str | None:
    """``YYYY-MM-DD``, the input format of every date field (contract §2)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def format_period_bound(value: date | datetime | None) -> str | None:
    """A ``periode...Du/Au`` bound: ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS`` (contract §2 [S]).

    [U] §2 does not say in which zone a time-of-day bound is read; aware datetimes are converted to
    Europe/Paris, the zone Chorus Pro writes its own stamps in.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(CHORUS_TZ)
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    return value.isoformat()


# --- decoding -------------------------------------------------------------------------------------

class Reader:
    """Strict access to one JSON object of an answer; errors name the operation and the path."""

    def __init__(self, data: Any, *, operation: str, path: str = "") -> None:
        if not isinstance(data, dict):
            raise ChorusProtocolError(
                f"expected an object at {path or 'the top level'}, got {type(data).__name__}",
                operation=operation)
        self.data = data
        self.operation = operation
        self.path = path

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _fail(self, key: str, problem: str) -> ChorusProtocolError:
        return ChorusProtocolError(f"{problem} field {self._where(key)!r} in the answer",
                                   operation=self.operation)

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def _required(self, key: str) -> Any:
        value = self.data.get(key)
        if value is None or value == "":
            raise self._fail(key, "missing required")
        return value

    # strings
    def text(self, key: str) -> str:
        value = self._required(key)
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise self._fail(key, "non-text")
        return str(value)

    def opt_text(self, key: str) -> str | None:
        return self.text(key) if self.has(key) and self.data[key] != "" else None

    # integers (identifiers)
    def integer(self, key: str) -> int:
        value = self._required(key)
        if isinstance(value, bool):
            raise self._fail(key, "non-integer")
        try:
            # Some identifiers arrive as strings of digits; accept them.
            number = Decimal(value) if isinstance(value, str) else value
            if isinstance(number, Decimal):
                if number != number.to_integral_value():
                    raise ValueError
                return int(number)
            if isinstance(number, int):
                return number
        except (ValueError, InvalidOperation):
            pass
        raise self._fail(key, "non-integer")

    def opt_integer(self, key: str) -> int | None:
        return self.integer(key) if self.has(key) and self.data[key] != "" else None

    # money and rates
    def amount(self, key: str) -> Decimal:
        value = self._required(key)
        if isinstance(value, bool):
            raise self._fail(key, "non-numeric")
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int | str):
            try:
                return Decimal(value)
            except InvalidOperation:
                pass
        raise self._fail(key, "non-numeric")

    def opt_amount(self, key: str) -> Decimal | None:
        return self.amount(key) if self.has(key) and self.data[key] != "" else None

    # booleans
    def boolean(self, key: str) -> bool:
        value = self._required(key)
        if isinstance(value, bool):
            return value
        # [U] §2 only shows JSON booleans; tolerate "true"/"false" strings as PAS's PHP does.
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise self._fail(key, "non-boolean")

    def opt_boolean(self, key: str) -> bool | None:
        return self.boolean(key) if self.has(key) else None

    def flag(self, key: str) -> bool:
        """A boolean that defaults to False when absent (routing parameters, flags)."""
        return self.opt_boolean(key) or False

    # dates
    def day(self, key: str) -> date:
        text = self.text(key)
        try:
            # A date field may carry a full timestamp (contract §5.3, FE sample): keep the day.
            return date.fromisoformat(text[:10])
        except ValueError:
            raise self._fail(key, "badly formatted date") from None

    def opt_day(self, key: str) -> date | None:
        return self.day(key) if self.has(key) and self.data[key] != "" else None

    def moment(self, key: str) -> datetime:
        text = self.text(key)
        try:
            # Handles "YYYY-MM-DD HH:MM", ISO with milliseconds and offset, and "Z" (contract §2).
            value = datetime.fromisoformat(text)
        except ValueError:
            raise self._fail(key, "badly formatted timestamp") from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=CHORUS_TZ)
        return value

    def opt_moment(self, key: str) -> datetime | None:
        return self.moment(key) if self.has(key) and self.data[key] != "" else None

    # enumerations
    def enum[E: Enum](self, key: str, kind: type[E]) -> E:
        value = self.text(key)
        try:
            return kind(value)
        except ValueError:
            raise self._fail(key, f"unknown {kind.__name__} value {value!r} in") from None

    def opt_enum[E: Enum](self, key: str, kind: type[E]) -> E | None:
        return self.enum(key, kind) if self.has(key) and self.data[key] != "" else None

    # nesting
    def obj(self, key: str) -> Reader:
        return Reader(self._required(key), operation=self.operation, path=self._where(key))

    def opt_obj(self, key: str) -> Reader | None:
        return self.obj(key) if self.has(key) else None

    def items(self, key: str) -> list[Reader]:
        """The objects of a list; a bare object counts as a one-element list (§11.10)."""
        return [Reader(item, operation=self.operation, path=f"{self._where(key)}[{index}]")
                for index, item in enumerate(self.raw_list(key))]

    def raw_list(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return value
        # Chorus Pro (PAS, COMM sample) sometimes sends a one-element list as the element itself.
        return [value]
