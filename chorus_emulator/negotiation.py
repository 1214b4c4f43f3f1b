"""Content negotiation as PISTE enforces it before any Chorus Pro operation (annexe v6.1 §1.7).

- 415 when ``Content-Type`` is missing or not JSON, or when ``Accept`` admits no JSON answer
  ("content-type et/ou Accept doivent être valorisés à : application/json");
- 406 when ``Accept-Charset`` or ``Accept-Language`` admits nothing the API can answer in
  ("Format encodage erroné dans le Header (Accept-Charset et Accept-Language)"): answers are UTF-8
  (§1.2) and French, with English for the lists that take ``codeLangue``.

[U] §1.3 also names 406 for an ``Accept`` the service cannot satisfy; §1.7, the table of return
codes, puts ``Accept`` with 415 and is what we follow. ``Accept-Encoding`` is not checked: the
identity encoding is always acceptable (RFC 9110 §12.5.3).
"""

from chorus_emulator.protocol import ApiError

JSON_RANGES = frozenset({"*/*", "application/*", "application/json"})
CHARSETS = frozenset({"utf-8", "utf8", "*"})
LANGUAGES = frozenset({"fr", "en", "*"})


def _ranges(header: str) -> list[tuple[str, dict[str, str]]]:
    """The admitted values of a comma-separated header: (value, parameters), ``q=0`` left out."""
    admitted = []
    for item in header.split(","):
        value, *raw_params = (part.strip() for part in item.split(";"))
        params = {}
        for raw in raw_params:
            key, _, param = raw.partition("=")
            params[key.strip().lower()] = param.strip().strip('"').lower()
        try:
            weight = float(params.pop("q", "1"))
        except ValueError:
            weight = 0.0  # an unreadable weight admits nothing
        if value and weight > 0:
            admitted.append((value.lower(), params))
    return admitted


def is_json(content_type: str | None) -> bool:
    media, *params = (content_type or "").lower().split(";")
    charset = next((p.split("=", 1)[1].strip().strip('"') for p in params
                    if p.strip().startswith("charset=")), "utf-8")
    return media.strip() == "application/json" and charset in CHARSETS


def _accepts_json(accept: str) -> bool:
    return any(value in JSON_RANGES and params.get("charset", "utf-8") in CHARSETS
               for value, params in _ranges(accept))


def check(headers) -> None:
    """Raise the answer PISTE gives when the request's headers ask for what it cannot send."""
    accept = headers.get("Accept")
    if accept and not _accepts_json(accept):
        raise ApiError(415, {"error": "Unsupported Media Type",
                             "error_description": "Accept doit admettre application/json."})
    charset = headers.get("Accept-Charset")
    if charset and not any(value in CHARSETS for value, _ in _ranges(charset)):
        raise ApiError(406, {"error": "Not Acceptable",
                             "error_description": "Accept-Charset doit admettre UTF-8."})
    language = headers.get("Accept-Language")
    if language and not any(value.split("-")[0] in LANGUAGES for value, _ in _ranges(language)):
        raise ApiError(406, {"error": "Not Acceptable",
                             "error_description": "Accept-Language doit admettre fr ou en."})
