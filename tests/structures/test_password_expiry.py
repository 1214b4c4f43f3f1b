"""The daily e-mail before the technical password expires."""

from datetime import date, timedelta

import pytest
from django.core import mail

from structures.models import ChorusConnection, Membership
from structures.services import (
    PASSWORD_EXPIRY_MAIL_DAYS,
    connection_password_expiry_notify_all,
)

ROLE = Membership.Role
TODAY = date(2026, 11, 21)


@pytest.fixture
def connection(make_structure, make_user):
    structure = make_structure(name="Atelier Numérique SAS")
    make_user((structure, ROLE.STRUCTURE_MANAGER), username="manager")
    make_user((structure, ROLE.SUPPLIER_AGENT), username="agent")
    chorus = ChorusConnection(structure=structure, environment="emulator", login="TECH@cpro.fr")
    chorus.set_password("Secret-Pass-1")
    chorus.save()
    return chorus


def _expires_in(connection, days):
    connection.password_expires_on = TODAY + timedelta(days=days)
    connection.save()


@pytest.mark.parametrize("days", PASSWORD_EXPIRY_MAIL_DAYS)
def test_the_managers_get_an_email_on_each_threshold_day(connection, days):
    _expires_in(connection, days)
    assert connection_password_expiry_notify_all(today=TODAY) == 1
    assert [message.to for message in mail.outbox] == [["manager@example.test"]]
    message = mail.outbox[0]
    assert "TECH@cpro.fr" in message.body
    assert "Secret-Pass-1" not in message.body + message.subject
    assert (TODAY + timedelta(days=days)).strftime("%d/%m/%Y") in message.body


@pytest.mark.parametrize("days", [31, 29, 16, 8, 2, 0, -1])
def test_no_email_on_the_other_days(connection, days):
    _expires_in(connection, days)
    assert connection_password_expiry_notify_all(today=TODAY) == 0
    assert mail.outbox == []


def test_a_second_run_the_same_day_sends_nothing_more(connection):
    _expires_in(connection, 7)
    connection_password_expiry_notify_all(today=TODAY)
    connection_password_expiry_notify_all(today=TODAY)
    assert len(mail.outbox) == 1


def test_the_daily_run_sends_once_per_threshold_over_a_month(connection):
    _expires_in(connection, 30)
    for offset in range(31):
        connection_password_expiry_notify_all(today=TODAY + timedelta(days=offset))
    assert len(mail.outbox) == len(PASSWORD_EXPIRY_MAIL_DAYS)


def test_the_beat_schedule_runs_the_reminder_daily():
    from portal.celery import app

    entry = app.conf.beat_schedule["chorus-password-expiry-mail"]
    assert entry["task"] == "structures.password_expiry_notify_all"
    assert entry["schedule"].hour == {7}
