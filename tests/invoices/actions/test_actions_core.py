"""The shared worker core for decisions on sent invoices: one under way per invoice, claimed by
one worker, and an unreadable answer fails the action instead of retrying it forever."""

import pytest

from chorus_client import ChorusProtocolError
from invoices.actions import services as actions
from invoices.actions.services import ActionUnderWayError, action_queue, action_run
from invoices.models import Invoice, InvoiceAction


@pytest.fixture
def sent(ready_invoice):
    Invoice.objects.filter(pk=ready_invoice.pk).update(
        status=Invoice.Status.SUBMITTED, chorus_invoice_id=424242, chorus_status="SUSPENDUE"
    )
    ready_invoice.refresh_from_db()
    return ready_invoice


def test_a_second_decision_waits_for_the_first(sent):
    action_queue(invoice=sent, kind=InvoiceAction.Kind.COMPLETE, payload={})
    with pytest.raises(ActionUnderWayError):
        action_queue(invoice=sent, kind=InvoiceAction.Kind.COMPLETE, payload={})


def test_an_unreadable_answer_fails_the_action_once(sent, monkeypatch, demo_world):
    def unreadable(client, action):
        raise ChorusProtocolError("listeFactures is not a list")

    monkeypatch.setitem(
        actions.HANDLERS, "complete", actions.Handler(side="supplier", run=unreadable)
    )
    action = action_queue(invoice=sent, kind=InvoiceAction.Kind.COMPLETE, payload={})
    assert action_run(action_id=action.pk) == "failed"
    action.refresh_from_db()
    assert (action.status, action.error_code, action.lease_until) == ("failed", "PROTOCOL", None)
    # Finished actions are never claimed again, by a retry or the resume sweep.
    assert action_run(action_id=action.pk) == "not-claimed"
    assert action.pk not in actions.actions_lost()
