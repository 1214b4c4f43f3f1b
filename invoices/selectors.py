"""Every query on invoices that a view makes, scoped to the user's active space.

The space comes from one of the user's own memberships (portal.spaces), so filtering on its
structure is enough to keep one structure's invoices away from another's users.
"""

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from invoices.models import PAYABLE_WORKS_FRAMEWORKS, Attachment, Invoice, StatusEvent
from portal.spaces import Space, SpaceKind

NOT_YET_RECEIVED = ["", "DEPOSEE", "EN_COURS_ACHEMINEMENT"]
# An invoice with a validator reaches its recipient only once validated and routed: until then
# it is the validator's (first or second level), in Chorus Pro as in the portal.
IN_VALIDATION = ["A_VALIDER_1", "VALIDEE_1", "REFUSEE_1", "A_VALIDER_2", "VALIDEE_2", "REFUSEE_2"]
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
    invoices = Invoice.objects.select_related(
        "supplier", "recipient", "service", "validator", "second_validator"
    )
    if space.kind == SpaceKind.SUPPLIER:
        # A works piece the MOE or the MOA is depositing on the contractor's behalf is theirs
        # until Chorus Pro has it.
        return invoices.filter(supplier=space.structure).exclude(
            Q(works__isnull=False, chorus_invoice_id__isnull=True)
            & ~Q(works__depositor=space.structure)
        )
    # Recipients and validators never see a supplier's drafts or unsent invoices.
    sent = invoices.filter(chorus_invoice_id__isnull=False)
    # Nor, when a portal supplier sent it, an invoice Chorus Pro has not routed to them yet: in
    # Chorus Pro the recipient sees it from MISE_A_DISPOSITION, the validator from A_VALIDER_1.
    sent = sent.exclude(chorus_status__in=NOT_YET_RECEIVED)
    if space.kind == SpaceKind.RECIPIENT:
        # Works statements between the parties stay in the works pages (invoices/works/); the
        # payable piece they lead to reaches the inbox.
        return (
            sent.filter(recipient=space.structure)
            .exclude(chorus_status__in=IN_VALIDATION)
            .exclude(
                Q(works__isnull=False)
                # A piece the inbox brought has no framework yet: it was made available.
                & ~Q(works__framework__in=[*PAYABLE_WORKS_FRAMEWORKS, ""])
            )
        )
    if space.kind == SpaceKind.PROJECT_MANAGER:
        return sent.filter(works__project_manager=space.structure)
    # A second-level validator is recorded on the invoice once Chorus Pro shows it the invoice.
    # Most validators never are one: without that branch, their lists are one index walk
    # (invoice_validator_status_ks) rather than two bitmaps merged and sorted.
    mine = Q(validator=space.structure)
    if validates_at_second_level(structure=space.structure):
        mine |= Q(second_validator=space.structure)
    return sent.filter(mine)


def validates_at_second_level(*, structure) -> bool:
    # A list page asks up to three times (its rows, its stage filter, its counterparts): the
    # answer is kept on the structure object, which lives as long as the request.
    known = structure.__dict__.get("validates_at_second_level")
    if known is None:
        known = Invoice.objects.filter(second_validator=structure).exists()
        structure.__dict__["validates_at_second_level"] = known
    return known


def invoice_for_space(*, space: Space | None, invoice_id: int) -> Invoice:
    return get_object_or_404(invoice_list_for_space(space=space), pk=invoice_id)


def attachment_for_space(*, space: Space | None, attachment_id: int) -> Attachment:
    return get_object_or_404(
        Attachment.objects.filter(invoice__in=invoice_list_for_space(space=space)),
        pk=attachment_id,
    )


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


# --- supplier answers (invoices/answers/views.py) -------------------------------------------


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


def invoice_action_latest(*, invoice: Invoice, kinds: list[str]):
    """The newest decision of these kinds about the invoice, whatever its state."""
    return invoice.actions.filter(kind__in=kinds).order_by("-created_at", "-pk").first()
