"""Writing back to Facturation.pro in workers: once each, safe to repeat after an answer that
never came, and waiting what a 429 asks (the client reads Retry-After and X-RateLimit-*)."""

from decimal import Decimal

import pytest
from celery.exceptions import Retry

from connectors.facturation_pro.catalogue import fpro_catalogue_sync
from connectors.facturation_pro.models import FproInvoice, FproWriteBack
from connectors.facturation_pro.write_back import (
    WriteBackRetry,
    status_change_received,
    write_back_run,
    write_backs_lost,
    write_backs_plan,
)
from facturation_pro_client import FacturationProTransientError
from portal import jobs

from .test_journey import _fpro_client

pytestmark = pytest.mark.slow
CHORUS_ID = 987654
SETTLEMENTS = "POST /firms/FIRM_ID/invoices/INVOICE_ID/settlements.json"


@pytest.fixture
def paid_in_chorus(read_account, make_invoice):
    """The Commune's AN-202609-62 (1 602,00, unpaid in Facturation.pro), imported, sent, and
    now MISE_EN_PAIEMENT in Chorus Pro."""
    row = FproInvoice.objects.select_related("customer__recipient").get(number="AN-202609-62")
    invoice = make_invoice(
        read_account.structure,
        row.customer.recipient,
        number=row.number,
        status="submitted",
        chorus_invoice_id=CHORUS_ID,
        chorus_status="MISE_EN_PAIEMENT",
        total_excl_tax=Decimal("1335.00"),
        total_vat=Decimal("267.00"),
        total_incl_tax=Decimal("1602.00"),
        amount_due=Decimal("1602.00"),
    )
    FproInvoice.objects.filter(pk=row.pk).update(state="imported", invoice=invoice)
    row.refresh_from_db()
    return row


def _settlement(row) -> FproWriteBack:
    return row.write_backs.get(kind="settlement")


def test_a_payment_is_planned_once_however_often_it_is_announced(paid_in_chorus, workers):
    for _ in range(3):
        status_change_received(
            None, invoice_id=paid_in_chorus.invoice_id, status="MISE_EN_PAIEMENT"
        )

    kinds = sorted(paid_in_chorus.write_backs.values_list("kind", flat=True))
    assert kinds == ["chorus_number", "settlement"]
    assert workers.names() == ["facturation_pro.write_back"] * 2


def test_a_settlement_whose_answer_was_lost_is_not_recorded_twice(
    fpro_world, paid_in_chorus, workers
):
    write_backs_plan(source=paid_in_chorus, status="MISE_EN_PAIEMENT")
    fpro_world.add_fault("drop_after_commit", operation=SETTLEMENTS)

    with pytest.raises(WriteBackRetry):
        write_back_run(write_back_id=_settlement(paid_in_chorus).pk)
    assert _settlement(paid_in_chorus).state == "pending"
    assert write_back_run(write_back_id=_settlement(paid_in_chorus).pk) == "already-recorded"

    with _fpro_client(fpro_world) as client:
        settlements = client.list_settlements(paid_in_chorus.fpro_id)
    assert [(s.amount, s.payment_ref) for s in settlements] == [
        (Decimal("1602.00"), f"Chorus Pro {CHORUS_ID}")
    ]
    assert _settlement(paid_in_chorus).state == "done"


def test_a_429_is_waited_out_for_the_seconds_facturation_pro_asked(
    fpro_world, paid_in_chorus, workers, monkeypatch
):
    write_backs_plan(source=paid_in_chorus, status="MISE_EN_PAIEMENT")
    fpro_world.add_fault("rate_limit", operation="*", retry_after=37)
    task = jobs.task_registered("facturation_pro.write_back")
    countdowns = []

    def retry(*args, countdown=None, **kwargs):
        countdowns.append(countdown)
        raise Retry()

    monkeypatch.setattr(task, "retry", retry)
    with pytest.raises(Retry):
        task.run(_settlement(paid_in_chorus).pk)

    assert countdowns == [37.0]
    write = _settlement(paid_in_chorus)
    assert write.state == "pending" and write.error.startswith("rate_limited")
    # Later, the retry goes through.
    assert write_back_run(write_back_id=write.pk) == "recorded"


def test_the_client_reports_the_quota_left(fpro_world, read_account):
    with _fpro_client(fpro_world) as client:
        client.account()
        assert client.rate_limit.limit and client.rate_limit.remaining < client.rate_limit.limit


def test_reading_the_invoices_past_the_quota_retries_after_retry_after(
    fpro_world, read_account, monkeypatch
):
    fpro_world.add_fault("rate_limit", operation="/firms/FIRM_ID/invoices.json", retry_after=90)
    with pytest.raises(FacturationProTransientError) as raised:
        fpro_catalogue_sync(connection=read_account)
    assert raised.value.reason == "rate_limited" and raised.value.retry_after == 90

    fpro_world.add_fault("rate_limit", operation="/firms/FIRM_ID/invoices.json", retry_after=90)
    task = jobs.task_registered("facturation_pro.catalogue_sync")
    countdowns = []

    def retry(*args, countdown=None, **kwargs):
        countdowns.append(countdown)
        raise Retry()

    monkeypatch.setattr(task, "retry", retry)
    with pytest.raises(Retry):
        task.run(read_account.pk)
    assert countdowns == [90.0]
    read_account.refresh_from_db()
    assert read_account.catalogue_error == "rate_limited"


def test_writes_whose_task_was_lost_are_handed_out_again(paid_in_chorus, workers):
    # Sent, but no status change announced yet: the sweep plans its Chorus Pro number.
    ids = write_backs_lost()
    number = paid_in_chorus.write_backs.get(kind="chorus_number")
    assert number.pk not in ids  # just planned and queued: not lost
    FproWriteBack.objects.filter(pk=number.pk).update(
        next_attempt_at=number.next_attempt_at.replace(year=2020)
    )
    assert write_backs_lost() == [number.pk]


def test_support_writes_a_failed_write_again_from_the_back_office(
    paid_in_chorus, workers, admin_client
):
    write_backs_plan(source=paid_in_chorus, status="MISE_EN_PAIEMENT")
    write = _settlement(paid_in_chorus)
    FproWriteBack.objects.filter(pk=write.pk).update(state="failed", error="422 refused")
    workers.queued.clear()

    page = admin_client.get("/back-office/facturation_pro/fprowriteback/")
    assert "422 refused" in page.content.decode()
    admin_client.post(
        "/back-office/facturation_pro/fprowriteback/",
        {"action": "write_again", "_selected_action": [write.pk]},
    )

    assert workers.names() == ["facturation_pro.write_back"]
    workers.run()
    assert _settlement(paid_in_chorus).state == "done"
