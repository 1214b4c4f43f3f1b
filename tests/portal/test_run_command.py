"""The README's run command: portal, emulator, worker and beat with the demo and its history;
stopped by Ctrl-C as a terminal sends it, or by any of its processes stopping by itself."""

import contextlib
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
# Where each demo login lands, and what its first screen must list.
DEMO_LANDINGS = {
    "fournisseur": "/fournisseur/",
    "fournisseur2": "/fournisseur/",
    "commune": "/destinataire/",
    "etat": "/destinataire/",
    "valideur": "/valideur/",
    "rectorat": "/valideur/",
    "support": "/back-office/",
}
INVOICE_LINK = re.compile(r'href="/factures/\d+/"')
NOTICE = re.compile(r'action="/notifications/\d+/lue/"')
# Ctrl-C gives the processes 5 s to stop cleanly, then kills them: this is "never hangs", with
# room for a loaded machine, not a speed figure.
STOPPED_WITHIN = 20

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _session_processes(session_id: int) -> list[str]:
    """The live processes of a session (the run and everything it started), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp session ...: comm may hold spaces, so split after it.
        state, _ppid, _pgrp, session = stat.rsplit(")", 1)[1].split()[:4]
        if int(session) == session_id and state != "Z":
            found.append(f"{entry.name} {stat.split('(', 1)[1].split(')', 1)[0]}")
    return found


def _wait_for(url: str, seconds: float) -> requests.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return requests.get(url, timeout=2)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _log_in(base: str, username: str, env: dict) -> requests.Session:
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
    if response.url == f"{base}/connexion/code/":
        code = subprocess.run(
            [".venv/bin/python", "manage.py", "demo_totp", username],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
        response = session.post(
            response.url,
            data={"code": code, "csrfmiddlewaretoken": token},
            headers={"Referer": response.url},
            timeout=10,
        )
    assert response.status_code == 200, username
    assert response.url == f"{base}{DEMO_LANDINGS[username]}", username
    return session


class Run:
    """``./dev run`` in a session of its own, as a terminal would start it."""

    def __init__(self, var: Path) -> None:
        self.port, self.emulator_port, self.fpro_port = _free_port(), _free_port(), _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # The run command is the embedded default: nothing from the test settings leaks in.
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
                "CHORUS_EMULATOR_URL",
                "FACTURATION_PRO_URL",
            }
        }
        env.update(
            PORT=str(self.port),
            EMULATOR_PORT=str(self.emulator_port),
            FACTURATION_PRO_EMULATOR_PORT=str(self.fpro_port),
            PORTAL_VAR_DIR=str(var),
        )
        self.env = env
        self.process = subprocess.Popen(
            ["./dev", "run"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.output = ""

    def serving(self) -> requests.Response:
        return _wait_for(f"{self.base}/connexion/", 240)

    def processes(self) -> list[str]:
        return _session_processes(self.process.pid)

    def ports_open(self) -> bool:
        return any(_port_open(port) for port in (self.port, self.emulator_port, self.fpro_port))

    def stopped_within(self, seconds: float, signalled: float) -> float:
        """Wait until the run and every process it started are gone and its ports are free;
        return how long that took after ``signalled``. Fails if they are not within
        ``seconds``, after killing what is left."""
        deadline = signalled + seconds
        while self.processes() or self.ports_open():
            if time.monotonic() > deadline:
                left = self.processes()
                self.kill()
                pytest.fail(f"still running {seconds} s after the signal: {left}")
            time.sleep(0.05)
        elapsed = time.monotonic() - signalled
        self.output = self.process.communicate(timeout=10)[0].decode()
        return elapsed

    def kill(self) -> None:
        for line in self.processes():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(line.split()[0]), signal.SIGKILL)
        self.process.communicate(timeout=10)


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> dict:
    """One data folder for the module: the second test starts the run again on the first's."""
    return {"var": tmp_path_factory.mktemp("run-var"), "loaded": None}


def test_ctrl_c_stops_every_process_after_the_demo_served_each_login(demo_data):
    run = Run(demo_data["var"])
    try:
        login_page = run.serving()
        assert login_page.status_code == 200 and "Se connecter" in login_page.text
        for username, landing in DEMO_LANDINGS.items():
            session = _log_in(run.base, username, run.env)
            if username == "support":
                page = session.get(f"{run.base}/back-office/invoices/invoice/", timeout=10)
                assert page.text.count("AN-20") >= 10, "support: no invoice in the back-office"
                continue
            page = session.get(f"{run.base}{landing}", timeout=10)
            # A validator's first screen lists only what waits for its decision.
            least = {"valideur": 2, "rectorat": 1}.get(username, 3)
            assert len(INVOICE_LINK.findall(page.text)) >= least, f"{username}: empty list"
            notices = session.get(f"{run.base}/notifications/", timeout=10)
            assert NOTICE.search(notices.text), f"{username}: no notification"
        emulator = requests.get(f"http://127.0.0.1:{run.emulator_port}/_emulator/health", timeout=5)
        assert emulator.status_code == 200
        assert _port_open(run.fpro_port), "the Facturation.pro emulator is not listening"
        # Beat schedules the heartbeat at start-up and a worker process runs it.
        deadline = time.monotonic() + 90
        while requests.get(f"{run.base}/sante/", timeout=5).json()["status"] != "ok":
            assert time.monotonic() < deadline, "no worker ran the heartbeat task"
            time.sleep(1)
        assert len(run.processes()) >= 6  # the script, emulator, worker and its pool, beat, web
    except BaseException:
        run.kill()
        raise
    # A terminal's Ctrl-C: SIGINT to the whole foreground process group.
    signalled = time.monotonic()
    os.killpg(run.process.pid, signal.SIGINT)
    elapsed = run.stopped_within(STOPPED_WITHIN, signalled)
    print(f"\nCtrl-C: every process gone and its ports free after {elapsed:.2f} s")
    assert run.process.returncode == 130
    assert "Stopped." in run.output
    assert run.output.count("demo-portail-2026") == 1, "the logins are printed once"
    demo_data["loaded"] = re.search(r"Demo history: (\d+) invoices", run.output).group(1)


def test_a_second_start_adds_nothing_and_a_process_that_dies_ends_the_run(demo_data):
    if demo_data["loaded"] is None:
        pytest.skip("runs after the first start of this module")
    run = Run(demo_data["var"])
    try:
        run.serving()
        [emulator] = [line for line in run.processes() if _is_emulator(line)]
    except BaseException:
        run.kill()
        raise
    signalled = time.monotonic()
    os.kill(int(emulator.split()[0]), signal.SIGKILL)
    elapsed = run.stopped_within(STOPPED_WITHIN, signalled)
    print(f"\nThe emulator died: every process gone {elapsed:.2f} s later")
    assert run.process.returncode == 1
    assert "The emulator process stopped by itself" in run.output
    assert f"Demo history already there ({demo_data['loaded']} invoices)" in run.output


def _is_emulator(line: str) -> bool:
    try:
        return b"chorus_emulator" in Path(f"/proc/{line.split()[0]}/cmdline").read_bytes()
    except OSError:
        return False
