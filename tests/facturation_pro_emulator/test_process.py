"""The emulator as a separate process: the documented command, its state file, its CLI."""

import signal
import subprocess
import sys

import pytest
import requests

from facturation_pro_emulator.pytest_plugin import FproEmulator, demo_accounts, start_emulator
from tests.facturation_pro_emulator.conftest import Caller


@pytest.mark.slow
def test_serve_keeps_its_state_in_the_db_across_restarts(tmp_path):
    process, base_url = start_emulator(tmp_path)
    try:
        caller = Caller(FproEmulator(base_url, demo_accounts()), 48201)
        assert caller.send("PATCH", "/firms/FIRM_ID/invoices/820005.json",
                           {"api_custom": "kept"}).ok
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0

    process, base_url = start_emulator(tmp_path)
    try:
        caller = Caller(FproEmulator(base_url, demo_accounts()), 48201)
        assert caller.ok("/firms/FIRM_ID/invoices/820005.json")["api_custom"] == "kept"
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


@pytest.mark.slow
def test_the_cli_drives_a_running_emulator(fpro, atelier):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "facturation_pro_emulator", *args,
                               "--url", fpro.base_url], capture_output=True, timeout=60,
                              check=True).stdout.decode()

    assert '"http_error"' in cli("fault", "--kind", "http_error", "--operation",
                                 "/account.json", "--status", "502")
    assert atelier.get("/account.json").status_code == 502
    assert '"per_window": 1' in cli("limits", "--per-window", "1")
    atelier.get("/account.json")
    assert atelier.get("/account.json").status_code == 429
    assert '"GET /account.json": 3' in cli("calls")
    cli("reset")
    assert atelier.get("/account.json").status_code == 200
    assert requests.get(f"{fpro.base_url}/_emulator/health", timeout=5).json()["status"] == "ok"
