"""Faults injected on demand, and the call counts tests assert on."""

import itertools
import threading
from collections import Counter, defaultdict, deque
from dataclasses import asdict, dataclass

KINDS = ("latency", "http_error", "rate_limit", "drop_after_commit")
ALL = "*"


@dataclass
class Fault:
    """``operation``: ``*``, a doc path (``/firms/FIRM_ID/invoices.json``, any method) or a doc
    heading (``POST /firms/FIRM_ID/invoices/INVOICE_ID/settlements.json``)."""

    id: int
    kind: str
    operation: str = ALL
    count: int = 1
    delay_ms: int = 0
    status: int = 503
    retry_after: int = 30

    def matches(self, operation: str) -> bool:
        return self.operation in (ALL, operation, operation.split(" ", 1)[-1])


class FaultBook:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, spec: dict) -> Fault:
        kind = spec.get("kind")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        fault = Fault(id=next(self._ids), kind=kind,
                      operation=str(spec.get("operation") or ALL).strip(),
                      count=int(spec.get("count") or 1),
                      delay_ms=int(spec.get("delay_ms") or 0),
                      status=int(spec.get("status") or (429 if kind == "rate_limit" else 503)),
                      retry_after=int(spec.get("retry_after", 30)))
        if fault.count < 1 or fault.delay_ms < 0 or fault.retry_after < 0:
            raise ValueError("count is at least 1; delay_ms and retry_after are not negative")
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
            return [asdict(fault) for fault in self._faults]


class CallLog:
    """Calls per operation and per API identifier, with the User-Agents each one sent."""

    def __init__(self):
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self._operations: Counter = Counter()
            self._accounts: defaultdict[str, Counter] = defaultdict(Counter)
            self._agents: defaultdict[str, deque] = defaultdict(lambda: deque(maxlen=5))
            self._unauthenticated = 0

    def record(self, operation: str, api_id: str | None, user_agent: str | None) -> None:
        with self._lock:
            self._operations[operation] += 1
            if api_id is None:
                self._unauthenticated += 1
                return
            self._accounts[api_id][operation] += 1
            if user_agent and user_agent not in self._agents[api_id]:
                self._agents[api_id].append(user_agent)

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "total": sum(self._operations.values()),
                "unauthenticated": self._unauthenticated,
                "operations": dict(self._operations),
                "accounts": {api_id: {"total": sum(ops.values()), "operations": dict(ops),
                                      "user_agents": list(self._agents[api_id])}
                             for api_id, ops in self._accounts.items()},
            }
