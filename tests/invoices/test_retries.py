"""Work carried to Chorus Pro is tried again on its own schedule, and found again when its task is
lost: minutes of Celery (the real tasks, the real beat schedule) on a simulated clock, against
the emulator (tests/invoices/simulated_celery.py)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from invoices.drafting.services import invoice_totals_refresh
from invoices.models import Flow, Invoice, InvoiceAction, InvoiceDownload, InvoiceLine
from invoices.sending.submission import invoice_submit
from structures.models import ChorusExchange
from tests.invoices.simulated_celery import SimulatedCelery

SWEEP = "invoice-submissions-resume"
SEND = "invoices.send"


@pytest.fixture
def ready_invoices(ready_invoice):
    """Three invoices ready to send, numbered apart."""

    def copy(number: str) -> Invoice:
        lines = list(ready_invoice.lines.all())
        twin = Invoice.objects.get(pk=ready_invoice.pk)
        twin.pk = None
        twin.number = number
        twin.save()
        for line in lines:
            line.pk = None
            line.invoice = twin
        InvoiceLine.objects.bulk_create(lines)
        invoice_totals_refresh(invoice=twin)
        return twin

    return [ready_invoice, copy("F-2026-0043"), copy("F-2026-0044")]


def _queue(invoices, capture) -> None:
    """What the web does once the pre-flight check passed (that check is tested elsewhere)."""
    with (
        mock.patch("invoices.sending.submission.invoice_preflight", return_value=[]),
        capture(execute=True),
    ):
        for invoice in invoices:
            invoice_submit(invoice=invoice, user=invoice.created_by)


def _calls_per_invoice(invoices) -> dict[str, int]:
    """Calls to Chorus Pro's API for each invoice (the PISTE token is shared, not counted)."""
    exchanges = ChorusExchange.objects.exclude(operation="oauth/token")
    return {invoice.number: exchanges.filter(invoice=invoice).count() for invoice in invoices}


def _sent_once(emulator, invoices) -> bool:
    for invoice in invoices:
        invoice.refresh_from_db()
        copies = [
            item for item in emulator.invoices(invoice.number)
            if item["numeroFacture"] == invoice.number
        ]
        if invoice.status != Invoice.Status.SUBMITTED or len(copies) != 1:
            return False
    return True


@pytest.mark.slow
def test_a_four_minute_outage_costs_each_invoice_its_own_schedule_of_attempts(
    ready_invoices, demo_world, django_capture_on_commit_callbacks
):
    # Chorus Pro answers 503 to every call for four minutes.
    demo_world.add_fault("http_error", operation="*", count=100_000, status=503)
    during_outage = {}

    def outage_ends():
        during_outage.update(_calls_per_invoice(ready_invoices))
        demo_world.clear_faults()

    simulation = SimulatedCelery(beat=[SWEEP])
    simulation.at(240, outage_ends)
    with simulation.running():
        _queue(ready_invoices, django_capture_on_commit_callbacks)
        simulation.run_until(900)

    # Attempts at 0, 5, 15, 35, 75 and 155 s (backoff 5, 10, 20, 40, 80 s), whatever the sweep
    # does meanwhile: it leaves alone an invoice that waits for its retry. (Before: 25 each.)
    assert during_outage == dict.fromkeys(_calls_per_invoice(ready_invoices), 6)
    # The next attempt, at 315 s, goes through: once.
    assert _sent_once(demo_world, ready_invoices)
    first_success = max(
        seconds for seconds, args in simulation.task_runs(SEND) if args[0] == ready_invoices[0].pk
    )
    assert first_success == 315


@pytest.mark.slow
def test_retry_after_is_honoured_by_the_retry_and_by_the_sweep(
    ready_invoice, demo_world, django_capture_on_commit_callbacks
):
    demo_world.add_fault("rate_limit", operation="*", count=1, retry_after=100)
    simulation = SimulatedCelery(beat=[SWEEP])
    with simulation.running():
        _queue([ready_invoice], django_capture_on_commit_callbacks)
        simulation.run_until(300)

    attempts = [seconds for seconds, _args in simulation.task_runs(SEND)]
    assert attempts == [0, 100]  # not before Chorus Pro said, not twice
    assert _sent_once(demo_world, [ready_invoice])


@pytest.mark.slow
def test_submissions_lost_with_the_broker_are_sent_within_a_minute_and_a_half(
    ready_invoices, demo_world, django_capture_on_commit_callbacks
):
    simulation = SimulatedCelery(beat=[SWEEP])
    with simulation.running():
        _queue(ready_invoices, django_capture_on_commit_callbacks)
        simulation.lose_queue()  # Redis restarted empty before any worker took them
        simulation.run_until(900)

    assert len(simulation.lost) == 3
    sent_at = [seconds for seconds, _args in simulation.task_runs(SEND)]
    # Queued at 0; lost is a due time passed by 60 s; the sweep runs every 15 s. (Before: 660 s.)
    assert sent_at == [75, 75, 75]
    assert _sent_once(demo_world, ready_invoices)


@pytest.mark.slow
def test_a_submission_whose_worker_was_killed_is_taken_over_within_a_minute(
    ready_invoice, demo_world, django_capture_on_commit_callbacks
):
    from invoices.sending.submission import SENDING

    simulation = SimulatedCelery(beat=[SWEEP])
    with simulation.running():
        _queue([ready_invoice], django_capture_on_commit_callbacks)
        simulation.lose_queue()
        # A worker took it, then its machine died: no more renewals of its lease, and its
        # task is gone with it.
        assert SENDING.claim(ready_invoice.pk, status=Invoice.Status.SENDING)
        simulation.run_until(900)

    sent_at = [seconds for seconds, _args in simulation.task_runs(SEND)]
    # The 30 s lease runs out; the next sweep (every 15 s) hands it out. (Before: 360 s.)
    assert sent_at == [45]
    assert _sent_once(demo_world, [ready_invoice])


@pytest.fixture
def work_rows(make_structure, make_invoice, make_user):
    """Factories of one row waiting for a worker, for each kind of work, with its sweep."""
    from invoices.actions import services as actions
    from invoices.documents import downloads
    from invoices.flows import deposit
    from invoices.sending import submission

    supplier = make_structure()
    recipient = make_structure(kind="public")

    def sending():
        invoice = make_invoice(
            supplier, recipient, status=Invoice.Status.QUEUED, send_next_attempt_at=timezone.now()
        )
        return invoice, submission.SENDING, submission.submissions_lost

    def action():
        invoice = make_invoice(
            supplier, recipient, status=Invoice.Status.SUBMITTED, chorus_invoice_id=1234567
        )
        row = InvoiceAction.objects.create(invoice=invoice, kind="complete", payload={})
        return row, actions.ACTIONS, actions.actions_lost

    def download():
        row = InvoiceDownload.objects.create(user=make_user(), structure=recipient, format="pdf")
        return row, downloads.DOWNLOADS, downloads.downloads_lost

    def flow():
        row = Flow.objects.create(
            supplier=supplier, file="flows/a.xml", name="a.xml", syntax="IN_DP_E1_CII_16B",
            size=1, sha256="0" * 64,
        )
        return row, deposit.SENDING, deposit.flows_lost

    return {"sending": sending, "action": action, "download": download, "flow": flow}


@pytest.mark.parametrize("kind", ["sending", "action", "download", "flow"])
def test_the_sweep_hands_out_only_work_whose_task_is_lost(work_rows, kind):
    row, queue, lost = work_rows[kind]()
    attempts = getattr(row, queue.attempts)
    start = timezone.now()
    clock = [start]

    def at(seconds: float) -> None:
        clock[0] = start + timedelta(seconds=seconds)

    with mock.patch.object(timezone, "now", lambda: clock[0]):
        assert lost() == []  # just queued: its task is on its way
        # A worker took it: left alone while its 30 s lease runs, taken over once it ran out.
        assert queue.claim(row.pk)
        at(29)
        assert lost() == []
        at(31)
        assert lost() == [row.pk]
        # The next worker failed; Chorus Pro asked for 10 minutes: never handed out meanwhile,
        # however often the beat sweeps...
        assert queue.claim(row.pk)
        queue.release(row.pk, attempts + 2, delay=600)
        for seconds in range(31, 31 + 600 + 60, 15):
            at(seconds)
            assert lost() == [], seconds
        # ...and handed out, once, when the retry did not come within a minute of its time.
        at(31 + 600 + 61)
        assert lost() == [row.pk]
        assert lost() == []


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_in_a_call_longer_than_its_lease_keeps_the_invoice(
    ready_invoice, demo_world, monkeypatch
):
    import threading
    import time

    from django.db import connections

    from invoices import retries
    from invoices.sending.submission import invoice_send, submissions_lost

    # A lease of one second, renewed four times a second; Chorus Pro takes three to answer.
    monkeypatch.setattr(retries, "LEASE", timedelta(seconds=1))
    monkeypatch.setattr(retries, "RENEW_EVERY", timedelta(seconds=0.25))
    Invoice.objects.filter(pk=ready_invoice.pk).update(
        status=Invoice.Status.QUEUED, send_next_attempt_at=timezone.now()
    )
    demo_world.add_fault("latency", operation="factures/v1/soumettre", delay_ms=3000)
    outcome = {}

    def worker():
        try:
            outcome["first"] = invoice_send(invoice_id=ready_invoice.pk)
        finally:
            connections.close_all()

    first = threading.Thread(target=worker)
    first.start()
    deadline = time.monotonic() + 60
    while not demo_world.calls()["operations"].get("factures/v1/soumettre"):
        assert time.monotonic() < deadline and first.is_alive()
        time.sleep(0.05)
    time.sleep(1.5)  # the first lease would have run out by now

    # The worker is alive and waiting on Chorus Pro: nobody else takes its invoice.
    assert invoice_send(invoice_id=ready_invoice.pk) == "not-claimed"
    assert submissions_lost() == []
    first.join(timeout=60)
    assert outcome["first"] == "submitted"
    assert _sent_once(demo_world, [ready_invoice])
