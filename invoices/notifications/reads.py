"""Reading in-app notifications: marking them read, and opening the invoice one is about in the
space that can see it (a user may be a supplier agent and a recipient agent at once)."""

from django.db.models import QuerySet
from django.utils import timezone

from invoices.models import Notification
from invoices.selectors import invoice_list_for_space
from portal.spaces import Space, space_activate


def notifications_mark_read(*, notifications: QuerySet[Notification]) -> int:
    return notifications.filter(read_at__isnull=True).update(read_at=timezone.now())


def notification_open(*, request, notification: Notification) -> bool:
    """Mark the notification read and make active a space that can see its invoice. Returns
    whether such a space exists (the user may have lost access since)."""
    notifications_mark_read(notifications=Notification.objects.filter(pk=notification.pk))
    if notification.invoice_id is None:
        return False
    current = getattr(request, "space", None)
    candidates = [current.membership] if current else []
    candidates += [m for m in request.memberships if m not in candidates]
    for membership in candidates:
        visible = invoice_list_for_space(space=Space(membership=membership))
        if visible.filter(pk=notification.invoice_id).exists():
            if membership != (current.membership if current else None):
                space_activate(request, membership)
            return True
    return False
