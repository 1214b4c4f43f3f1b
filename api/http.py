"""The API's answers: JSON without a root element, errors as {"errors": {field: [messages]}},
lists paged with an X-Pagination header (Facturation.pro's conventions)."""

import json
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

DEFAULT_PER_PAGE = 50
# The key of an error that belongs to no field.
BASE = "base"


class ApiError(Exception):
    """Answer ``status`` with ``errors``; raised anywhere below a view, changes nothing (the
    view's transaction is rolled back)."""

    def __init__(self, status: int, errors: dict[str, list[str]], headers=None) -> None:
        super().__init__(status, errors)
        self.status = status
        self.errors = {key: [str(message) for message in values] for key, values in errors.items()}
        self.headers = headers or {}


def error(status: int, message, field: str = BASE) -> ApiError:
    return ApiError(status, {field: [message]})


def json_response(data: Any, status: int = 200, headers=None) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(api_error: ApiError) -> HttpResponse:
    return json_response({"errors": api_error.errors}, api_error.status, api_error.headers)


def form_errors(form) -> dict[str, list[str]]:
    """A Django form's errors, under the API's field names ("__all__" becomes "base")."""
    return {
        (BASE if name == "__all__" else name): [str(message) for message in messages]
        for name, messages in form.errors.items()
    }


def json_body(request, *, allowed: set[str]) -> dict:
    """The request's JSON object; unknown fields, another content type or bad JSON are 4xx."""
    content_type = request.content_type or ""
    if content_type != "application/json":
        raise error(415, "Send a JSON body with Content-Type: application/json.")
    try:
        data = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError) as exc:
        raise error(400, f"Malformed JSON: {exc}") from None
    if not isinstance(data, dict):
        raise error(400, "The body must be a JSON object.")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(422, {name: ["Unknown field."] for name in unknown})
    if _has_nul(data):
        # PostgreSQL stores no NUL character, in text or JSON columns.
        raise error(422, "Text cannot contain NUL characters.")
    return data


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def form_fields_without_nul(request) -> None:
    """The text fields of a multipart request, refused when one holds a NUL character."""
    for name, values in request.POST.lists():
        if any("\x00" in value for value in values):
            raise error(422, "Text cannot contain NUL characters.", name)


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    def header(self) -> str:
        return json.dumps(
            {
                "current_page": self.page,
                "total_pages": self.pages,
                "per_page": self.per_page,
                "total_entries": self.total,
                "page": self.page,
                "pages": self.pages,
                "total": self.total,
            }
        )


def page_numbers(request) -> tuple[int, int]:
    """``page`` (from 1) and ``per_page`` (at most API_MAX_PER_PAGE) of a list request."""
    errors = {}
    values = {}
    for name, default in (("page", 1), ("per_page", DEFAULT_PER_PAGE)):
        raw = request.GET.get(name, "")
        if raw == "":
            values[name] = default
            continue
        if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
            errors[name] = ["A whole number from 1."]
            continue
        values[name] = int(raw)
    if "per_page" in values and values["per_page"] > settings.API_MAX_PER_PAGE:
        errors["per_page"] = [f"At most {settings.API_MAX_PER_PAGE}."]
    if errors:
        raise ApiError(422, errors)
    return values["page"], values["per_page"]


def paginate(request, queryset) -> Page:
    page, per_page = page_numbers(request)
    total = queryset.count()
    start = (page - 1) * per_page
    return Page(
        items=list(queryset[start : start + per_page]), page=page, per_page=per_page, total=total
    )


def list_response(page: Page, items: list) -> HttpResponse:
    return json_response(items, headers={"X-Pagination": page.header()})
