"""Pytest plugin: a Chorus Pro emulator for any test suite.

Registered with ``-p chorus_emulator.pytest_plugin`` in pyproject's addopts. Fixtures:

- ``chorus_emulator`` (session): starts ``python -m chorus_emulator serve`` on a free port with
  a temporary database and ``--clock manual``, and yields an :class:`EmulatorHandle`;
- ``emulator`` (function): the same handle, reset to the fixture before the test.

Set ``CHORUS_EMULATOR_URL`` to reuse an emulator you started yourself (handy when debugging).
"""

import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from chorus_emulator.world import load_fixture

STARTUP_TIMEOUT = 30


class Admin:
    """Thin client of the admin API (/_emulator/...)."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def request(self, method: str, path: str, payload: dict | None = None, **params) -> dict:
        response = self.session.request(method, f"{self.base_url}/_emulator/{path}",
                                        json=payload, params=params or None, timeout=60)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self.request("POST", "reset", {})

    def add_fault(self, kind: str, operation: str = "*", count: int = 1, **options) -> dict:
        """options: delay_ms, status, retry_after, code_retour, libelle."""
        return self.request("POST", "faults", {"kind": kind, "operation": operation,
                                               "count": count, **options})["fault"]

    def clear_faults(self) -> None:
        self.request("DELETE", "faults")

    def faults(self) -> list[dict]:
        return self.request("GET", "faults")["faults"]

    def calls(self) -> dict:
        """{"total", "operations": {op: n}, "accounts": {login: {"total", "operations"}}}"""
        return self.request("GET", "calls")

    def clear_calls(self) -> None:
        self.request("DELETE", "calls")

    def advance(self, seconds: float) -> str:
        return self.request("POST", "clock/advance", {"seconds": seconds})["now"]

    def set_status(self, invoice_id: int, status: str, motif: str | None = None) -> dict:
        return self.request("POST", f"invoices/{invoice_id}/status",
                            {"status": status, "motif": motif})["invoice"]

    def seed_invoices(self, supplier_siret: str, recipient_siret: str, count: int,
                      status: str = "MISE_A_DISPOSITION", **options) -> dict:
        return self.request("POST", "seed/invoices", {
            "supplierSiret": supplier_siret, "recipientSiret": recipient_siret, "count": count,
            "status": status, **options})

    def seed_works(self, **fields) -> dict:
        """A works piece at any status: cadre, statut, marche, numero, montantHt,
        idPiecePrecedente (see works_admin.seed); returns its idFactureTravaux."""
        return self.request("POST", "seed/works", fields)

    def invoices(self, numero_facture: str | None = None) -> list[dict]:
        params = {"numeroFacture": numero_facture} if numero_facture else {}
        return self.request("GET", "invoices", **params)["invoices"]

    def configure(self, **settings) -> dict:
        """tokenTtl, maxDownloadBytes, stepSeconds, bareSingleLists, commitmentExistence404,
        structuresApiOff; reset() restores the defaults."""
        return self.request("POST", "config", settings)


@dataclass
class EmulatorHandle:
    base_url: str
    client_id: str
    client_secret: str
    accounts: dict[str, tuple[str, str]]  # SIRET -> (login, password)
    admin: Admin = field(init=False)

    def __post_init__(self):
        self.admin = Admin(self.base_url)

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/api/oauth/token"

    @property
    def api_base_url(self) -> str:
        return self.base_url

    def __getattr__(self, name):
        # reset(), add_fault(), calls()... are reachable on the handle itself too.
        if name.startswith("_") or name == "admin":
            raise AttributeError(name)
        return getattr(self.admin, name)


def fixture_credentials(fixture_path=None) -> tuple[str, str, dict[str, tuple[str, str]]]:
    document = load_fixture(fixture_path)
    client = document["oauthClients"][0]
    sirets = {s["idStructureCPP"]: s["identifiantStructure"] for s in document["structures"]}
    accounts = {}
    for account in document["comptesTechniques"]:
        for link in account["rattachements"]:
            accounts[sirets[link["idStructureCPP"]]] = (account["login"], account["password"])
    return client["clientId"], client["clientSecret"], accounts


def start_emulator(workdir: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    """Start ``serve`` on a free port; return the process and its base URL once healthy."""
    stderr = open(workdir / "emulator.log", "wb")  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "chorus_emulator", "serve", "--port", "0",
         "--db", str(workdir / "emulator.sqlite3"), "--clock", "manual", *extra],
        cwd=workdir, stdout=subprocess.PIPE, stderr=stderr)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=STARTUP_TIMEOUT).decode()
    except queue.Empty:
        line = ""
    if "listening on " not in line:
        process.kill()
        log = (workdir / "emulator.log").read_text(errors="replace")
        raise RuntimeError(f"the Chorus Pro emulator did not start:\n{line}\n{log}")
    base_url = line.strip().rsplit("listening on ", 1)[1]
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        try:
            if requests.get(f"{base_url}/_emulator/health", timeout=2).ok:
                return process, base_url
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the Chorus Pro emulator never became healthy")
        time.sleep(0.05)


def stop_emulator(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def chorus_emulator(tmp_path_factory):
    client_id, client_secret, accounts = fixture_credentials()
    external = os.environ.get("CHORUS_EMULATOR_URL")
    if external:
        yield EmulatorHandle(external.rstrip("/"), client_id, client_secret, accounts)
        return
    process, base_url = start_emulator(tmp_path_factory.mktemp("chorus_emulator"))
    try:
        yield EmulatorHandle(base_url, client_id, client_secret, accounts)
    finally:
        stop_emulator(process)


@pytest.fixture
def emulator(chorus_emulator):
    chorus_emulator.reset()
    return chorus_emulator
