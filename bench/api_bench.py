"""Benchmark: the integrator API's requests per second, for a list page and for creating a draft.

Run from the repository root:

    .venv/bin/python bench/api_bench.py                        # 2,000 invoices, 200 requests each
    .venv/bin/python bench/api_bench.py --invoices 500 --requests 50 --threads 2 --port 8151

The script makes its own database (bench/harness.py, SQLite unless DATABASE_URL names a bench
PostgreSQL database; no emulator: the API answers without Chorus Pro), a supplier with
``--invoices`` invoices and a key, serves the portal with a threaded WSGI server on
127.0.0.1:``--port``, then sends through HTTP (requests, one keep-alive session per thread):
``GET /api/v1/invoices?per_page=50`` and ``POST /api/v1/invoices`` (a draft with two lines).
Every request passes the whole door: key check, rate-limit counts, the call recorded.
Figures are printed next to their targets, never asserted.
"""

import argparse
import os
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from harness import BenchWorld, invoices_create

TARGETS = {"list": 50.0, "create": 20.0}  # requests per second on the 2-core machine, SQLite


def _world(count: int) -> str:
    from api.keys import api_key_create
    from structures.models import Service, Structure

    supplier = Structure.objects.create(
        siret="12345678200010", name="Atelier Numérique SAS", kind="private"
    )
    commune = Structure.objects.create(
        siret="21750001600019", name="Commune de Villeneuve", kind="public"
    )
    Service.objects.create(structure=commune, code="SERV_TECH")
    invoices_create(count, prefix="B")
    return api_key_create(
        structure=supplier, user=None, name="bench", scope="send", role="supplier_agent"
    ).secret


def _serve(port: int):
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class Threaded(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = make_server("127.0.0.1", port, get_wsgi_application(), Threaded, Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _body(index: int) -> dict:
    return {
        "number": f"BENCH-{index:06d}",
        "recipient_siret": "21750001600019",
        "service_code": "SERV_TECH",
        "issue_date": "2026-11-20",
        "payment_mode": "transfer",
        "lines": [
            {
                "description": "Maintenance",
                "quantity": "3",
                "unit_price": "450.00",
                "vat_rate": "20",
            },
            {"description": "Pièces", "quantity": "2", "unit_price": "12.50", "vat_rate": "5.5"},
        ],
    }


def _run(name: str, call, requests_count: int, threads: int) -> None:
    import requests

    sessions = threading.local()
    durations = []
    statuses = []

    def one(index: int) -> None:
        if not hasattr(sessions, "session"):
            sessions.session = requests.Session()
        started = time.perf_counter()
        response = call(sessions.session, index)
        durations.append(time.perf_counter() - started)
        statuses.append(response.status_code)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(one, range(requests_count)))
    elapsed = time.perf_counter() - started
    rate = requests_count / elapsed
    quantiles = statistics.quantiles(durations, n=20)
    codes = ", ".join(f"{code}×{statuses.count(code)}" for code in sorted(set(statuses)))
    print(
        f"{name:<7} {rate:7.1f} req/s  (target {TARGETS[name]:.0f})   "
        f"p50 {statistics.median(durations) * 1000:6.1f} ms  p95 {quantiles[18] * 1000:6.1f} ms"
        f"   answers {codes}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--invoices", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8151)
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    # The bench measures the API, not its limits.
    os.environ["API_RATE_LIMIT_5_MINUTES"] = "10000000"
    os.environ["API_RATE_LIMIT_DAY"] = "10000000"
    with BenchWorld(keep=options.keep, emulator=False) as world:
        secret = _world(options.invoices)
        server = _serve(options.port)
        base = f"http://127.0.0.1:{options.port}/api/v1"
        headers = {"Authorization": f"Bearer {secret}"}
        print(
            f"{world.database_label}, {options.invoices} invoices, {options.requests} requests "
            f"per measure, {options.threads} thread(s)"
        )
        _run(
            "list",
            lambda s, i: s.get(f"{base}/invoices", params={"per_page": 50}, headers=headers),
            options.requests,
            options.threads,
        )
        _run(
            "create",
            lambda s, i: s.post(f"{base}/invoices", json=_body(i), headers=headers),
            options.requests,
            options.threads,
        )
        server.shutdown()


if __name__ == "__main__":
    main()
