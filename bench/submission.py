"""Benchmark: 1,000 invoices submitted through real Celery workers against the emulator, with
10 % of the submission calls faulted. Figures are printed, never asserted.

Run from the repository root (Redis on 127.0.0.1:6379, or --broker filesystem):

    .venv/bin/python bench/submission.py                          # 1,000 invoices, 4 processes
    .venv/bin/python bench/submission.py --invoices 200 --concurrency 8 --fault-rate 0.2
    .venv/bin/python bench/submission.py --broker filesystem      # no Redis needed
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_submission .venv/bin/python \
        bench/submission.py                                       # PostgreSQL (database recreated)

Everything is its own (bench/harness.py): a temporary folder (SQLite database, media, emulator
state, logs), a Chorus Pro emulator process (manual clock), the demo world, and one Celery worker
(prefork, --concurrency processes) on Redis database 14 (BENCH_REDIS_URL to change; the database
is flushed) or on the filesystem broker. With DATABASE_URL the PostgreSQL database (whose name
must start with bench) is created again, then used. --keep leaves the folder behind.

What happens:
1. the demo world is loaded (the supplier Atelier Numérique and its technical account), then N
   complete invoices to the Commune de Villeneuve are created and queued the way the web queues
   them (status queued, invoice_send_task after commit); the pre-flight check is left out, it
   belongs to the web request;
2. while the workers send, a fault injector keeps the faults at --fault-rate of the calls of
   ajouter/fichier and soumettre, rotating: 503 on soumettre, answer dropped after soumettre
   committed, 429 with Retry-After: 1 on ajouter/fichier, 503 on ajouter/fichier, 429 on
   soumettre;
3. a sampler reads the resident memory (VmRSS in /proc) of the worker and its child processes;
4. once every invoice is settled (or --timeout), it prints: throughput, duplicates in Chorus
   Pro (emulator invoices per number beyond the first: must be 0), lost invoices (not sent with
   a Chorus Pro id that the emulator has under their number: must be 0), refused ones, attempts
   and retries, faults injected, API calls per operation and the workers' peak memory.
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from harness import ROOT, BenchWorld, invoices_create

DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
SUBMIT = "factures/v1/soumettre"
UPLOAD = "transverses/v1/ajouter/fichier"
FAULTS = [
    ("http_error", SUBMIT, {"status": 503}),
    ("drop_after_commit", SUBMIT, {}),
    ("rate_limit", UPLOAD, {"retry_after": 1}),
    ("http_error", UPLOAD, {"status": 503}),
    ("rate_limit", SUBMIT, {"retry_after": 1}),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4, help="worker processes")
    parser.add_argument("--fault-rate", type=float, default=0.10)
    parser.add_argument("--broker", choices=["redis", "filesystem"], default="redis")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds to wait at most")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args()


def worker_start(workdir: Path, concurrency: int) -> subprocess.Popen:
    """One Celery worker, in the environment BenchWorld set up (database, emulator, broker)."""
    log = open(workdir / "worker.log", "wb")  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-l",
            "info",
            "-c",
            str(concurrency),
            "-n",
            f"bench-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while b" ready." not in (workdir / "worker.log").read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError((workdir / "worker.log").read_text(errors="replace")[-3000:])
        time.sleep(0.2)
    return process


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """Peak resident memory of the worker's main process plus its pool processes."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.stop = pid, threading.Event()
        self.peak_total = self.peak_process = 0

    def run(self):
        while not self.stop.is_set():
            pids = [self.pid, *_children(self.pid)]
            sizes = [_rss_kib(pid) for pid in pids]
            self.peak_total = max(self.peak_total, sum(sizes))
            self.peak_process = max(self.peak_process, *sizes)
            self.stop.wait(0.2)


class FaultInjector(threading.Thread):
    """Keeps the injected faults at `rate` of the upload and submit calls seen so far."""

    def __init__(self, admin, rate: float):
        super().__init__(daemon=True)
        self.admin, self.rate, self.stop = admin, rate, threading.Event()
        self.injected: Counter = Counter()

    def run(self):
        while not self.stop.is_set():
            operations = self.admin.calls()["operations"]
            seen = operations.get(SUBMIT, 0) + operations.get(UPLOAD, 0)
            while sum(self.injected.values()) < int(seen * self.rate):
                kind, operation, options = FAULTS[sum(self.injected.values()) % len(FAULTS)]
                self.admin.add_fault(kind, operation=operation, **options)
                self.injected[f"{kind} {operation}"] += 1
            self.stop.wait(0.05)


def wait_settled(ids: list[int], timeout: int) -> float:
    from invoices.models import Invoice

    started = time.monotonic()
    pending = Invoice.objects.filter(pk__in=ids, status__in=["queued", "sending"])
    last_report = 0.0
    while (left := pending.count()) and time.monotonic() - started < timeout:
        if time.monotonic() - last_report > 10:
            print(f"  … {len(ids) - left} / {len(ids)} settled", flush=True)
            last_report = time.monotonic()
        time.sleep(0.5)
    return time.monotonic() - started


def report(ids, elapsed, admin, injector, sampler, args, database: str):
    from invoices.models import Invoice

    invoices = list(
        Invoice.objects.filter(pk__in=ids).values(
            "number", "status", "chorus_invoice_id", "send_attempts"
        )
    )
    by_status = Counter(invoice["status"] for invoice in invoices)
    duplicates = lost = 0
    for invoice in invoices:
        in_chorus = admin.invoices(invoice["number"])
        duplicates += max(0, len(in_chorus) - 1)
        chorus_ids = {item["idFacture"] for item in in_chorus}
        sent = invoice["status"] == "submitted" and invoice["chorus_invoice_id"] in chorus_ids
        refused = invoice["status"] == "submission_refused"
        lost += not (sent or refused)
    attempts = sum(invoice["send_attempts"] for invoice in invoices)
    submitted = by_status.get("submitted", 0)
    calls = admin.calls()["operations"]
    print()
    print(
        f"invoices               {len(ids)} ({args.concurrency} worker processes, "
        f"{args.broker} broker, {database})"
    )
    print(f"wall time              {elapsed:.1f} s")
    print(f"throughput             {submitted / elapsed:.2f} invoices/s")
    print(f"statuses               {dict(by_status)}")
    print(f"duplicates in Chorus   {duplicates}   (must be 0)")
    print(f"lost                   {lost}   (must be 0)")
    print(f"send attempts          {attempts} ({attempts - len(ids)} retries)")
    injected = sum(injector.injected.values())
    faulted = calls.get(SUBMIT, 0) + calls.get(UPLOAD, 0)
    print(
        f"faults injected        {injected} of {faulted} upload+submit calls: "
        f"{dict(injector.injected)}"
    )
    print(f"API calls              {dict(sorted(calls.items()))}")
    print(
        f"worker peak RSS        {sampler.peak_total / 1024:.0f} MiB in all, "
        f"{sampler.peak_process / 1024:.0f} MiB for the largest process"
    )


def main() -> None:
    args = parse_args()
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS) if args.broker == "redis" else ""
    with BenchWorld(keep=args.keep, redis_url=redis_url) as world:
        from django.db import transaction

        from invoices.sending.tasks import invoice_send_task

        ids = invoices_create(
            args.invoices, prefix=f"B{int(time.time()) % 100000:05d}", status="queued"
        )
        worker = worker_start(world.folder, args.concurrency)
        try:
            admin = world.admin
            admin.clear_calls()
            sampler, injector = MemorySampler(worker.pid), FaultInjector(admin, args.fault_rate)
            sampler.start()
            injector.start()
            print(f"queueing {len(ids)} invoices …", flush=True)
            started = time.monotonic()
            with transaction.atomic():
                for invoice_id in ids:
                    transaction.on_commit(lambda pk=invoice_id: invoice_send_task.delay(pk))
            wait_settled(ids, args.timeout)
            elapsed = time.monotonic() - started
            injector.stop.set()
            sampler.stop.set()
            injector.join()
            sampler.join()
            admin.clear_faults()
            report(ids, elapsed, admin, injector, sampler, args, world.database_label)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()


if __name__ == "__main__":
    main()
