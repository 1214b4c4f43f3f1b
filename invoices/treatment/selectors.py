"""Batches of decisions, saved motives and a validator's own decisions, scoped to the space."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from invoices.selectors import invoice_list_for_space
from invoices.treatment.validator import FIRST, SECOND, decision_level
from portal.spaces import Space, SpaceKind

# How far back a validator's own last decision is looked for among the invoice's decisions.
DECISIONS_LOOKED_AT = 20


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


def validator_decision_latest(*, invoice, structure):
    """The newest validation or refusal taken at a level ``structure`` validates the invoice
    at: the second-level validator is not shown the first validator's decision as its own."""
    from invoices.models import InvoiceAction

    levels = {
        level
        for level, validator_id in (
            (FIRST, invoice.validator_id),
            (SECOND, invoice.second_validator_id),
        )
        if validator_id is not None and validator_id == structure.pk
    }
    decisions = invoice.actions.filter(
        kind__in=[InvoiceAction.Kind.VALIDATE, InvoiceAction.Kind.REFUSE]
    ).order_by("-created_at", "-pk")[:DECISIONS_LOOKED_AT]
    return next((action for action in decisions if decision_level(action) in levels), None)
