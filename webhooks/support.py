"""Replaying a delivery as one of support's safe actions (invoices/support/services.py): the
support console asks for a reason, runs it and records it in the support audit."""

from django.utils.translation import gettext as _

from invoices.models import Invoice
from invoices.support.services import SupportRefusedError
from webhooks.models import Delivery
from webhooks.services import EndpointDisabledError, delivery_replay


def delivery_replay_for_support(delivery: Delivery, user) -> str:
    """Safe to repeat: the receiver gets the same event id again and drops the duplicate."""
    try:
        delivery_replay(delivery=delivery)
    except EndpointDisabledError as error:
        raise SupportRefusedError(
            _("the endpoint is disabled: its structure's manager must enable it again first.")
        ) from error
    return ""


def delivery_invoice(delivery: Delivery) -> Invoice | None:
    invoice_id = (delivery.event.data.get("invoice") or {}).get("id")
    return Invoice.objects.filter(pk=invoice_id).first() if invoice_id else None
