"""A user's notifications: only ever their own."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404


def notification_list_for_user(*, user) -> QuerySet:
    from invoices.models import Notification

    return Notification.objects.filter(user=user).select_related("invoice")


def _labels() -> dict:
    from invoices.models import ChorusStatus, Invoice

    return {**dict(Invoice.Status.choices), **dict(ChorusStatus.choices)}


# What a notice tells of: a change of status of one's invoice (a Chorus Pro status event), or an
# invoice arriving in one's inbox or queue (new, or completed by its supplier).
KIND_STATUS, KIND_ARRIVAL = "status", "arrival"


def notification_page_for_user(*, user, limit: int, kind: str = "", text: str = "") -> list:
    """The newest notifications with what the page shows of each invoice: the counterpart seen
    from the user's side (the recipient for the supplier's people, the supplier otherwise) and
    the status that side reads. ``kind`` and ``text`` (part of an invoice number) filter them."""
    own = set(user.memberships.values_list("structure_id", flat=True))
    labels = _labels()
    notices = notification_list_for_user(user=user)
    if kind == KIND_STATUS:
        notices = notices.filter(status_event__isnull=False)
    elif kind == KIND_ARRIVAL:
        notices = notices.filter(status_event__isnull=True)
    if text:
        notices = notices.filter(invoice__number__icontains=text)
    notifications = list(notices.select_related("invoice__supplier", "invoice__recipient")[:limit])
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


def notifications_grouped(notifications: list) -> list[tuple]:
    """Repeated notices about one invoice under its newest: (newest, [earlier, ...]) in the
    order of the newest ones; a notice without an invoice stands alone."""
    groups, by_invoice = [], {}
    for notice in notifications:
        if notice.invoice_id is None:
            groups.append((notice, []))
        elif notice.invoice_id in by_invoice:
            by_invoice[notice.invoice_id][1].append(notice)
        else:
            by_invoice[notice.invoice_id] = (notice, [])
            groups.append(by_invoice[notice.invoice_id])
    return groups
