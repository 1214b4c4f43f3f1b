"""Benchmark: the supplier list and the recipient inbox with 100,000 invoices on PostgreSQL.

Run from the repository root (PostgreSQL reachable as postgres@127.0.0.1 without a password):

    .venv/bin/python bench/list_pages.py                 # 100,000 invoices, 50 requests per page
    .venv/bin/python bench/list_pages.py --invoices 20000 --requests 20 --keep

BENCH_DATABASE_URL overrides the database (default postgresql://postgres@127.0.0.1:5432/
bench_lists; its name must start with bench). The script creates that database and migrates it
(bench/harness.py, without emulator or demo world), loads the invoices with bulk_create, renders
each page through Django's test client, prints p50/p95 server time and queries per page, shows
the EXPLAIN plans of the list queries, then drops the database (unless --keep).
Figures are printed, never asserted. Targets: p95 under 100 ms, the same number of queries on
every page whatever its depth.
"""

import argparse
import os
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from harness import BenchWorld

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_lists"


def _load(count: int):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from invoices.models import ChorusStatus, Invoice
    from structures.models import Membership, Service, Structure

    supplier = Structure.objects.create(
        siret="12345678200010", name="Atelier Numérique SAS", kind="private"
    )
    recipient = Structure.objects.create(
        siret="21750001600019", name="Commune de Villeneuve", kind="public"
    )
    other = Structure.objects.create(
        siret="11000201100044", name="Direction régionale", kind="public"
    )
    service = Service.objects.create(structure=recipient, code="SERV_TECH")
    users = {}
    for username, structure, role in (
        ("fournisseur", supplier, Membership.Role.SUPPLIER_AGENT),
        ("commune", recipient, Membership.Role.RECIPIENT_AGENT),
    ):
        users[username] = get_user_model().objects.create_user(username=username, password="x")
        Membership.objects.create(user=users[username], structure=structure, role=role)

    statuses = [
        ChorusStatus.AVAILABLE,
        ChorusStatus.DEPOSITED,
        ChorusStatus.SUSPENDED,
        ChorusStatus.SERVICE_DONE,
        ChorusStatus.MANDATED,
        ChorusStatus.PAID,
        ChorusStatus.REJECTED,
    ]
    today = timezone.localdate()
    started = time.perf_counter()
    batch = []
    for i in range(count):
        net = Decimal(100 + i % 5000) + Decimal(i % 100) / 100
        vat = (net * Decimal("0.2")).quantize(Decimal("0.01"))
        sent = i % 10 != 0
        batch.append(
            Invoice(
                supplier=supplier,
                recipient=recipient if i % 7 else other,
                service=service if i % 3 == 0 else None,
                number=f"F-{i:07d}",
                issue_date=today - timedelta(days=i % 400),
                total_excl_tax=net,
                total_vat=vat,
                total_incl_tax=net + vat,
                amount_due=net + vat,
                status=Invoice.Status.SUBMITTED if sent else Invoice.Status.DRAFT,
                chorus_status=statuses[i % len(statuses)] if sent else "",
                chorus_invoice_id=1_000_000 + i if sent else None,
                deposited_on=today - timedelta(days=i % 400) if sent else None,
                payment_due_by=today - timedelta(days=i % 400) + timedelta(days=30)
                if sent
                else None,
                downloaded_by_recipient=i % 4 == 0,
            )
        )
        if len(batch) == 5000:
            Invoice.objects.bulk_create(batch)
            batch = []
    Invoice.objects.bulk_create(batch)
    # created_at is set by auto_now_add; spread it out so the order is the realistic one.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE invoices_invoice SET created_at = now() - (id * interval '37 seconds')"
        )
        cursor.execute("VACUUM ANALYZE invoices_invoice")
    print(f"loaded {count:,} invoices in {time.perf_counter() - started:.1f} s")
    return users, recipient


def _measure(client, label: str, url: str, params: dict, requests: int, **headers) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, queries = [], set()
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params, headers=headers)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (label, response.status_code)
        timings.append(elapsed * 1000)
        queries.add(len(captured))
    timings.sort()
    p95 = timings[max(0, round(len(timings) * 0.95) - 1)]
    print(
        f"{label:<42} p50 {statistics.median(timings):6.1f} ms   p95 {p95:6.1f} ms   "
        f"queries/page {sorted(queries)}"
    )


def _cursor_deep(client, url: str, pages: int) -> str:
    """Follow `pages` next links, as a user would, and return the cursor reached."""
    cursor = ""
    for _ in range(pages):
        response = client.get(url, {"after": cursor} if cursor else {})
        cursor = response.context["page"].next_cursor
    return cursor


def _explain(space, filters, cursor: str, label: str) -> None:
    from invoices.lists.selectors import (
        PAGE_SIZE,
        _beyond,
        _cursor_decode,
        _keys,
        invoice_list_ordered,
    )

    invoices = invoice_list_ordered(space=space, filters=filters)
    if cursor:
        keys = _keys(space)
        invoices = invoices.filter(_beyond(keys, _cursor_decode(cursor, keys), newer=False))
    plan = invoices[: PAGE_SIZE + 1].explain()
    index_lines = [line.strip() for line in plan.splitlines() if "Index" in line]
    print(f"  EXPLAIN {label}: {index_lines[0] if index_lines else plan.splitlines()[0]}")


def _cold_facets(space) -> None:
    """What a page costs once a minute, when the cached summary and choices expire."""
    from django.core.cache import cache

    from invoices.lists.selectors import invoice_counterparts_for_space, invoice_summary_for_space

    for label, compute in (
        ("summary", invoice_summary_for_space),
        ("counterpart choices", invoice_counterparts_for_space),
    ):
        timings = []
        for _ in range(5):
            cache.clear()
            started = time.perf_counter()
            compute(space=space)
            timings.append((time.perf_counter() - started) * 1000)
        print(f"  cold {label} (recomputed at most once a minute): {min(timings):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    with BenchWorld(keep=args.keep, database_url=url, emulator=False):
        from django.test.utils import setup_test_environment

        setup_test_environment()
        users, _recipient = _load(args.invoices)
        run(users, args.requests)


def run(users, requests: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from invoices.lists.selectors import InvoiceListFilters
    from portal.spaces import Space

    filtered = {"status": "MISE_A_DISPOSITION", "amount_min": "1000", "amount_max": "4000"}
    for username, url_name in (
        ("fournisseur", "invoices:supplier_home"),
        ("commune", "invoices:recipient_inbox"),
    ):
        client = Client()
        client.force_login(users[username])
        url = reverse(url_name)
        client.get(url)  # warm-up: templates, connection
        deep = _cursor_deep(client, url, 40)
        print(f"\n{url_name} ({username})")
        _measure(client, "first page", url, {}, requests)
        _measure(client, "deep page (40 pages in, via cursor)", url, {"after": deep}, requests)
        _measure(client, "filtered (status + amount range)", url, filtered, requests)
        _measure(client, "free text (invoice number)", url, {"q": "F-00123"}, requests)
        _measure(client, "htmx filtered region", url, filtered, requests, HX_Request="true")
        space = Space(membership=users[username].memberships.get())
        _cold_facets(space)
        _explain(space, InvoiceListFilters(), "", "first page")
        _explain(space, InvoiceListFilters(), deep, "deep page")


if __name__ == "__main__":
    main()
