"""Back-office support operations: re-read an invoice from Chorus Pro, re-send a lost
submission, retry a failed action; all safe to repeat."""

import pytest

from invoices.actions.services import ACTION_TASK
from invoices.models import Invoice, InvoiceAction
from invoices.sending.resync import invoice_resync
from invoices.sending.submission import SEND_TASK
from invoices.support.services import SupportRefusedError, action_retry, invoice_send_retry
from tests.jobs import task_queued

HISTORY = "factures/v1/consulter/historique"


@pytest.mark.slow
def test_a_resync_brings_the_status_chorus_pro_has_and_records_it_once(sent_invoice, demo_world):
    demo_world.advance(10)
    assert invoice_resync(invoice_id=sent_invoice.pk) is True
    sent_invoice.refresh_from_db()
    assert sent_invoice.chorus_status == "MISE_A_DISPOSITION"
    recorded = sent_invoice.events.filter(source="chorus").count()

    assert invoice_resync(invoice_id=sent_invoice.pk) is False
    assert sent_invoice.events.filter(source="chorus").count() == recorded


def test_an_invoice_not_in_chorus_pro_cannot_be_resynced(ready_invoice):
    from invoices.support.services import invoice_resync_queue

    with pytest.raises(SupportRefusedError):
        invoice_resync_queue(invoice=ready_invoice)


def test_only_queued_or_sending_submissions_are_sent_again(
    ready_invoice, django_capture_on_commit_callbacks
):
    with pytest.raises(SupportRefusedError):
        invoice_send_retry(invoice=ready_invoice)  # a draft
    Invoice.objects.filter(pk=ready_invoice.pk).update(status=Invoice.Status.SENDING)
    ready_invoice.refresh_from_db()
    with (
        task_queued(SEND_TASK) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        invoice_send_retry(invoice=ready_invoice)
    delay.assert_called_once_with(ready_invoice.pk)


def test_a_failed_action_is_retried_as_a_new_one_and_keeps_its_record(
    sent_invoice, django_capture_on_commit_callbacks
):
    failed = InvoiceAction.objects.create(
        invoice=sent_invoice,
        kind=InvoiceAction.Kind.COMPLETE,
        payload={"comment": "Bon de livraison joint"},
        status=InvoiceAction.Status.FAILED,
        error_code="AUTHENTICATION",
    )
    with (
        task_queued(ACTION_TASK) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        retried = action_retry(action=failed, user=None)
    delay.assert_called_once_with(retried.pk)
    assert retried.payload == failed.payload and retried.status == "queued"
    failed.refresh_from_db()
    assert failed.status == "failed"
    with pytest.raises(SupportRefusedError):
        action_retry(action=retried, user=None)


@pytest.mark.slow
def test_the_resync_command_reads_every_in_flight_invoice(sent_invoice, demo_world):
    from io import StringIO

    from django.core.management import call_command

    demo_world.advance(10)
    out = StringIO()
    call_command("invoice_resync", "--in-flight", stdout=out)
    assert out.getvalue().strip() == "1 read, 1 changed"
