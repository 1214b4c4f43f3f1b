"""Every query on invoices that a view makes, scoped to the user's active space.

The space comes from one of the user's own memberships (portal.spaces), so filtering on its
structure is enough to keep one structure's invoices away from another's users.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from invoices.models import Attachment, Invoice, InvoiceLine, StatusEvent
from portal.spaces import Space, SpaceKind
from structures.models import Service


def invoice_list_for_space(*, space: Space | None) -> QuerySet[Invoice]:
    if space is None:
        return Invoice.objects.none()
    invoices = Invoice.objects.select_related("supplier", "recipient", "service", "validator")
    if space.kind == SpaceKind.SUPPLIER:
        return invoices.filter(supplier=space.structure)
    # Recipients and validators never see a supplier's drafts or unsent invoices.
    sent = invoices.filter(chorus_invoice_id__isnull=False)
    if space.kind == SpaceKind.RECIPIENT:
        return sent.filter(recipient=space.structure)
    return sent.filter(validator=space.structure)


def invoice_for_space(*, space: Space | None, invoice_id: int) -> Invoice:
    return get_object_or_404(invoice_list_for_space(space=space), pk=invoice_id)


def attachment_for_space(*, space: Space | None, attachment_id: int) -> Attachment:
    return get_object_or_404(
        Attachment.objects.filter(invoice__in=invoice_list_for_space(space=space)),
        pk=attachment_id,
    )


def draft_for_space(*, space: Space | None, invoice_id: int) -> Invoice:
    """A draft the supplier space may edit; anything else, including a sent invoice, is 404."""
    if space is None or space.kind != SpaceKind.SUPPLIER:
        raise Http404
    return get_object_or_404(
        invoice_list_for_space(space=space).filter(status=Invoice.Status.DRAFT), pk=invoice_id
    )


def draft_line_for_space(*, space: Space | None, invoice_id: int, line_id: int) -> InvoiceLine:
    invoice = draft_for_space(space=space, invoice_id=invoice_id)
    return get_object_or_404(invoice.lines.select_related("invoice"), pk=line_id)


def recipient_services(*, invoice: Invoice) -> list[Service]:
    if invoice.recipient_id is None:
        return []
    return list(invoice.recipient.services.filter(is_active=True).order_by("code"))


def invoice_timeline(*, invoice: Invoice) -> list[StatusEvent]:
    """Newest first. Chorus Pro stamps its history to the minute, so events are ordered by
    minute, then by the order they were recorded in."""
    events = list(invoice.events.select_related("actor"))
    events.sort(key=lambda e: (e.occurred_at.replace(second=0, microsecond=0), e.pk), reverse=True)
    return events


def notification_list_for_user(*, user) -> QuerySet:
    from invoices.models import Notification

    return Notification.objects.filter(user=user).select_related("invoice")


def notification_for_user(*, user, notification_id: int):
    return get_object_or_404(notification_list_for_user(user=user), pk=notification_id)


def notification_unread_count(*, user) -> int:
    return notification_list_for_user(user=user).filter(read_at__isnull=True).count()


# --- supplier answers (invoices/views_actions.py) -------------------------------------------


def sent_invoice_for_supplier_space(*, space: Space | None, invoice_id: int) -> Invoice:
    """An invoice of the supplier space that Chorus Pro has; anything else is 404, including
    the same invoice seen from the recipient's or the validator's space."""
    if space is None or space.kind != SpaceKind.SUPPLIER:
        raise Http404
    return get_object_or_404(
        invoice_list_for_space(space=space).filter(chorus_invoice_id__isnull=False),
        pk=invoice_id,
    )


def supplier_action_latest(*, invoice: Invoice):
    """The supplier's latest decision about the invoice (complete, recycle, acknowledge)."""
    from invoices.models import InvoiceAction

    return (
        invoice.actions.filter(
            kind__in=[
                InvoiceAction.Kind.COMPLETE,
                InvoiceAction.Kind.RECYCLE,
                InvoiceAction.Kind.ACKNOWLEDGE_REJECTION,
            ]
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def invoice_status_motive(*, invoice: Invoice) -> StatusEvent | None:
    """The event that put the invoice in its current Chorus Pro status, when it carries a
    motive: why it was suspended, rejected or sent back for re-routing."""
    if invoice.chorus_status not in {"SUSPENDUE", "REJETEE", "A_RECYCLER"}:
        return None
    return (
        invoice.events.filter(status=invoice.chorus_status)
        .exclude(comment="")
        .order_by("-occurred_at", "-pk")
        .first()
    )
