"""Benchmark (issue 13 §6): webhook delivery throughput, and latency from a status change to its
delivery, through real Celery workers to a real HTTP receiver. Figures are printed, never
asserted.

Run from the repository root (Redis on 127.0.0.1:6379, or --broker filesystem):

    .venv/bin/python bench/webhooks_bench.py                       # 200 events, 2 processes
    .venv/bin/python bench/webhooks_bench.py --events 1000 --concurrency 4 --rate 20
    .venv/bin/python bench/webhooks_bench.py --fail-every 10       # every 10th answer is a 500
    .venv/bin/python bench/webhooks_bench.py --broker filesystem   # no Redis needed

Everything is its own (bench/harness.py): a temporary folder and SQLite database (or
DATABASE_URL's PostgreSQL database, whose name starts with bench), Redis database 5
(BENCH_REDIS_URL to change; it is flushed) or the filesystem broker, one Celery worker (prefork,
--concurrency processes), and a receiver (http.server on a free port, in a thread) that checks
each signature and counts event ids.

1. A supplier with one endpoint subscribed to invoice.status_changed, and N invoices.
2. Paced: N/2 status changes, each committed alone, --rate per second, the way syncs record
   them (a StatusEvent, and the invoice's status). Latency: from each commit to the receiver
   reading the request (p50, p95, max).
3. Burst: N/2 status changes committed in one transaction. Throughput: deliveries per second
   from the commit to the last delivery.
4. With --fail-every K, every K-th request is answered 500; this process stands in for beat
   and runs the sweep every second, with the first retry after 1 s (WEBHOOKS_RETRY_FIRST_SECONDS),
   so that retries show in the figures. Each event must be received (0 lost), duplicates only as
   retries of an answer the receiver refused.
"""

import argparse
import hashlib
import hmac
import json
import os
import signal
import statistics
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import BenchWorld, print_figure
from submission import worker_start

DEFAULT_REDIS = "redis://127.0.0.1:6379/5"


class Receiver:
    def __init__(self, fail_every: int) -> None:
        self.fail_every = fail_every
        self.secret = ""
        self.lock = threading.Lock()
        self.count = 0
        self.refused = 0
        self.bad_signatures = 0
        self.first_seen: dict[str, float] = {}  # event id -> when first accepted
        self.accepted: dict[str, int] = {}  # event id -> times accepted (2xx)
        self.invoice_of: dict[str, int] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                arrived = time.time()
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = receiver.receive(self.headers, body, arrived)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        return Handler

    def receive(self, headers, body: bytes, arrived: float) -> int:
        stamp = headers["X-Webhook-Timestamp"]
        mac = hmac.new(self.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
        with self.lock:
            self.count += 1
            if not hmac.compare_digest(f"v1={mac.hexdigest()}", headers["X-Webhook-Signature"]):
                self.bad_signatures += 1
                return 401
            if self.fail_every and self.count % self.fail_every == 0:
                self.refused += 1
                return 500
            event = json.loads(body)
            self.first_seen.setdefault(event["id"], arrived)
            self.accepted[event["id"]] = self.accepted.get(event["id"], 0) + 1
            self.invoice_of[event["id"]] = event["data"]["invoice"]["id"]
            return 200


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0, help="paced changes per second")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--fail-every", type=int, default=0)
    parser.add_argument("--broker", choices=["redis", "filesystem"], default="redis")
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


def world_create(count: int, url: str):
    from decimal import Decimal

    from invoices.models import Invoice
    from structures.models import Structure
    from webhooks.services import endpoint_create

    supplier = Structure.objects.create(siret="12345678200010", name="Bench SAS", kind="private")
    _endpoint, secret = endpoint_create(
        structure=supplier,
        user=None,
        url=url,
        description="bench",
        events=["invoice.status_changed"],
    )
    invoices = Invoice.objects.bulk_create(
        Invoice(
            supplier=supplier,
            number=f"WH-{index:05d}",
            total_excl_tax=Decimal("100.00"),
            total_vat=Decimal("20.00"),
            total_incl_tax=Decimal("120.00"),
            amount_due=Decimal("120.00"),
            status=Invoice.Status.SUBMITTED,
            chorus_invoice_id=900000 + index,
        )
        for index in range(count)
    )
    return secret, [invoice.pk for invoice in invoices]


def status_change(invoice_id: int) -> None:
    """What history_record writes for one new status (without reading Chorus Pro)."""
    from django.utils import timezone

    from invoices.models import Invoice, StatusEvent

    invoice = Invoice.objects.get(pk=invoice_id)
    StatusEvent.objects.create(
        invoice=invoice,
        status="MISE_A_DISPOSITION",
        occurred_at=timezone.now(),
        source=StatusEvent.Source.CHORUS,
    )
    Invoice.objects.filter(pk=invoice_id).update(chorus_status="MISE_A_DISPOSITION")


def sweep_forever(stop: threading.Event) -> None:
    """Beat's part: queue the deliveries whose retry is due, every second."""
    from django.db import connection

    from portal.jobs import send
    from webhooks.delivery import deliveries_due

    while not stop.wait(1.0):
        for delivery_id in deliveries_due():
            send("webhooks.deliver", (delivery_id,))
    connection.close()


def wait_received(receiver: Receiver, ids: set[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with receiver.lock:
            if ids <= set(receiver.invoice_of.values()):
                return
        time.sleep(0.05)


def main() -> None:
    args = parse_args()
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS) if args.broker == "redis" else ""
    receiver = Receiver(args.fail_every)
    if args.fail_every:
        os.environ["WEBHOOKS_RETRY_FIRST_SECONDS"] = "1"
        os.environ["WEBHOOKS_DISABLE_AFTER_FAILURES"] = "1000000"
    with BenchWorld(keep=args.keep, redis_url=redis_url, emulator=False) as world:
        from django.db import transaction

        receiver.secret, ids = world_create(args.events, receiver.url)
        paced, burst = ids[: len(ids) // 2], ids[len(ids) // 2 :]
        worker = worker_start(world.folder, args.concurrency)
        stop = threading.Event()
        sweeper = threading.Thread(target=sweep_forever, args=(stop,), daemon=True)
        sweeper.start()
        committed: dict[int, float] = {}
        try:
            print(f"paced: {len(paced)} status changes at {args.rate}/s …", flush=True)
            for invoice_id in paced:
                started = time.monotonic()
                with transaction.atomic():
                    status_change(invoice_id)
                committed[invoice_id] = time.time()
                time.sleep(max(0.0, 1 / args.rate - (time.monotonic() - started)))
            wait_received(receiver, set(paced), args.timeout)

            print(f"burst: {len(burst)} status changes in one transaction …", flush=True)
            with transaction.atomic():
                for invoice_id in burst:
                    status_change(invoice_id)
            burst_committed = time.time()
            for invoice_id in burst:
                committed[invoice_id] = burst_committed
            wait_received(receiver, set(burst), args.timeout)
        finally:
            stop.set()
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        report(receiver, committed, paced, burst, args, world.database_label)


def report(receiver: Receiver, committed, paced, burst, args, database: str) -> None:
    from webhooks.models import Attempt, Delivery

    arrival = {
        invoice: receiver.first_seen[event] for event, invoice in receiver.invoice_of.items()
    }
    latencies = sorted((arrival[i] - committed[i]) * 1000 for i in paced if i in arrival)
    burst_arrivals = [arrival[i] for i in burst if i in arrival]
    lost = [i for i in paced + burst if i not in arrival]
    print()
    print(
        f"{len(paced) + len(burst)} events, {args.concurrency} worker processes, "
        f"{args.broker} broker, {database}, fail every {args.fail_every or '-'}"
    )
    print_figure("events lost (never received)", str(len(lost)), "target 0")
    print_figure("bad signatures", str(receiver.bad_signatures), "target 0")
    accepted_twice = sum(1 for count in receiver.accepted.values() if count > 1)
    print_figure("events accepted twice", str(accepted_twice), "at least once: 0 expected here")
    print_figure("answers refused by the receiver (500)", str(receiver.refused))
    print_figure("attempts recorded", str(Attempt.objects.count()))
    print_figure(
        "deliveries delivered / pending / given up",
        "/".join(
            str(Delivery.objects.filter(status=s).count())
            for s in ("delivered", "pending", "failed")
        ),
    )
    if latencies:
        p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
        print_figure(
            "latency change→delivery p50", f"{statistics.median(latencies):.0f} ms", "target < 1 s"
        )
        print_figure("latency change→delivery p95", f"{p95:.0f} ms", "target < 2 s")
        print_figure("latency change→delivery max", f"{latencies[-1]:.0f} ms")
    if burst_arrivals:
        start = committed[burst[0]]
        span = max(burst_arrivals) - start
        print_figure("burst: time to deliver all", f"{span:.2f} s")
        print_figure(
            "burst: throughput", f"{len(burst_arrivals) / span:.1f} /s", "target ≥ 20 /s on 2 CPUs"
        )


if __name__ == "__main__":
    main()
