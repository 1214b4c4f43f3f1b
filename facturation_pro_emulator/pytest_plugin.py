"""Pytest plugin: a Facturation.pro emulator for any test suite.

Registered with ``-p facturation_pro_emulator.pytest_plugin`` in pyproject's addopts. Fixtures:

- ``fpro_emulator`` (session): starts ``python -m facturation_pro_emulator serve`` on a free
  port with a temporary database and yields a :class:`FproEmulator`;
- ``fpro`` (function): the same handle, reset to the demo world before the test.

Set ``FACTURATION_PRO_EMULATOR_URL`` to use an emulator you started yourself (when debugging).
"""

import os
import selectors
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from facturation_pro_emulator.world import load_fixture

STARTUP_TIMEOUT = 30


@dataclass(frozen=True)
class DemoAccount:
    """An account of the world: its ``/account.json`` id, API identifier and key, one firm."""

    account_id: int
    api_id: str
    api_key: str
    firm_id: int
    email: str


class FproEmulator:
    """A running emulator: its URL, the world's accounts, and the admin API (/_emulator/...)."""

    def __init__(self, base_url: str, accounts: dict[int, DemoAccount]):
        self.base_url = base_url.rstrip("/")
        self.accounts = accounts  # firm id -> the account holding it
        self.session = requests.Session()

    def admin(self, method: str, path: str, payload: dict | None = None) -> dict:
        response = self.session.request(method, f"{self.base_url}/_emulator/{path}",
                                        json=payload, timeout=60)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self.admin("POST", "reset", {})

    def add_fault(self, kind: str, operation: str = "*", count: int = 1, **options) -> dict:
        """kinds: latency (delay_ms), http_error (status), rate_limit (retry_after),
        drop_after_commit; ``operation``: "*", a doc path or "METHOD /doc/path"."""
        return self.admin("POST", "faults", {"kind": kind, "operation": operation,
                                             "count": count, **options})["fault"]

    def clear_faults(self) -> None:
        self.admin("DELETE", "faults")

    def calls(self) -> dict:
        """``{total, unauthenticated, operations: {op: n}, accounts: {api_id: {total,
        operations, user_agents}}}``."""
        return self.admin("GET", "calls")

    def configure(self, *, per_page: int | None = None, per_window: int | None = None,
                  window_seconds: int | None = None, per_day: int | None = None) -> dict:
        """Shrink pages or quotas until the next reset."""
        limits = {key: value for key, value in (("per_window", per_window),
                                                ("window_seconds", window_seconds),
                                                ("per_day", per_day)) if value is not None}
        payload: dict = {"rate_limits": limits} if limits else {}
        if per_page is not None:
            payload["per_page"] = per_page
        return self.admin("POST", "config", payload)

    def advance(self, seconds: float) -> str:
        return self.admin("POST", "clock/advance", {"seconds": seconds})["now"]

    def seed_invoices(self, firm_id: int, customer_id: int, count: int, **options) -> dict:
        """options: unit_price, vat, title, invoiced_on, draft."""
        return self.admin("POST", "seed/invoices", {"firm_id": firm_id,
                                                    "customer_id": customer_id,
                                                    "count": count, **options})


def demo_accounts(fixture_path=None) -> dict[int, DemoAccount]:
    accounts = {}
    for account in load_fixture(fixture_path)["accounts"]:
        for firm_id in account["firm_ids"]:
            accounts[firm_id] = DemoAccount(account["id"], account["api_id"],
                                            account["api_key"], firm_id, account["email"])
    return accounts


def start_emulator(workdir: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    """Start ``serve`` on a free port; return the process and its URL once it answers."""
    log = open(workdir / "fpro_emulator.log", "wb")  # noqa: SIM115 - lives with the process
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "facturation_pro_emulator", "serve", "--port", "0",
         "--db", str(workdir / "fpro_emulator.sqlite3"), *extra],
        cwd=workdir, stdout=subprocess.PIPE, stderr=log)
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        ready = selector.select(timeout=STARTUP_TIMEOUT)
    line = process.stdout.readline().decode() if ready else ""
    if "listening on " not in line:
        process.kill()
        raise RuntimeError("the Facturation.pro emulator did not start:\n"
                           + (workdir / "fpro_emulator.log").read_text(errors="replace"))
    base_url = line.strip().rsplit("listening on ", 1)[1]
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base_url}/_emulator/health", timeout=2).ok:
                return process, base_url
        except requests.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the Facturation.pro emulator never became healthy")


def stop_emulator(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def fpro_emulator(tmp_path_factory):
    external = os.environ.get("FACTURATION_PRO_EMULATOR_URL")
    if external:
        yield FproEmulator(external, demo_accounts())
        return
    process, base_url = start_emulator(tmp_path_factory.mktemp("fpro_emulator"))
    try:
        yield FproEmulator(base_url, demo_accounts())
    finally:
        stop_emulator(process)


@pytest.fixture
def fpro(fpro_emulator):
    fpro_emulator.reset()
    return fpro_emulator
