"""A user's notifications: only ever their own."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404


def notification_list_for_user(*, user) -> QuerySet:
    from invoices.models import Notification

    return Notification.objects.filter(user=user).select_related("invoice")


def _labels() -> dict:
    from invoices.models import ChorusStatus, Invoice

    return {**dict(Invoice.Status.choices), **dict(ChorusStatus.choices)}


def notification_page_for_user(*, user, limit: int) -> list:
    """The newest notifications with what the page shows of each invoice: the counterpart seen
    from the user's side (the recipient for the supplier's people, the supplier otherwise) and
    the status that side reads."""
    own = set(user.memberships.values_list("structure_id", flat=True))
    labels = _labels()
    notifications = list(
        notification_list_for_user(user=user).select_related(
            "invoice__supplier", "invoice__recipient"
        )[:limit]
    )
    for notification in notifications:
        invoice = notification.invoice
        if invoice is None:
            continue
        supplier_side = invoice.supplier_id in own
        notification.counterpart = invoice.recipient if supplier_side else invoice.supplier
        # Not get_FOO_display(): it builds a dict of every label, each translated, per call.
        status = invoice.chorus_status or (invoice.status if supplier_side else "")
        notification.status_label = str(labels.get(status, status))
    return notifications


def notification_for_user(*, user, notification_id: int):
    return get_object_or_404(notification_list_for_user(user=user), pk=notification_id)


def notification_unread_count(*, user) -> int:
    return notification_list_for_user(user=user).filter(read_at__isnull=True).count()
