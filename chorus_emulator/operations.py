"""The registry of API operations.

- Legacy operations (``POST /cpro/factures/v1/soumettre``...) are keyed by their path under /cpro/:
  one verb, a JSON envelope.
- Resources of the new REST APIs (Référentiel des Organisations, Engagements) are registered with
  their verb and a path pattern whose ``{name}`` segments are path parameters.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

OPERATIONS: dict[str, Callable] = {}
RESOURCES: list["Resource"] = []


@dataclass
class Context:
    app: object
    account: object  # world.Account; None for health-check

    @property
    def store(self):
        return self.app.store

    @property
    def world(self):
        return self.app.world

    @property
    def clock(self):
        return self.app.clock

    @property
    def login(self) -> str | None:
        return self.account.login if self.account else None


class RawResponse:
    """An answer that is not a plain 200 JSON envelope (e.g. 413 on downloads)."""

    def __init__(self, status: int, body: dict, headers: dict | None = None):
        self.status = status
        self.body = body
        self.headers = headers or {}


def operation(path: str):
    def register(function: Callable) -> Callable:
        OPERATIONS[path] = function
        return function
    return register


@dataclass(frozen=True)
class Resource:
    """A resource-style operation: ``handler(ctx, request)`` answers ``method pattern``."""

    method: str
    pattern: str
    handler: Callable
    regex: re.Pattern = field(compare=False)
    # More literal segments = more specific: ``engagement/healthcheck`` wins over
    # ``engagement/{id}``, ``structures/recherche`` over ``structures/{uuid_identifiant}``.
    literal_segments: int = 0


@dataclass(frozen=True)
class ResourceRequest:
    params: dict[str, str]  # path parameters, URL-decoded
    body: dict
    query: dict[str, str]


def resource(method: str, pattern: str):
    """Register ``handler(ctx, request)`` for ``method`` on ``pattern`` (a path under /cpro/)."""
    segments = pattern.strip("/").split("/")
    regex = re.compile("/".join(
        f"(?P<{segment[1:-1]}>[^/]+)" if segment.startswith("{") else re.escape(segment)
        for segment in segments) + "$")
    literal = sum(not segment.startswith("{") for segment in segments)

    def register(function: Callable) -> Callable:
        RESOURCES.append(Resource(method, pattern.strip("/"), function, regex, literal))
        RESOURCES.sort(key=lambda r: -r.literal_segments)
        return function
    return register


def find_resources(path: str) -> list[tuple[Resource, dict[str, str]]]:
    """Every resource whose pattern matches ``path``, the most specific first."""
    found = []
    for candidate in RESOURCES:
        match = candidate.regex.match(path)
        if match:
            found.append((candidate, match.groupdict()))
    return found
