"""Support's diagnosis: each finding comes from the invoice's data, says what is and what would
move it, and names the safe action that may help."""

from datetime import timedelta

import pytest
from django.utils import timezone

from invoices.models import ChorusStatus, Invoice, InvoiceAction
from invoices.support.diagnosis import invoice_diagnoses
from structures.models import ChorusConnection, Structure

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def supplier(make_structure):
    return make_structure(name="Atelier Test")


@pytest.fixture
def recipient(make_structure):
    return make_structure(name="Mairie de Test", kind=Structure.Kind.PUBLIC)


def _connection(structure, **fields) -> ChorusConnection:
    connection = ChorusConnection(structure=structure, environment="emulator", login="TECH_1_x")
    connection.set_password("secret")
    for name, value in fields.items():
        setattr(connection, name, value)
    connection.save()
    return connection


def _codes(invoice, now=NOW) -> dict:
    invoice.refresh_from_db()
    return {diagnosis.code: diagnosis for diagnosis in invoice_diagnoses(invoice=invoice, now=now)}


def test_a_queued_invoice_no_worker_took_says_since_when_and_offers_to_send_it_again(
    make_invoice, supplier, recipient
):
    invoice = make_invoice(
        supplier, recipient, status="queued", send_next_attempt_at=NOW - timedelta(minutes=7)
    )
    found = _codes(invoice)["queued_unclaimed"]
    assert found.level == "problem" and "7 minutes" in found.finding
    assert found.action == "submission_resend"


def test_an_invoice_queued_a_few_seconds_ago_is_not_a_problem(make_invoice, supplier, recipient):
    invoice = make_invoice(
        supplier, recipient, status="queued", send_next_attempt_at=NOW - timedelta(seconds=10)
    )
    assert _codes(invoice) == {}


def test_a_retry_due_later_is_told_as_such_with_nothing_to_do(make_invoice, supplier, recipient):
    invoice = make_invoice(
        supplier,
        recipient,
        status="sending",
        send_attempts=2,
        send_next_attempt_at=NOW + timedelta(minutes=3),
    )
    found = _codes(invoice)["retry_scheduled"]
    assert found.level == "info" and "3" in found.finding and found.action is None


def test_a_worker_whose_lease_ran_out_is_named_with_how_long_ago(make_invoice, supplier, recipient):
    invoice = make_invoice(
        supplier,
        recipient,
        status="sending",
        send_attempts=1,
        send_lease_until=NOW - timedelta(minutes=4),
    )
    found = _codes(invoice)["lease_expired"]
    assert "4 minutes" in found.finding and found.action == "submission_resend"


def test_a_worker_holding_it_now_is_no_problem(make_invoice, supplier, recipient):
    invoice = make_invoice(
        supplier, recipient, status="sending", send_lease_until=NOW + timedelta(seconds=20)
    )
    assert _codes(invoice) == {}


def test_a_refusal_gives_the_code_its_meaning_and_the_fix(make_invoice, supplier, recipient):
    invoice = make_invoice(
        supplier,
        recipient,
        status="submission_refused",
        submission_error_code="20015",
        submission_error_message="Numéro de facture déjà utilisé",
    )
    found = _codes(invoice)["submission_refused"]
    assert "20015" in found.finding and "Numéro de facture déjà utilisé" in found.finding
    assert found.finding != found.advice and found.advice  # the meaning, then the fix


def test_an_unknown_refusal_code_still_reads_with_chorus_pros_message(
    make_invoice, supplier, recipient
):
    invoice = make_invoice(
        supplier,
        recipient,
        status="submission_refused",
        submission_error_code="29999",
        submission_error_message="Erreur inconnue",
    )
    found = _codes(invoice)["submission_refused"]
    assert "29999" in found.finding and "Erreur inconnue" in found.finding


def test_a_failed_action_on_refused_credentials_points_at_the_connection(
    make_invoice, supplier, recipient
):
    invoice = make_invoice(
        supplier,
        recipient,
        status="submitted",
        chorus_invoice_id=8400001,
        chorus_status="SUSPENDUE",
    )
    InvoiceAction.objects.create(
        invoice=invoice,
        kind=InvoiceAction.Kind.COMPLETE,
        status=InvoiceAction.Status.FAILED,
        error_code="AUTHENTICATION",
        error_message="401",
    )
    found = _codes(invoice)["action_failed"]
    assert "AUTHENTICATION" in found.finding and found.action == "connection_test"


def test_an_expired_technical_password_is_said_with_its_date(make_invoice, supplier, recipient):
    _connection(supplier, password_expires_on=timezone.localdate(NOW) - timedelta(days=2))
    invoice = make_invoice(supplier, recipient, status="submitted", chorus_invoice_id=8400002)
    found = _codes(invoice)["password_expired"]
    assert found.level == "problem" and "Atelier Test" in found.finding
    assert found.action == "connection_test"


def test_a_status_sync_that_last_succeeded_hours_ago_is_said(make_invoice, supplier, recipient):
    _connection(supplier, statuses_synced_until=NOW - timedelta(hours=5, minutes=10))
    invoice = make_invoice(
        supplier,
        recipient,
        status="submitted",
        chorus_invoice_id=8400003,
        chorus_status=ChorusStatus.AVAILABLE,
    )
    found = _codes(invoice)["status_sync_late"]
    assert "5" in found.finding and found.action == "invoice_resync"


def test_a_recent_status_sync_is_not_mentioned(make_invoice, supplier, recipient):
    _connection(supplier, statuses_synced_until=NOW - timedelta(minutes=2))
    invoice = make_invoice(supplier, recipient, status="submitted", chorus_invoice_id=8400004)
    assert "status_sync_late" not in _codes(invoice)


def test_a_paid_invoice_needs_no_sync(make_invoice, supplier, recipient):
    _connection(supplier, statuses_synced_until=NOW - timedelta(days=3))
    invoice = make_invoice(
        supplier,
        recipient,
        status="submitted",
        chorus_invoice_id=8400005,
        chorus_status=ChorusStatus.PAID,
    )
    assert "status_sync_late" not in _codes(invoice)


def test_waiting_for_the_recipient_says_for_how_many_days(make_invoice, supplier, recipient):
    invoice = make_invoice(
        supplier,
        recipient,
        status="submitted",
        chorus_invoice_id=8400006,
        chorus_status=ChorusStatus.AVAILABLE,
        chorus_status_changed_at=NOW - timedelta(days=12, hours=1),
    )
    found = _codes(invoice)["waiting_for_recipient"]
    assert "12" in found.finding and "Mairie de Test" in found.finding
    assert found.level == "warning"  # over a week


def test_a_fresh_invoice_waiting_for_the_recipient_is_information_only(
    make_invoice, supplier, recipient
):
    invoice = make_invoice(
        supplier,
        recipient,
        status="submitted",
        chorus_invoice_id=8400007,
        chorus_status=ChorusStatus.AVAILABLE,
        chorus_status_changed_at=NOW - timedelta(days=1),
    )
    assert _codes(invoice)["waiting_for_recipient"].level == "info"


def test_problems_come_before_information(make_invoice, supplier, recipient):
    _connection(supplier, password_expires_on=timezone.localdate(NOW) - timedelta(days=1))
    invoice = make_invoice(
        supplier,
        recipient,
        status="submitted",
        chorus_invoice_id=8400008,
        chorus_status=ChorusStatus.AVAILABLE,
        chorus_status_changed_at=NOW - timedelta(days=1),
    )
    levels = [
        d.level for d in invoice_diagnoses(invoice=Invoice.objects.get(pk=invoice.pk), now=NOW)
    ]
    assert levels == sorted(levels, key=["problem", "warning", "info"].index)
    assert levels[0] == "problem"
