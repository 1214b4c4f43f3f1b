"""Batches of decisions and saved motives, scoped to the recipient's space."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from invoices.selectors import invoice_list_for_space
from portal.spaces import Space, SpaceKind


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
