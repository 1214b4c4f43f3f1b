"""The README's run command: portal, emulator, worker and beat with demo data, stopped by Ctrl-C."""

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
DEMO_LANDINGS = {
    "fournisseur": "/fournisseur/",
    "fournisseur2": "/fournisseur/",
    "commune": "/destinataire/",
    "etat": "/destinataire/",
    "valideur": "/valideur/",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, seconds: float) -> requests.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return requests.get(url, timeout=2)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _log_in(base: str, username: str, env: dict) -> requests.Response:
    """As the README says: the password, then for managers the code `demo_totp` prints."""
    session = requests.Session()
    form = session.get(f"{base}/connexion/", timeout=5)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    response = session.post(
        f"{base}/connexion/",
        data={"username": username, "password": "demo-portail-2026", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/connexion/"},
        timeout=10,
    )
    if response.url != f"{base}/connexion/code/":
        return response
    code = subprocess.run(
        [".venv/bin/python", "manage.py", "demo_totp", username],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
    return session.post(
        response.url,
        data={"code": code, "csrfmiddlewaretoken": token},
        headers={"Referer": response.url},
        timeout=10,
    )


@pytest.mark.slow
def test_the_run_command_serves_the_demo_and_stops_cleanly_on_ctrl_c(tmp_path):
    port, emulator_port = _free_port(), _free_port()
    # The run command is the embedded default: nothing from the test settings leaks into it.
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "REDIS_URL",
            "CREDENTIALS_KEY",
            "PORTAL_VAR_DIR",
            "PORTAL_ENV",
        }
    }
    env.update(PORT=str(port), EMULATOR_PORT=str(emulator_port), PORTAL_VAR_DIR=str(tmp_path))
    process = subprocess.Popen(
        ["./dev", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        login_page = _wait_for(f"{base}/connexion/", 120)
        assert login_page.status_code == 200 and "Se connecter" in login_page.text
        for username, landing in DEMO_LANDINGS.items():
            response = _log_in(base, username, env)
            assert response.status_code == 200 and response.url == f"{base}{landing}", username
        emulator = requests.get(f"http://127.0.0.1:{emulator_port}/_emulator/health", timeout=5)
        assert emulator.status_code == 200
        # Beat schedules the heartbeat at start-up and a worker process runs it.
        deadline = time.monotonic() + 90
        while requests.get(f"{base}/sante/", timeout=5).json()["status"] != "ok":
            assert time.monotonic() < deadline, "no worker ran the heartbeat task"
            time.sleep(1)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        output = process.communicate(timeout=60)[0].decode()
    assert "demo-portail-2026" in output
    assert "Stopped." in output
    for used_port in (port, emulator_port):
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", used_port)) != 0, f"port {used_port} still open"
