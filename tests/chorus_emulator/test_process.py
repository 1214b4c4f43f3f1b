"""The emulator as a separate process: the documented command, clocks, CLI and concurrency."""

import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from chorus_emulator.pytest_plugin import EmulatorHandle, start_emulator
from tests.chorus_emulator.conftest import Caller, fetch_token, invoice_body


def handle(chorus_emulator, base_url) -> EmulatorHandle:
    return EmulatorHandle(
        base_url, chorus_emulator.client_id, chorus_emulator.client_secret, chorus_emulator.accounts
    )


def supplier_of(emulator) -> Caller:
    return Caller(emulator, "12345678200010", fetch_token(emulator))


@pytest.mark.slow
def test_the_instant_clock_makes_invoices_available_at_once_and_state_survives_restart(
    tmp_path, chorus_emulator
):
    process, base_url = start_emulator(tmp_path, "--clock", "instant")
    try:
        emulator = handle(chorus_emulator, base_url)
        invoice_id = supplier_of(emulator).ok(
            "factures/v1/soumettre", invoice_body(number="INSTANT-1")
        )["identifiantFactureCPP"]
        assert emulator.invoices("INSTANT-1")[0]["statut"] == "MISE_A_DISPOSITION"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    assert (tmp_path / "emulator.sqlite3").exists()

    process, base_url = start_emulator(tmp_path, "--clock", "instant")
    try:
        [invoice] = handle(chorus_emulator, base_url).invoices("INSTANT-1")
        assert invoice["idFacture"] == invoice_id
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


@pytest.mark.slow
def test_the_realtime_clock_moves_invoices_on_by_itself(tmp_path, chorus_emulator):
    process = subprocess.Popen(  # the documented command, with its own flags
        [
            sys.executable,
            "-m",
            "chorus_emulator",
            "serve",
            "--port",
            "0",
            "--host",
            "127.0.0.1",
            "--db",
            str(tmp_path / "rt.sqlite3"),
            "--clock",
            "realtime",
            "--step-seconds",
            "0.2",
            "--token-ttl",
            "120",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        line = process.stdout.readline().decode()
        assert line.startswith("Chorus Pro emulator listening on http://127.0.0.1:")
        emulator = handle(chorus_emulator, line.strip().rsplit(" ", 1)[1])
        token = requests.post(
            emulator.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": emulator.client_id,
                "client_secret": emulator.client_secret,
            },
            timeout=10,
        ).json()
        assert token["expires_in"] == 120
        supplier_of(emulator).ok("factures/v1/soumettre", invoice_body(number="RT-1"))
        deadline = time.monotonic() + 10
        while emulator.invoices("RT-1")[0]["statut"] != "MISE_A_DISPOSITION":
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.slow
def test_the_fault_command_injects_a_fault_into_a_running_emulator(emulator, lycee):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "chorus_emulator",
            "fault",
            "--url",
            emulator.base_url,
            "--kind",
            "http_error",
            "--operation",
            "transverses/v1/recuperer/tauxtva",
            "--status",
            "502",
            "--count",
            "2",
        ],
        capture_output=True,
        timeout=60,
        check=True,
    )

    assert b"http_error" in result.stdout
    assert [lycee.post("transverses/v1/recuperer/tauxtva", {}).status_code for _ in range(3)] == [
        502,
        502,
        200,
    ]


def test_it_serves_twenty_concurrent_submissions(emulator, supplier):
    emulator.add_fault(
        "latency", operation="transverses/v1/recuperer/tauxtva", delay_ms=500, count=5
    )

    def work(n):
        if n % 4 == 0:
            return supplier.post("transverses/v1/recuperer/tauxtva", {}).status_code
        session = requests.Session()
        response = session.post(
            f"{emulator.api_base_url}/cpro/factures/v1/soumettre",
            json=invoice_body(number=f"CONC-{n:02d}"),
            headers=supplier.headers(),
            timeout=30,
        )
        return response.status_code

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(work, range(20)))

    assert statuses == [200] * 20
    assert time.monotonic() - started < 5
    found = supplier.ok(
        "factures/v1/rechercher/fournisseur",
        {"rechercheFactureParFournisseur": {"nbResultatsParPage": 50}},
    )
    assert found["parametresRetour"]["total"] == 15
