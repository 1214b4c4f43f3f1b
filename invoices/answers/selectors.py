"""Sent invoices a supplier answers for, and what was asked of them."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from invoices.models import Invoice, StatusEvent
from invoices.selectors import invoice_list_for_space
from portal.spaces import Space, SpaceKind
from structures.models import Structure


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
    """The supplier's latest decision about the invoice (complete, recycle, acknowledge,
    correct the validator)."""
    from invoices.models import InvoiceAction

    return (
        invoice.actions.filter(
            kind__in=[
                InvoiceAction.Kind.COMPLETE,
                InvoiceAction.Kind.RECYCLE,
                InvoiceAction.Kind.ACKNOWLEDGE_REJECTION,
                InvoiceAction.Kind.FIX_VALIDATOR,
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


def invoice_correction(*, invoice: Invoice) -> Invoice | None:
    """The invoice that corrects a rejected one, if the supplier started it (the first one)."""
    return invoice.corrections.order_by("created_at").first()


def validator_suggestions(*, invoice: Invoice) -> list[Structure]:
    """Validators the supplier's other invoices named, offered when it names the right one for
    this invoice (the one that refused it left out)."""
    return list(
        Structure.objects.filter(
            invoices_to_validate__supplier_id=invoice.supplier_id, is_active=True
        )
        .exclude(pk__in=[pk for pk in (invoice.validator_id, invoice.second_validator_id) if pk])
        .distinct()
        .order_by("name")[:20]
    )
