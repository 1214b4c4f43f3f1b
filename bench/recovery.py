"""Benchmark: how long invoices wait when their task is lost, with real Celery worker and beat
processes on Redis against the emulator. Figures are printed, never asserted.

Run from the repository root (Redis on 127.0.0.1:6379; its database 14 is flushed, or the one of
BENCH_REDIS_URL):

    .venv/bin/python bench/recovery.py                            # both scenarios, 4 invoices
    .venv/bin/python bench/recovery.py --scenario broker-loss --invoices 20
    BENCH_REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/recovery.py

Everything else is its own (bench/harness.py): a temporary folder with a SQLite database, an
emulator process, the demo world; one Celery worker (prefork, --concurrency processes) and one
Celery beat, started as `celery -A portal worker` and `celery -A portal beat` are in production.

Scenarios (each on a fresh portal, broker and emulator):
- broker-loss: N invoices are queued the way the web queues them while no worker runs, then the
  broker's database is flushed, as a Redis restarted without persistence loses its queues. A
  worker and beat start at once. Nothing but the beat's sweep can find the invoices again.
- killed-worker: a worker and beat run; the emulator holds every soumettre for 20 s; N invoices
  (N <= concurrency) are queued and, once each one's soumettre is in the emulator, the worker and
  its pool processes are killed (SIGKILL to its process group, as when its machine dies). The
  emulator still commits the held invoices. A new worker starts at once.

For each, the wait of each invoice is from the incident (flush, kill) to the moment it is
submitted (`submitted_at`); it prints the shortest, median and longest wait, the send attempts,
and the Chorus Pro copies per number (must be 1: exactly once even across the kill).
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from harness import ROOT, BenchWorld, invoices_create

DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
SUBMIT = "factures/v1/soumettre"
HOLD_MS = 20_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario", choices=["broker-loss", "killed-worker", "both"], default="both"
    )
    parser.add_argument("--invoices", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=4, help="worker processes")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds to wait at most")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args()


def invoices_queue(ids: list[int]) -> None:
    """What the web does once the pre-flight check passed (invoice_submit, minus the check)."""
    from unittest import mock

    from django.db import transaction

    from invoices.models import Invoice
    from invoices.sending import submission

    with mock.patch.object(submission, "invoice_preflight", return_value=[]), transaction.atomic():
        for invoice in Invoice.objects.filter(pk__in=ids):
            submission.invoice_submit(invoice=invoice, user=None)


def process_start(workdir: Path, name: str, arguments: list[str], *, ready: bytes | None):
    log_path = workdir / f"{name}.log"
    log = open(log_path, "ab")  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", *arguments],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, killed as one
    )
    deadline = time.monotonic() + 90
    while ready and ready not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(log_path.read_text(errors="replace")[-3000:])
        time.sleep(0.2)
    return process


def worker_start(workdir: Path, concurrency: int, label: str) -> subprocess.Popen:
    return process_start(
        workdir,
        f"worker-{label}",
        [
            "worker",
            "-l",
            "info",
            "-c",
            str(concurrency),
            "-n",
            f"{label}-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        ready=b" ready.",
    )


def beat_start(workdir: Path) -> subprocess.Popen:
    return process_start(
        workdir,
        "beat",
        ["beat", "-l", "info", "-s", str(workdir / "celerybeat-schedule")],
        ready=b"beat: Starting",
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_submitted(ids: list[int], timeout: int) -> None:
    from invoices.models import Invoice

    started = time.monotonic()
    pending = Invoice.objects.filter(pk__in=ids).exclude(status="submitted")
    last_report = started
    while (left := pending.count()) and time.monotonic() - started < timeout:
        if time.monotonic() - last_report > 30:
            print(f"  … {time.monotonic() - started:.0f} s: {left} still waiting", flush=True)
            last_report = time.monotonic()
        time.sleep(0.5)


def report(title: str, ids: list[int], incident: float, admin) -> None:
    from invoices.models import Invoice

    invoices = list(Invoice.objects.filter(pk__in=ids))
    sent = [invoice for invoice in invoices if invoice.submitted_at is not None]
    waits = sorted(invoice.submitted_at.timestamp() - incident for invoice in sent)
    copies = [len(admin.invoices(invoice.number)) for invoice in invoices]
    print()
    print(f"{title}: {len(sent)} of {len(invoices)} invoices sent")
    if waits:
        print(
            f"  wait after the incident   shortest {waits[0]:.0f} s, median "
            f"{statistics.median(waits):.0f} s, longest {waits[-1]:.0f} s"
        )
    print(f"  send attempts             {sum(invoice.send_attempts for invoice in invoices)}")
    print(f"  Chorus Pro copies         {sorted(set(copies))} per number (must be [1])")


def broker_loss(world: BenchWorld, args) -> None:
    import redis

    ids = invoices_create(args.invoices, prefix=f"R{int(time.time()) % 10000:04d}")
    invoices_queue(ids)  # no worker runs: the tasks wait in Redis...
    redis.Redis.from_url(world.redis_url).flushdb()  # ...and are lost with it
    incident = time.time()
    print(
        f"broker-loss: {len(ids)} queued invoices lost their tasks; worker and beat start",
        flush=True,
    )
    worker = worker_start(world.folder, args.concurrency, "after-loss")
    beat = beat_start(world.folder)
    try:
        wait_submitted(ids, args.timeout)
    finally:
        stop(beat)
        stop(worker)
    report("broker-loss", ids, incident, world.admin)


def killed_worker(world: BenchWorld, args) -> None:
    count = min(args.invoices, args.concurrency)
    ids = invoices_create(count, prefix=f"R{int(time.time()) % 10000:04d}")
    worker = worker_start(world.folder, args.concurrency, "doomed")
    beat = beat_start(world.folder)
    replacement = None
    try:
        world.admin.clear_calls()
        world.admin.add_fault("latency", operation=SUBMIT, count=count, delay_ms=HOLD_MS)
        invoices_queue(ids)
        deadline = time.monotonic() + 120
        while world.admin.calls()["operations"].get(SUBMIT, 0) < count:
            if time.monotonic() > deadline:
                raise RuntimeError("the worker never reached soumettre")
            time.sleep(0.1)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        incident = time.time()
        print(
            f"killed-worker: worker killed in the middle of {count} soumettre calls; "
            "a new worker starts",
            flush=True,
        )
        replacement = worker_start(world.folder, args.concurrency, "replacement")
        wait_submitted(ids, args.timeout)
    finally:
        stop(beat)
        stop(worker)
        if replacement is not None:
            stop(replacement)
    report("killed-worker", ids, incident, world.admin)


def main() -> None:
    args = parse_args()
    if args.scenario == "both":
        # One portal per scenario, and Django is set up once per process: one process each.
        for scenario in ("broker-loss", "killed-worker"):
            subprocess.run(
                [sys.executable, __file__, *sys.argv[1:], "--scenario", scenario], check=True
            )
        return
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    with BenchWorld(keep=args.keep, redis_url=redis_url) as world:
        (broker_loss if args.scenario == "broker-loss" else killed_worker)(world, args)


if __name__ == "__main__":
    main()
