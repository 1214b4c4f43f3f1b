from django.urls import reverse

from portal.health import heartbeat_record


def test_health_reports_the_database_and_no_worker_yet(client, db):
    assert client.get(reverse("health")).json() == {"database": "ok", "worker_last_seen": None}


def test_health_reports_when_a_worker_last_ran(client, db):
    heartbeat_record()
    assert client.get(reverse("health")).json()["worker_last_seen"] is not None
