"""Faults injected on demand, and the per-operation call counts tests assert on."""

import itertools
import threading
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass

KINDS = ("latency", "http_error", "rate_limit", "expired_token", "account_unauthorized",
         "business_error", "drop_after_commit")
# Operation names are paths under /cpro/ ("factures/v1/soumettre"); the token endpoint is
# "oauth/token". "*" matches every /cpro operation but not the token endpoint, so that a fault
# meant for "the next API call" is not swallowed by a token request.
ALL = "*"
TOKEN_OPERATION = "oauth/token"  # noqa: S105 - an operation name, not a secret


@dataclass
class Fault:
    id: int
    kind: str
    operation: str = ALL
    count: int = 1
    delay_ms: int = 0
    status: int = 503
    retry_after: int = 30
    code_retour: int = 20099
    libelle: str = "Erreur métier simulée par l'émulateur."

    def matches(self, operation: str) -> bool:
        if self.operation == ALL:
            return operation != TOKEN_OPERATION
        return self.operation.strip("/") == operation


class FaultBook:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, spec: dict) -> Fault:
        kind = spec.get("kind")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        fault = Fault(
            id=next(self._ids), kind=kind,
            operation=str(spec.get("operation") or ALL).strip("/") or ALL,
            count=int(spec.get("count") or 1),
            delay_ms=int(spec.get("delay_ms", spec.get("delayMs", 0)) or 0),
            status=int(spec.get("status") or (429 if kind == "rate_limit" else 503)),
            retry_after=int(spec.get("retry_after", spec.get("retryAfter", 30))),
            code_retour=int(spec.get("code_retour", spec.get("codeRetour", 20099))),
            libelle=str(spec.get("libelle") or Fault.libelle),
        )
        if fault.count < 1:
            raise ValueError("count must be at least 1")
        if kind == "http_error" and fault.status not in (500, 502, 503, 504):
            raise ValueError("http_error status must be 500, 502, 503 or 504")
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, operation: str) -> list[Fault]:
        """Consume one use of every fault matching ``operation``."""
        taken = []
        with self._lock:
            for fault in list(self._faults):
                if fault.matches(operation):
                    fault.count -= 1
                    taken.append(fault)
                    if fault.count <= 0:
                        self._faults.remove(fault)
        return taken

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def listing(self) -> list[dict]:
        with self._lock:
            return [asdict(f) for f in self._faults]


class CallLog:
    def __init__(self):
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self._operations: Counter = Counter()
            self._accounts: defaultdict[str, Counter] = defaultdict(Counter)

    def record(self, operation: str, login: str | None) -> None:
        with self._lock:
            self._operations[operation] += 1
            if login:
                self._accounts[login][operation] += 1

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "total": sum(self._operations.values()),
                "operations": dict(self._operations),
                "accounts": {login: {"total": sum(ops.values()), "operations": dict(ops)}
                             for login, ops in self._accounts.items()},
            }
