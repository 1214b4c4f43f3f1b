"""The health check, as a load balancer or an operator reads it."""

from datetime import timedelta

from django.core.cache import cache
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from portal.health import HEARTBEAT_KEYS, heartbeat_record


def test_all_parts_up_answer_200_ok(client, db):
    heartbeat_record(source="worker")
    heartbeat_record(source="beat")
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {part: check["status"] for part, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "workers": "ok",
        "beat": "ok",
    }
    assert body["checks"]["workers"]["last_seen"] is not None
    assert "no-cache" in response["Cache-Control"]


def test_no_worker_yet_is_degraded_but_pages_still_serve(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["workers"] == {"status": "never seen", "last_seen": None}
    # Beat's heartbeat is run by a worker: without one, nothing can be said about beat.
    assert body["checks"]["beat"]["status"] == "unknown"


def test_a_stopped_beat_shows_while_workers_run(client, db):
    heartbeat_record(source="worker")
    long_ago = timezone.now() - timedelta(minutes=10)
    cache.set(HEARTBEAT_KEYS["beat"], long_ago.isoformat(), timeout=None)
    body = client.get(reverse("health")).json()
    assert body["status"] == "degraded"
    assert body["checks"]["workers"]["status"] == "ok"
    assert body["checks"]["beat"] == {"status": "late", "last_seen": long_ago.isoformat()}


def test_redis_unreachable_answers_503_naming_the_cache_and_the_broker(
    client, db, redis_unreachable
):
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    checks = body["checks"]
    assert checks["database"] == {"status": "ok"}
    assert checks["cache"] == {"status": "down", "error": "ConnectionError"}
    assert checks["broker"]["status"] == "down"
    assert checks["workers"]["status"] == checks["beat"]["status"] == "unknown"
    # Anyone may read it: no address of the infrastructure in the answer.
    assert "127.0.0.1" not in response.text


def test_a_database_that_fails_answers_503_naming_it(client, db, monkeypatch):
    def refused():
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refused)
        response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "status": "down",
        "error": "OperationalError",
    }
