"""Benchmark: 1,000 invoices submitted through real Celery workers against the emulator, with
10 % of the submission calls faulted. Figures are printed, never asserted.

Run from the repository root (Redis on 127.0.0.1:6379, or --broker filesystem):

    .venv/bin/python bench/submission.py        # 1,000 invoices, 2 workers of 32 threads, 300 ms
    .venv/bin/python bench/submission.py --pool prefork --concurrency 4 --latency-ms 0
    .venv/bin/python bench/submission.py --invoices 200 --fault-rate 0.2
    .venv/bin/python bench/submission.py --broker filesystem      # no Redis needed
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_submission .venv/bin/python \
        bench/submission.py                                       # PostgreSQL (database recreated)

Everything is its own (bench/harness.py): a temporary folder (SQLite database, media, emulator
state, logs), a Chorus Pro emulator process (manual clock, every call answered after
--latency-ms), the demo world, and --workers Celery workers (a pool of --concurrency threads
each by default: sending waits on Chorus Pro, not on the CPU) on Redis database 14
(BENCH_REDIS_URL to change; the database is flushed) or on the filesystem broker. With
DATABASE_URL the PostgreSQL database (whose name must start with bench) is created again, then
used. --keep leaves the folder behind.

What happens:
1. the demo world is loaded (the supplier Atelier Numérique and its technical account), then N
   complete invoices to the Commune de Villeneuve are created and queued the way the web queues
   them (status queued, the Factur-X the pre-flight check would have validated kept, then
   invoice_send_task after commit); the check itself is left out, it belongs to the web request;
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
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument(
        "--pool",
        choices=["threads", "prefork"],
        default="threads",
        help="threads: each worker keeps --concurrency calls in flight (I/O-bound work); "
        "prefork: --concurrency child processes per worker",
    )
    parser.add_argument("--concurrency", type=int, default=32, help="threads or processes")
    parser.add_argument(
        "--latency-ms", type=int, default=300, help="the emulator answers each call after this"
    )
    parser.add_argument("--fault-rate", type=float, default=0.10)
    parser.add_argument("--broker", choices=["redis", "filesystem"], default="redis")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds to wait at most")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args()


def worker_start(workdir: Path, concurrency: int, pool: str, index: int) -> subprocess.Popen:
    """One Celery worker, in the environment BenchWorld set up (database, emulator, broker)."""
    log_path = workdir / f"worker-{index}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - lives as long as the process
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
            "-P",
            pool,
            "-c",
            str(concurrency),
            "-n",
            f"bench-{os.getpid()}-{index}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while b" ready." not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(log_path.read_text(errors="replace")[-3000:])
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


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes and their children so far."""
    ticks = 0
    for parent in pids:
        for pid in (parent, *_children(parent)):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


class MemorySampler(threading.Thread):
    """Peak resident memory of the workers' main processes plus their pool processes."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids, self.stop = pids, threading.Event()
        self.peak_total = self.peak_process = 0

    def run(self):
        while not self.stop.is_set():
            pids = [pid for parent in self.pids for pid in (parent, *_children(parent))]
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


def documents_keep(ids: list[int]) -> None:
    """What the web request does when it queues an invoice: keep the Factur-X the pre-flight
    check validated, which the worker then sends as it is (invoices/sending/submission.py)."""
    from invoices.documents.facturx import facturx_build
    from invoices.models import Invoice
    from invoices.sending.submission import main_document_keep

    for invoice in Invoice.objects.filter(pk__in=ids).select_related("supplier", "recipient"):
        main_document_keep(invoice, facturx_build(invoice, check=False).pdf)


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


def report(ids, elapsed, admin, injector, sampler, args, database: str, cpu: dict):
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
        f"invoices               {len(ids)} ({args.workers} workers, {args.pool} pool of "
        f"{args.concurrency}, {args.latency_ms} ms per call, {args.broker} broker, {database})"
    )
    print(f"wall time              {elapsed:.1f} s")
    print(f"throughput             {submitted / elapsed:.2f} invoices/s   (target >= 50/s)")
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
        "CPU seconds            "
        + ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items())
        + f" (in {elapsed:.1f} s on {os.cpu_count()} cores)"
    )
    print(
        f"worker peak RSS        {sampler.peak_total / 1024:.0f} MiB in all, "
        f"{sampler.peak_process / 1024:.0f} MiB for the largest process   (target < 250 MiB)"
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
        print(f"keeping the validated Factur-X of {len(ids)} invoices …", flush=True)
        documents_keep(ids)
        workers = [
            worker_start(world.folder, args.concurrency, args.pool, index)
            for index in range(args.workers)
        ]
        try:
            admin = world.admin
            admin.clear_calls()
            admin.configure(latencyMs=args.latency_ms)
            sampler = MemorySampler([worker.pid for worker in workers])
            injector = FaultInjector(admin, args.fault_rate)
            sampler.start()
            injector.start()
            print(f"queueing {len(ids)} invoices …", flush=True)
            measured = {"workers": [w.pid for w in workers], "emulator": [world.process.pid]}
            cpu_before = {name: cpu_seconds(pids) for name, pids in measured.items()}
            started = time.monotonic()
            with transaction.atomic():
                for invoice_id in ids:
                    transaction.on_commit(lambda pk=invoice_id: invoice_send_task.delay(pk))
            wait_settled(ids, args.timeout)
            elapsed = time.monotonic() - started
            cpu = {name: cpu_seconds(pids) - cpu_before[name] for name, pids in measured.items()}
            injector.stop.set()
            sampler.stop.set()
            injector.join()
            sampler.join()
            admin.clear_faults()
            report(ids, elapsed, admin, injector, sampler, args, world.database_label, cpu)
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()


if __name__ == "__main__":
    main()
