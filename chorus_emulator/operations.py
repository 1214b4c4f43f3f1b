"""The registry of API operations, keyed by their path under /cpro/."""

from collections.abc import Callable
from dataclasses import dataclass

OPERATIONS: dict[str, Callable] = {}


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
