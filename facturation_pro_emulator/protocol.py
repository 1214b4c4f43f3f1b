"""Wire conventions shared by every endpoint: the route table, requests and answers, the
``{"errors": {...}}`` shape, and readers of JSON fields with Rails' French messages."""

import json
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from facturation_pro_emulator import amounts

NOT_FOUND = "The record could not be found"  # the doc's 404 reason phrase
BLANK = "doit être rempli(e)"
NOT_A_NUMBER = "n'est pas un nombre"
NOT_A_DATE = "n'est pas une date valide"
NOT_IN_LIST = "n'est pas inclus(e) dans la liste"


class ApiError(Exception):
    """An error answer: ``{"errors": {field: [messages]}}``, ``base`` for the record."""

    def __init__(self, status: int, errors: dict[str, list[str]], reason: str | None = None):
        super().__init__(errors)
        self.status = status
        self.errors = errors
        self.reason = reason


def not_found() -> ApiError:
    return ApiError(404, {"base": [NOT_FOUND]}, NOT_FOUND)


def invalid(errors: dict[str, list[str]]) -> ApiError:
    return ApiError(422, errors)


@dataclass
class Request:
    app: object
    method: str
    operation: str
    account: dict
    ids: tuple[int, ...]
    query: dict[str, str]
    body: dict | None
    raw: bytes
    content_type: str
    base_url: str

    @property
    def firm_id(self) -> int:
        return self.ids[0]

    @property
    def store(self):
        return self.app.store

    @property
    def clock(self):
        return self.app.clock


@dataclass
class Response:
    status: int = 200
    body: object = None  # JSON-able; None with no ``content`` means an empty body
    content: bytes | None = None
    content_type: str = "application/json; charset=utf-8"
    headers: dict = field(default_factory=dict)
    reason: str | None = None


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # the doc's path: /firms/FIRM_ID/invoices/ID.json
    pattern: re.Pattern
    handler: Callable[[Request], Response]

    @property
    def operation(self) -> str:
        return f"{self.method} {self.template}"


ROUTES: list[Route] = []


def route(method: str, template: str):
    """Register ``handler`` for the doc's ``METHOD /path`` (FIRM_ID, ID... become numbers)."""
    regex = re.escape(template)
    for name in ("FIRM_ID", "INVOICE_ID", "ID"):
        regex = regex.replace(name, r"(\d+)")

    def register(handler):
        ROUTES.append(Route(method, template, re.compile(regex), handler))
        return handler
    return register


def resolve(method: str, path: str) -> tuple[Route | None, tuple[int, ...]]:
    """The route of ``METHOD path`` and the ids in its path; [U] another method on a known
    path is unknown too (Rails' "No route matches": 404)."""
    for candidate in ROUTES:
        match = candidate.pattern.fullmatch(path)
        if match and candidate.method == method:
            return candidate, tuple(int(group) for group in match.groups())
    return None, ()


def dumps(payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False,
                      default=lambda v: str(v) if isinstance(v, Decimal) else None).encode()


# Field readers --------------------------------------------------------------------------------
class Fields:
    """Reads a JSON body field by field, collecting errors in Rails' way (all at once)."""

    def __init__(self, body: dict, prefix: str = ""):
        self.body = body
        self.prefix = prefix
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(self.prefix + name, []).append(message)

    def given(self, name: str) -> bool:
        return name in self.body

    def _present(self, name: str, required: bool):
        """The value, or None when absent, null or empty (an error when ``required``)."""
        value = self.body.get(name)
        if value is None or value == "":
            if required:
                self.add(name, BLANK)
            return None
        return value

    def text(self, name: str, *, limit: int = 255, required: bool = False) -> str | None:
        value = self.body.get(name)
        if value is None or value == "":
            if required:
                self.add(name, BLANK)
            return None if value is None else ""
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            self.add(name, "n'est pas une chaîne de caractères")
            return None
        text = str(value)
        if len(text) > limit:
            self.add(name, f"est trop long (pas plus de {limit} caractères)")
        return text

    def integer(self, name: str, *, required: bool = False) -> int | None:
        value = self._present(name, required)
        if value is None:
            return None
        number = amounts.decimal(value)
        if number is None or number != number.to_integral_value():
            self.add(name, "doit être un nombre entier" if number is not None else NOT_A_NUMBER)
            return None
        return int(number)

    def amount(self, name: str, *, required: bool = False) -> Decimal | None:
        value = self._present(name, required)
        if value is None:
            return None
        number = amounts.decimal(value)
        if number is None:
            self.add(name, NOT_A_NUMBER)
        return number

    def day(self, name: str, *, required: bool = False) -> str | None:
        value = self._present(name, required)
        if value is None:
            return None
        try:
            # "Les dates doivent toujours être transmises au format AAAA-MM-DD".
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            return date.fromisoformat(value).isoformat()
        except ValueError:
            self.add(name, NOT_A_DATE)
            return None

    def boolean(self, name: str) -> bool | None:
        value = self.body.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if value in ("true", "false", "1", "0", 1, 0):
            return value in ("true", "1", 1)
        self.add(name, "n'est pas un booléen")
        return None

    def check(self) -> None:
        if self.errors:
            raise invalid(self.errors)


# Lists ----------------------------------------------------------------------------------------
def fold(text) -> str:
    """Case- and accent-insensitive form, as MySQL's default collation compares."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def contains(value, needle: str | None) -> bool:
    return needle is None or fold(needle) in fold(value)


def ordered(records: list, key, *, descending: bool, tie=lambda record: record["id"]) -> list:
    """Sorted with nulls first ascending and last descending (MySQL), the id breaking ties."""
    def sort_key(record):
        value = key(record)
        return (value is not None, value if value is not None else 0, tie(record))
    return sorted(records, key=sort_key, reverse=descending)


def descending(query: dict, default: str) -> bool:
    """``sort`` is ``asc`` or ``desc``; [U] anything else keeps the list's default."""
    sort = query.get("sort")
    return (sort if sort in ("asc", "desc") else default) == "desc"


def paged(request: Request, records: list, present) -> Response:
    """One page of ``records`` with the doc's ``X-Pagination`` header.

    [U] a page number that is not a positive integer counts as 1; beyond the last page the list
    is empty; an empty list still has one (empty) page, as will_paginate counts.
    """
    text = request.query.get("page", "1")
    number = int(text) if text.isdigit() and int(text) > 0 else 1
    size = request.app.config.per_page
    chunk = records[(number - 1) * size:number * size]
    info = {"current_page": number, "total_pages": max(1, math.ceil(len(records) / size)),
            "per_page": size, "total_entries": len(records)}
    return Response(body=[present(record) for record in chunk],
                    headers={"X-Pagination": json.dumps(info)})
