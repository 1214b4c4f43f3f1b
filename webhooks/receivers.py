"""What the core announces, turned into events for the structures concerned.

Connected in WebhooksConfig.ready() to:
- ``django.db.models.signals.post_save`` of ``invoices.StatusEvent`` (created rows only):
  invoice.status_changed, and invoice.paid when the status is MISE_EN_PAIEMENT;
- ``invoices.signals.invoices_arrived``: invoice.received;
- ``invoices.signals.flow_settled``: flow.settled;
- ``invoices.signals.action_failed``: action.failed.
Each runs in the sender's transaction: the outbox rows commit with the change, or not at all.
"""

from django.conf import settings
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import override

from invoices.models import ChorusStatus, Flow, Invoice, InvoiceAction, StatusEvent
from invoices.selectors import IN_VALIDATION, NOT_YET_RECEIVED, SUPPLIER_SIDE_STATUSES
from invoices.signals import action_failed, flow_settled, invoices_arrived
from webhooks.events import event_record
from webhooks.models import Endpoint, EventType


def connect() -> None:
    post_save.connect(status_event_recorded, sender=StatusEvent, dispatch_uid="webhooks.status")
    invoices_arrived.connect(invoices_received, dispatch_uid="webhooks.arrivals")
    flow_settled.connect(flow_was_settled, dispatch_uid="webhooks.flows")
    action_failed.connect(action_has_failed, dispatch_uid="webhooks.actions")


def _party(structure) -> dict | None:
    if structure is None:
        return None
    return {"id": structure.pk, "siret": structure.siret, "name": structure.name}


def invoice_data(invoice: Invoice) -> dict:
    """What every invoice event says of the invoice (amounts as strings: exact decimals)."""
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "kind": invoice.kind,
        "status": invoice.status,
        "chorus_status": invoice.chorus_status or None,
        "chorus_invoice_id": invoice.chorus_invoice_id,
        "currency": invoice.currency,
        "total_excl_tax": str(invoice.total_excl_tax),
        "total_incl_tax": str(invoice.total_incl_tax),
        "amount_due": str(invoice.amount_due),
        "supplier": _party(invoice.supplier),
        "recipient": _party(invoice.recipient),
    }


def _status_audience(invoice: Invoice, status: str) -> list[int]:
    """Structures that see this status of the invoice in their own space (invoices/selectors):
    the supplier always; the recipient and validators only Chorus Pro's statuses from the
    moment the invoice reaches them."""
    audience = [invoice.supplier_id]
    if status in SUPPLIER_SIDE_STATUSES or status in NOT_YET_RECEIVED:
        return audience
    if invoice.recipient_id and status not in IN_VALIDATION:
        audience.append(invoice.recipient_id)
    audience += [s for s in (invoice.validator_id, invoice.second_validator_id) if s]
    return list(dict.fromkeys(audience))


def _subscribed(structure_ids: list[int], *event_types: str) -> list[dict[int, list[Endpoint]]]:
    """For each event type, the endpoints of these structures that chose it: one query."""
    found: list[dict[int, list[Endpoint]]] = [{} for _ in event_types]
    for endpoint in Endpoint.objects.filter(structure_id__in=structure_ids).only(
        "structure_id", "events", "is_active"
    ):
        for event_type, chosen in zip(event_types, found, strict=True):
            if event_type in endpoint.events:
                chosen.setdefault(endpoint.structure_id, []).append(endpoint)
    return found


def status_event_recorded(sender, instance: StatusEvent, created: bool, raw=False, **kwargs):
    if not created or raw:
        return
    invoice = instance.invoice
    audience = _status_audience(invoice, instance.status)
    changed, paid = _subscribed(audience, EventType.INVOICE_STATUS_CHANGED, EventType.INVOICE_PAID)
    if instance.status != ChorusStatus.PAID:
        paid = {}
    if not changed and not paid:
        return
    with override(settings.LANGUAGE_CODE):
        label = str(instance.status_label)
    data = {
        "invoice": {**invoice_data(invoice), **_as_of(invoice, instance)},
        "status": instance.status,
        "status_label": label,
        "source": instance.source,
        "occurred_at": instance.occurred_at.isoformat(),
        "comment": instance.comment,
    }
    for structure_id, endpoints in changed.items():
        event_record(
            structure_id=structure_id,
            event_type=EventType.INVOICE_STATUS_CHANGED,
            data=data,
            occurred_at=instance.occurred_at,
            source_key=f"status_event:{instance.pk}",
            endpoints=endpoints,
        )
    for structure_id, endpoints in paid.items():
        event_record(
            structure_id=structure_id,
            event_type=EventType.INVOICE_PAID,
            data=data,
            occurred_at=instance.occurred_at,
            source_key=f"paid:{invoice.pk}",
            endpoints=endpoints,
        )


def _as_of(invoice: Invoice, event: StatusEvent) -> dict:
    """The invoice's statuses as of this event: the row is moved after its history is
    recorded (and the caller's copy of it may be older still)."""
    if event.source == StatusEvent.Source.CHORUS:
        return {"chorus_status": event.status}
    if event.status in Invoice.Status.values:
        return {"status": event.status}
    return {}


def invoices_received(sender, structure_id: int, side: str, new_ids, completed_ids, **kwargs):
    [received] = _subscribed([structure_id], EventType.INVOICE_RECEIVED)
    endpoints = received.get(structure_id)
    if not endpoints:
        return
    invoices = Invoice.objects.filter(pk__in=[*new_ids, *completed_ids]).select_related(
        "supplier", "recipient"
    )
    for invoice in invoices.order_by("pk"):
        reason = "completed" if invoice.pk in completed_ids else "new"
        changed_at = invoice.chorus_status_changed_at
        # Once per invoice, side and arrival (its status and when it was reached).
        arrival = f"{invoice.chorus_status}:{changed_at.isoformat() if changed_at else ''}"
        event_record(
            structure_id=structure_id,
            event_type=EventType.INVOICE_RECEIVED,
            data={"invoice": invoice_data(invoice), "side": side, "reason": reason},
            occurred_at=changed_at or timezone.now(),
            source_key=f"received:{side}:{invoice.pk}:{arrival}",
            endpoints=endpoints,
        )


def flow_was_settled(sender, flow: Flow, **kwargs):
    files = [
        {key: entry.get(key) for key in ("name", "number", "invoice_id", "link")}
        for entry in flow.file_names or []
    ]
    event_record(
        structure_id=flow.supplier_id,
        event_type=EventType.FLOW_SETTLED,
        data={
            "flow": {
                "id": flow.pk,
                "name": flow.name,
                "status": flow.status,
                "chorus_flow_number": flow.chorus_flow_number or None,
                "chorus_state": flow.chorus_state or None,
                "error_message": flow.error_message,
                "files": files,
            }
        },
        occurred_at=timezone.now(),
        source_key=f"flow:{flow.pk}",
    )


def action_has_failed(sender, action: InvoiceAction, structure, **kwargs):
    if structure is None:
        return
    event_record(
        structure_id=structure.pk,
        event_type=EventType.ACTION_FAILED,
        data={
            "action": {
                "id": action.pk,
                "kind": action.kind,
                "payload": action.payload,
                "error_code": action.error_code,
                "error_message": action.error_message,
            },
            "invoice": invoice_data(action.invoice),
        },
        occurred_at=timezone.now(),
        source_key=f"action:{action.pk}",
    )
