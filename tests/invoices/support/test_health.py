"""The back-office's health page: per connection the last successful call, sync lag, failures of
the last 24 hours by kind and password expiry; the queues; the processes; Chorus Pro answering
or not; exchanges and failures per hour, drawn by the vendored Chart.js."""

import os
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from invoices.support.health import (
    broker_queue,
    chorus_answering,
    connections_health,
    exchanges_per_hour,
    work_waiting,
)
from portal.health import heartbeat_record
from structures.models import ChorusConnection, ChorusExchange

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection(make_structure):
    connection = ChorusConnection(
        structure=make_structure(name="Atelier Test"),
        environment="emulator",
        login="TECH_1_a",
        password_expires_on=timezone.localdate() - timedelta(days=3),
        statuses_synced_until=timezone.now() - timedelta(hours=2),
        last_success_at=timezone.now() - timedelta(hours=2),
    )
    connection.set_password("secret")
    connection.save()
    return connection


def _exchange(connection, *, ago, error_kind="", http_status=200):
    return ChorusExchange.objects.create(
        connection=connection,
        operation="factures/v1/rechercher/fournisseur",
        started_at=timezone.now() - ago,
        duration_ms=100,
        error_kind=error_kind,
        http_status=http_status,
    )


def test_each_connection_shows_its_failures_of_the_day_by_kind_its_lag_and_its_password(
    connection,
):
    for _ in range(2):
        _exchange(connection, ago=timedelta(hours=1), error_kind="authentication", http_status=401)
    _exchange(connection, ago=timedelta(hours=3), error_kind="transient", http_status=None)
    _exchange(connection, ago=timedelta(hours=30), error_kind="rejected")  # yesterday's
    (health,) = connections_health()
    assert sorted(count for _label, count in health.failures) == [1, 2]
    assert health.failure_count == 3
    assert health.expiry_state == "expired" and health.password_days_left == -3
    (_label, _synced, lag) = health.syncs[0]
    assert timedelta(hours=2) <= lag < timedelta(hours=2, minutes=1)


def test_chorus_pro_is_answering_when_a_call_succeeded_lately(connection):
    assert chorus_answering()["state"] == "unknown"
    _exchange(connection, ago=timedelta(minutes=3), error_kind="transient", http_status=None)
    assert chorus_answering()["state"] == "not_answering"
    _exchange(connection, ago=timedelta(minutes=1))
    assert chorus_answering()["state"] == "answering"


def test_work_nobody_took_is_counted_with_the_age_of_the_oldest(make_structure, make_invoice):
    supplier = make_structure()
    for minutes in (2, 9):
        make_invoice(
            supplier,
            status="queued",
            send_next_attempt_at=timezone.now() - timedelta(minutes=minutes),
        )
    make_invoice(  # held by a worker: not waiting
        supplier, status="sending", send_lease_until=timezone.now() + timedelta(seconds=20)
    )
    invoices = work_waiting()[0]
    assert invoices["count"] == 2
    assert timedelta(minutes=9) <= invoices["oldest_age"] < timedelta(minutes=10)


@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("filesystem"), reason="the embedded run's broker"
)
def test_the_filesystem_broker_queue_depth_and_oldest_message(settings, tmp_path):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(tmp_path),
        "data_folder_out": str(tmp_path),
    }
    old = tmp_path / "1_a.celery.msg"
    old.write_text("{}")
    ten_minutes_ago = (timezone.now() - timedelta(minutes=10)).timestamp()
    os.utime(old, (ten_minutes_ago, ten_minutes_ago))
    (tmp_path / "2_b.celery.msg").write_text("{}")
    (tmp_path / "3_c.celery.msg.part").write_text("{")  # being written: not a message yet
    queue = broker_queue()
    assert queue["depth"] == 2 and queue["ok"]
    assert timedelta(minutes=10) <= queue["oldest_age"] < timedelta(minutes=11)


def test_exchanges_and_failures_are_counted_per_hour(connection):
    _exchange(connection, ago=timedelta(minutes=1))
    _exchange(connection, ago=timedelta(minutes=1), error_kind="rejected")
    _exchange(connection, ago=timedelta(hours=26))  # out of the chart
    series = exchanges_per_hour()
    assert len(series) == 24
    assert sum(row["exchanges"] for row in series) == 2
    assert sum(row["failures"] for row in series) == 1
    assert series[-1]["hour"] == timezone.localtime().strftime("%H:00")


def test_the_page_draws_its_chart_from_our_own_files_with_the_nonce(agent_client, connection):
    heartbeat_record(source="worker")
    _exchange(connection, ago=timedelta(minutes=1))
    page = agent_client.get(reverse("admin:support_health"))
    assert page.status_code == 200
    text = page.text
    assert 'data-health-chorus="answering"' in text
    assert 'data-health-process="ok"' in text  # the workers' heartbeat
    assert 'data-password="expired"' in text
    scripts = re.findall(r"<script[^>]*src=\"([^\"]+)\"[^>]*>", text)
    assert any(src.endswith("vendor/chartjs/chart.umd.min.js") for src in scripts)
    assert not any(src.startswith("http") for src in scripts)  # no CDN
    nonce = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
    for tag in re.findall(r"<script[^>]*src=[^>]*>", text):
        assert f'nonce="{nonce}"' in tag
    assert 'id="health-chart-data"' in text
