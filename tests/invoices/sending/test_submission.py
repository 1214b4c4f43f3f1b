"""Submitting to Chorus Pro (the emulator, over HTTP): queued by the web, sent by a worker, exactly
once even when the connection drops after Chorus Pro committed."""

import pytest
from django.utils import timezone

from invoices.drafting.services import invoice_totals_refresh
from invoices.models import Invoice
from invoices.retries import LEASE, RetryLater
from invoices.sending.preflight import invoice_preflight
from invoices.sending.submission import SEND_TASK, NotReady, invoice_send, invoice_submit
from structures.models import ChorusExchange
from tests.jobs import task_queued

SOUMETTRE = "factures/v1/soumettre"


def _queue(invoice):
    with task_queued(SEND_TASK) as delay:
        invoice_submit(invoice=invoice, user=invoice.created_by)
    return delay


def _chorus_copies(emulator, number):
    return [item for item in emulator.invoices(number) if item.get("numeroFacture") == number]


@pytest.mark.slow
def test_a_complete_invoice_passes_every_preflight_check(ready_invoice):
    checks = invoice_preflight(invoice=ready_invoice)
    assert [c.code for c in checks if not c.ok] == []
    assert "facturx" in [c.code for c in checks]


def test_each_missing_piece_is_named_with_its_fix(ready_invoice):
    Invoice.objects.filter(pk=ready_invoice.pk).update(service=None, payment_mode="")
    ready_invoice.refresh_from_db()
    failing = {
        c.code: c
        for c in invoice_preflight(invoice=ready_invoice, with_documents=False)
        if not c.ok
    }
    assert set(failing) == {"service", "payment_mode"}
    assert failing["service"].fix and failing["service"].fix_url


def test_submitting_only_queues_the_work(
    ready_invoice, demo_world, django_capture_on_commit_callbacks
):
    demo_world.clear_calls()
    # The mock must still be in place when the callbacks run, as the inner block ends.
    with (
        task_queued(SEND_TASK) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        invoice_submit(invoice=ready_invoice, user=ready_invoice.created_by)
        invoice_submit(invoice=ready_invoice, user=ready_invoice.created_by)  # double click
    delay.assert_called_once_with(ready_invoice.pk)
    ready_invoice.refresh_from_db()
    assert ready_invoice.status == Invoice.Status.QUEUED
    assert not ChorusExchange.objects.exists()


def test_an_incomplete_invoice_is_not_queued(ready_invoice):
    ready_invoice.lines.all().delete()
    invoice_totals_refresh(invoice=ready_invoice)
    with pytest.raises(NotReady):
        invoice_submit(invoice=ready_invoice, user=ready_invoice.created_by)


@pytest.mark.slow
def test_the_worker_deposits_the_factur_x_and_submits_once(ready_invoice, demo_world):
    _queue(ready_invoice)
    assert invoice_send(invoice_id=ready_invoice.pk) == "submitted"
    ready_invoice.refresh_from_db()
    assert ready_invoice.status == Invoice.Status.SUBMITTED
    assert ready_invoice.chorus_status == "DEPOSEE"
    copies = _chorus_copies(demo_world, "F-2026-0042")
    assert len(copies) == 1
    assert ready_invoice.chorus_invoice_id == copies[0]["idFacture"]
    main = ready_invoice.attachments.get(kind="main")
    assert main.chorus_attachment_id is not None
    assert ChorusExchange.objects.filter(invoice=ready_invoice, operation=SOUMETTRE).count() == 1


@pytest.mark.slow
def test_a_connection_dropped_after_chorus_committed_never_creates_a_duplicate(
    ready_invoice, demo_world, retry_due
):
    _queue(ready_invoice)
    demo_world.add_fault("drop_after_commit", operation=SOUMETTRE, count=1)
    with pytest.raises(RetryLater):
        invoice_send(invoice_id=ready_invoice.pk)
    ready_invoice.refresh_from_db()
    assert ready_invoice.status == Invoice.Status.SENDING
    # The retry first asks Chorus Pro whether it has the invoice, and adopts it.
    retry_due(ready_invoice)
    assert invoice_send(invoice_id=ready_invoice.pk) == "adopted"
    ready_invoice.refresh_from_db()
    assert ready_invoice.status == Invoice.Status.SUBMITTED
    assert len(_chorus_copies(demo_world, "F-2026-0042")) == 1


@pytest.mark.slow
def test_a_worker_killed_mid_call_is_taken_over_after_its_lease(ready_invoice, demo_world):
    _queue(ready_invoice)
    # A worker claimed it, then died: its lease still runs, so nobody else sends it...
    Invoice.objects.filter(pk=ready_invoice.pk).update(
        status=Invoice.Status.SENDING,
        send_attempts=1,
        send_lease_until=timezone.now() + LEASE,
    )
    assert invoice_send(invoice_id=ready_invoice.pk) == "not-claimed"
    # ...until the lease expires; then the next worker checks Chorus Pro and sends it once.
    Invoice.objects.filter(pk=ready_invoice.pk).update(send_lease_until=timezone.now())
    assert invoice_send(invoice_id=ready_invoice.pk) == "submitted"
    assert len(_chorus_copies(demo_world, "F-2026-0042")) == 1


@pytest.mark.slow
def test_a_server_error_is_retried_when_its_backoff_has_passed(
    ready_invoice, demo_world, retry_due
):
    _queue(ready_invoice)
    demo_world.add_fault("http_error", operation=SOUMETTRE, count=1, status=503)
    with pytest.raises(RetryLater) as later:
        invoice_send(invoice_id=ready_invoice.pk)
    assert later.value.delay == 5  # the first backoff
    # A second delivery of the task, or the beat's sweep, finds the retry not due yet.
    assert invoice_send(invoice_id=ready_invoice.pk) == "not-claimed"
    retry_due(ready_invoice)
    assert invoice_send(invoice_id=ready_invoice.pk) == "submitted"
    assert len(_chorus_copies(demo_world, "F-2026-0042")) == 1


@pytest.mark.slow
def test_a_refusal_by_chorus_pro_is_kept_raw_and_the_invoice_can_be_corrected(
    ready_invoice, demo_world
):
    _queue(ready_invoice)
    demo_world.add_fault(
        "business_error",
        operation=SOUMETTRE,
        count=1,
        code_retour=20005,
        libelle="Le destinataire est inactif",
    )
    assert invoice_send(invoice_id=ready_invoice.pk) == "refused"
    ready_invoice.refresh_from_db()
    assert ready_invoice.status == Invoice.Status.SUBMISSION_REFUSED
    assert ready_invoice.submission_error_code == "20005"
    assert "inactif" in ready_invoice.submission_error_message
