"""Sending a works piece exactly once: queued by the page, claimed by one worker, and after an
attempt whose answer was lost, found in Chorus Pro and adopted rather than deposited twice. The
ordinary sending queue never touches a works piece."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chorus_client import WorksInvoiceSearch, WorksUserRole
from invoices.models import Invoice
from invoices.retries import RetryLater
from invoices.sending.submission import invoice_send, submissions_lost
from invoices.works.services import works_statement_send
from invoices.works.submission import (
    WORKS_SEND_TASK,
    WORKS_SENDING,
    works_piece_send,
    works_submissions_lost,
)
from portal.jobs import task_registered
from structures.chorus import chorus_client_for
from tests.jobs import task_queued

from .conftest import CONTRACTOR, connection

pytestmark = pytest.mark.slow
SOUMETTRE = "facturesTravaux/v1/soumettre"


def copies_in_chorus(number: str) -> int:
    with chorus_client_for(connection(CONTRACTOR)) as client:
        page = client.works.search(
            WorksInvoiceSearch(role=WorksUserRole.FOURNISSEUR, invoice_number=number)
        )
    return len([item for item in page.items if item.invoice_number == number])


@pytest.fixture
def queue(users, django_capture_on_commit_callbacks):
    def queue(invoice):
        with (
            task_queued(WORKS_SEND_TASK) as queued,
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert works_statement_send(invoice=invoice, user=users["entreprise"])
            # A double click queues nothing more.
            assert not works_statement_send(invoice=invoice, user=users["entreprise"])
        queued.assert_called_once_with(invoice.pk)
        assert task_registered(WORKS_SEND_TASK)

    return queue


def test_an_answer_lost_after_chorus_pro_committed_is_adopted_not_deposited_again(
    draft_statement, demo_world, queue
):
    queue(draft_statement)
    demo_world.add_fault("drop_after_commit", operation=SOUMETTRE, count=1)
    with pytest.raises(RetryLater):
        works_piece_send(invoice_id=draft_statement.pk)
    draft_statement.refresh_from_db()
    assert draft_statement.status == Invoice.Status.SENDING
    # A second delivery of the task finds the retry not due yet.
    assert works_piece_send(invoice_id=draft_statement.pk) == "not-claimed"
    assert WORKS_SENDING.due_now(draft_statement.pk)
    assert works_piece_send(invoice_id=draft_statement.pk) == "adopted"
    draft_statement.refresh_from_db()
    assert draft_statement.status == Invoice.Status.SUBMITTED
    assert draft_statement.chorus_invoice_id and draft_statement.works.billing_file_id
    assert copies_in_chorus(draft_statement.number) == 1


def test_the_ordinary_queue_leaves_works_pieces_to_their_own(draft_statement, queue):
    queue(draft_statement)
    assert invoice_send(invoice_id=draft_statement.pk) == "not-claimed"
    later = timezone.now() + timedelta(minutes=5)
    assert draft_statement.pk not in submissions_lost(now=later)
    assert works_submissions_lost(now=later) == [draft_statement.pk]


def test_a_refusal_by_chorus_pro_is_kept_raw(draft_statement, demo_world, queue):
    queue(draft_statement)
    demo_world.add_fault(
        "business_error",
        operation=SOUMETTRE,
        count=1,
        code_retour=20131,
        libelle="La maîtrise d'oeuvre est inconnue",
    )
    assert works_piece_send(invoice_id=draft_statement.pk) == "refused"
    draft_statement.refresh_from_db()
    assert draft_statement.status == Invoice.Status.SUBMISSION_REFUSED
    assert draft_statement.submission_error_code == "20131"
    assert "inconnue" in draft_statement.submission_error_message
