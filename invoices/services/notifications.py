"""Telling the supplier's users that an invoice moved: in the portal and by e-mail."""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from invoices.models import ChorusStatus, Invoice, Notification
from structures.models import Membership

logger = logging.getLogger(__name__)
SUPPLIER_ROLES = [Membership.Role.SUPPLIER_AGENT, Membership.Role.STRUCTURE_MANAGER]


def notify_status_change(*, invoice_id: int, status: str) -> int:
    invoice = Invoice.objects.select_related("supplier", "recipient").get(pk=invoice_id)
    label = ChorusStatus(status).label if status in ChorusStatus.values else status
    message = _("Invoice %(number)s is now: %(status)s.") % {
        "number": invoice.number,
        "status": label,
    }
    users = {
        m.user
        for m in Membership.objects.filter(
            structure=invoice.supplier, role__in=SUPPLIER_ROLES, user__is_active=True
        ).select_related("user")
    }
    Notification.objects.bulk_create(
        Notification(user=user, invoice=invoice, message=message) for user in users
    )
    link = reverse("invoices:detail", args=[invoice.pk])
    try:
        send_mass_mail(
            [
                (message, f"{message}\n\n{link}", settings.DEFAULT_FROM_EMAIL, [user.email])
                for user in users
                if user.email
            ],
        )
    except OSError:
        # The in-app notice is kept; a mail server outage must not undo the status sync.
        logger.exception("status notification e-mail not sent for invoice %s", invoice.pk)
    return len(users)
