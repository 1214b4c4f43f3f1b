"""The core's changes become events for the structures concerned, in the transaction of the
change, without the core knowing of webhooks (invoices/signals.py)."""

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from invoices.actions.services import action_run
from invoices.flows.deposit import flow_send
from invoices.models import Flow, InvoiceAction, StatusEvent
from invoices.notifications.services import notify_inbox_arrivals
from webhooks.models import Delivery, Event, EventType


def _status(invoice, status, source=StatusEvent.Source.CHORUS):
    return StatusEvent.objects.create(
        invoice=invoice, status=status, occurred_at=timezone.now(), source=source
    )


def _types(structure) -> list[str]:
    return list(
        Event.objects.filter(structure=structure)
        .order_by("created_at")
        .values_list("type", "data__status")
    )


def test_each_side_hears_of_the_statuses_it_sees(world, endpoint_for, make_invoice):
    supplier, recipient, other = world["supplier"], world["recipient"], world["other"]
    for structure in (supplier, recipient, other):
        endpoint_for(structure, "https://example.test/hooks")
    invoice = make_invoice(supplier, recipient)

    _status(invoice, "queued", source=StatusEvent.Source.PORTAL)
    _status(invoice, "DEPOSEE")
    _status(invoice, "MISE_A_DISPOSITION")

    status_changed = EventType.INVOICE_STATUS_CHANGED
    assert _types(supplier) == [
        (status_changed, "queued"),
        (status_changed, "DEPOSEE"),
        (status_changed, "MISE_A_DISPOSITION"),
    ]
    # The recipient reads Chorus Pro's statuses once the invoice is made available to it.
    assert _types(recipient) == [(status_changed, "MISE_A_DISPOSITION")]
    assert _types(other) == []


def test_an_endpoint_hears_only_of_the_events_it_chose(world, endpoint_for, make_invoice):
    paid_only, _secret = endpoint_for(
        world["supplier"], "https://example.test/paid", ["invoice.paid"]
    )
    invoice = make_invoice(world["supplier"], world["recipient"])
    _status(invoice, "MISE_A_DISPOSITION")
    _status(invoice, "MISE_EN_PAIEMENT")
    [delivery] = Delivery.objects.filter(endpoint=paid_only).select_related("event")
    assert delivery.event.type == "invoice.paid"
    assert delivery.event.data["invoice"]["chorus_status"] == "MISE_EN_PAIEMENT"


def test_no_event_is_stored_for_a_structure_without_endpoints(world, make_invoice):
    _status(make_invoice(world["supplier"]), "MISE_A_DISPOSITION")
    assert not Event.objects.exists()


def test_an_event_is_not_kept_when_its_change_is_rolled_back(world, endpoint_for, make_invoice):
    endpoint_for(world["supplier"], "https://example.test/hooks")
    invoice = make_invoice(world["supplier"])
    with pytest.raises(RuntimeError), transaction.atomic():
        _status(invoice, "MISE_A_DISPOSITION")
        assert Event.objects.count() == 1
        raise RuntimeError("the sync failed after recording the status")
    assert not Event.objects.exists() and not Delivery.objects.exists()


def test_invoices_arriving_in_an_inbox_are_told_once(world, endpoint_for, make_invoice):
    _endpoint, _secret = endpoint_for(world["recipient"], "https://example.test/inbox")
    new = make_invoice(world["supplier"], world["recipient"], chorus_status="MISE_A_DISPOSITION")
    completed = make_invoice(world["supplier"], world["recipient"], chorus_status="COMPLETEE")
    for _twice in range(2):  # two workers telling of the same arrivals
        notify_inbox_arrivals(
            structure_id=world["recipient"].pk,
            side="recipient",
            new_ids=[new.pk],
            completed_ids=[completed.pk],
        )
    events = Event.objects.filter(type=EventType.INVOICE_RECEIVED).order_by("data__invoice__id")
    assert [(e.data["invoice"]["id"], e.data["reason"]) for e in events] == [
        (new.pk, "new"),
        (completed.pk, "completed"),
    ]
    assert {e.structure_id for e in events} == {world["recipient"].pk}


def test_a_flow_that_cannot_be_deposited_is_settled(world, endpoint_for):
    endpoint_for(world["supplier"], "https://example.test/flows", ["flow.settled"])
    flow = Flow.objects.create(
        supplier=world["supplier"],
        file=ContentFile(b"<Invoice/>", name="F-1.xml"),
        name="F-1.xml",
        syntax="IN_DP_E2_UBL_INVOICE_MIN",
        size=10,
        sha256="0" * 64,
    )
    assert flow_send(flow_id=flow.pk) == "failed"  # the supplier has no Chorus Pro connection
    [event] = Event.objects.all()
    assert event.type == "flow.settled"
    assert event.data["flow"]["status"] == Flow.Status.FAILED
    assert "connexion à Chorus Pro" in event.data["flow"]["error_message"]


def test_a_failed_action_is_told_to_the_structure_that_acted(world, endpoint_for, make_invoice):
    import invoices.treatment.recipient  # noqa: F401  (registers the recipient's handler)

    endpoint_for(world["recipient"], "https://example.test/actions", ["action.failed"])
    endpoint_for(world["supplier"], "https://example.test/actions", ["action.failed"])
    invoice = make_invoice(world["supplier"], world["recipient"], chorus_invoice_id=77)
    action = InvoiceAction.objects.create(
        invoice=invoice, kind=InvoiceAction.Kind.TREAT, payload={"target_status": "SERVICE_FAIT"}
    )
    assert action_run(action_id=action.pk) == "failed"  # no Chorus Pro connection
    [event] = Event.objects.all()
    assert (event.type, event.structure_id) == ("action.failed", world["recipient"].pk)
    assert event.data["action"]["error_code"] == "NO_CONNECTION"
    assert event.data["invoice"]["id"] == invoice.pk
