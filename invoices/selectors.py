"""Every query on invoices that a view makes, scoped to the user's active space.

The space comes from one of the user's own memberships (portal.spaces), so filtering on its
structure is enough to keep one structure's invoices away from another's users.
"""

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from invoices.models import Attachment, Invoice, InvoiceLine, StatusEvent
from portal.spaces import Space, SpaceKind
from structures.models import Service

NOT_YET_RECEIVED = ["", "DEPOSEE", "EN_COURS_ACHEMINEMENT"]
# The supplier's own steps, before and while the portal hands the invoice to Chorus Pro: the
# other sides never read them (their history starts with Chorus Pro's statuses).
SUPPLIER_SIDE_STATUSES = frozenset(
    {
        Invoice.Status.DRAFT,
        Invoice.Status.QUEUED,
        Invoice.Status.SENDING,
        Invoice.Status.SUBMITTED,
        Invoice.Status.SUBMISSION_REFUSED,
    }
)


def invoice_list_for_space(*, space: Space | None) -> QuerySet[Invoice]:
    if space is None:
        return Invoice.objects.none()
    invoices = Invoice.objects.select_related("supplier", "recipient", "service", "validator")
    if space.kind == SpaceKind.SUPPLIER:
        return invoices.filter(supplier=space.structure)
    # Recipients and validators never see a supplier's drafts or unsent invoices.
    sent = invoices.filter(chorus_invoice_id__isnull=False)
    # Nor, when a portal supplier sent it, an invoice Chorus Pro has not routed to them yet: in
    # Chorus Pro the recipient sees it from MISE_A_DISPOSITION, the validator from A_VALIDER_1.
    sent = sent.exclude(chorus_status__in=NOT_YET_RECEIVED)
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


class DraftLocked(Exception):
    """The invoice left the draft stage (queued, sent): it can no longer be edited."""

    def __init__(self, invoice: Invoice) -> None:
        super().__init__(invoice.pk)
        self.invoice = invoice


def draft_for_space(*, space: Space | None, invoice_id: int) -> Invoice:
    """A draft the supplier space may edit. One of its invoices that was sent since raises
    DraftLocked, so that a page left open (or restored by Back) can say so and lead to it;
    anything else is 404."""
    if space is None or space.kind != SpaceKind.SUPPLIER:
        raise Http404
    invoice = get_object_or_404(invoice_list_for_space(space=space), pk=invoice_id)
    if invoice.status != Invoice.Status.DRAFT:
        raise DraftLocked(invoice)
    return invoice


def empty_drafts() -> QuerySet[Invoice]:
    """Drafts in which nothing was typed yet: as "New invoice" opened them."""
    return Invoice.objects.filter(
        status=Invoice.Status.DRAFT,
        source=Invoice.Source.PORTAL,
        number="",
        original_number="",
        recipient__isnull=True,
        service__isnull=True,
        validator__isnull=True,
        original_invoice__isnull=True,
        replaces__isnull=True,
        issue_date__isnull=True,
        due_date__isnull=True,
        payment_mode="",
        bank_account_chorus_id__isnull=True,
        vat_exemption_reason="",
        commitment_number="",
        market_number="",
        comment="",
        draft_input={},
        lines__isnull=True,
        attachments__isnull=True,
    )


def draft_line_for_space(*, space: Space | None, invoice_id: int, line_id: int) -> InvoiceLine:
    invoice = draft_for_space(space=space, invoice_id=invoice_id)
    return get_object_or_404(invoice.lines.select_related("invoice"), pk=line_id)


def recipient_services(*, invoice: Invoice) -> list[Service]:
    if invoice.recipient_id is None:
        return []
    return list(invoice.recipient.services.filter(is_active=True).order_by("code"))


def invoice_timeline(*, invoice: Invoice, space: Space | None = None) -> list[StatusEvent]:
    """Newest first. Chorus Pro stamps its history to the minute, so events are ordered by
    minute, then by the order they were recorded in. Only the supplier reads its own steps
    (queued, sent to Chorus Pro…)."""
    events = invoice.events.select_related("actor")
    if space is not None and space.kind != SpaceKind.SUPPLIER:
        events = events.exclude(status__in=SUPPLIER_SIDE_STATUSES)
    events = list(events)
    events.sort(key=lambda e: (e.occurred_at.replace(second=0, microsecond=0), e.pk), reverse=True)
    return events


def notification_list_for_user(*, user) -> QuerySet:
    from invoices.models import Notification

    return Notification.objects.filter(user=user).select_related("invoice")


def notification_page_for_user(*, user, limit: int) -> list:
    """The newest notifications with what the page shows of each invoice: the counterpart seen
    from the user's side (the recipient for the supplier's people, the supplier otherwise) and
    the status that side reads."""
    own = set(user.memberships.values_list("structure_id", flat=True))
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
        if invoice.chorus_status:
            notification.status_label = invoice.get_chorus_status_display()
        else:
            notification.status_label = invoice.get_status_display() if supplier_side else ""
    return notifications


def notification_for_user(*, user, notification_id: int):
    return get_object_or_404(notification_list_for_user(user=user), pk=notification_id)


def notification_unread_count(*, user) -> int:
    return notification_list_for_user(user=user).filter(read_at__isnull=True).count()


# --- supplier answers (invoices/answers/views.py) -------------------------------------------


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


def invoice_download_list_for_space(*, space: Space | None, user) -> QuerySet:
    """The user's own downloads made for the structure of their active space."""
    from invoices.models import InvoiceDownload  # appended part: the top import is shared

    if space is None:
        return InvoiceDownload.objects.none()
    return InvoiceDownload.objects.filter(user=user, structure=space.structure)


def invoice_download_for_space(*, space: Space | None, user, download_id: int):
    return get_object_or_404(
        invoice_download_list_for_space(space=space, user=user), pk=download_id
    )


def draft_attachment_for_space(
    *, space: Space | None, invoice_id: int, attachment_id: int
) -> Attachment:
    """A supporting document of a draft the supplier space may edit; 404 otherwise."""
    invoice = draft_for_space(space=space, invoice_id=invoice_id)
    return get_object_or_404(
        invoice.attachments.filter(kind=Attachment.Kind.SUPPORTING).select_related("invoice"),
        pk=attachment_id,
    )


# Treatment and validation -------------------------------------------------------------------


def invoice_id_possible(value: int) -> bool:
    """Whether an invoice could have this id. A database compares nothing past its id column's
    range (SQLite raises OverflowError), so such an id is answered as unknown before."""
    low, high = connection.ops.integer_field_range(Invoice._meta.pk.get_internal_type())
    return (low is None or value >= low) and (high is None or value <= high)


def invoices_for_space_by_ids(*, space: Space | None, invoice_ids: list[int]) -> list[Invoice]:
    """The invoices picked in a list, in the order given; one the space may not see is a 404."""
    wanted = list(dict.fromkeys(invoice_ids))
    if not all(invoice_id_possible(pk) for pk in wanted):
        raise Http404
    visible = invoice_list_for_space(space=space).filter(pk__in=wanted)
    found = {invoice.pk: invoice for invoice in visible}
    if not wanted or len(found) != len(wanted):
        raise Http404
    return [found[pk] for pk in wanted]


def treatment_batch_for_space(*, space: Space | None, batch):
    """The actions of one batch decision, on invoices the space may see (404 if none)."""
    from invoices.models import InvoiceAction

    actions = list(
        InvoiceAction.objects.filter(
            batch=batch, invoice__in=invoice_list_for_space(space=space)
        ).select_related("invoice", "invoice__supplier")
    )
    if not actions:
        raise Http404
    return actions


def invoice_action_latest(*, invoice: Invoice, kinds: list[str]):
    """The newest decision of these kinds about the invoice, whatever its state."""
    return invoice.actions.filter(kind__in=kinds).order_by("-created_at", "-pk").first()


def reason_templates_for_space(*, space: Space | None, use: str | None = None):
    from invoices.models import ReasonTemplate

    if space is None or space.kind != SpaceKind.RECIPIENT:
        return ReasonTemplate.objects.none()
    templates = ReasonTemplate.objects.filter(structure=space.structure)
    if use is not None:
        templates = templates.filter(use__in=[use, ReasonTemplate.Use.BOTH])
    return templates


def reason_template_for_space(*, space: Space | None, template_id: int):
    return get_object_or_404(reason_templates_for_space(space=space), pk=template_id)


def flow_list_for_space(*, space: Space | None):
    """The flows (deposited invoice files) of a supplier space, newest first."""
    from invoices.models import Flow

    if space is None or space.kind != SpaceKind.SUPPLIER:
        return Flow.objects.none()
    return Flow.objects.filter(supplier=space.structure).select_related("created_by")


def flow_for_space(*, space: Space | None, flow_id: int):
    return get_object_or_404(flow_list_for_space(space=space), pk=flow_id)


def invoice_correction(*, invoice: Invoice) -> Invoice | None:
    """The invoice that corrects a rejected one, if the supplier started it (the first one)."""
    return invoice.corrections.order_by("created_at").first()


def refused_invoice_for_space(*, space: Space | None, invoice_id: int) -> Invoice:
    """An invoice of the space whose submission Chorus Pro refused, to be corrected."""
    return get_object_or_404(
        invoice_list_for_space(space=space).filter(status=Invoice.Status.SUBMISSION_REFUSED),
        pk=invoice_id,
    )
