"""A supplier's deposited flows, scoped to its space."""

from django.shortcuts import get_object_or_404

from portal.spaces import Space, SpaceKind


def flow_list_for_space(*, space: Space | None):
    """The flows (deposited invoice files) of a supplier space, newest first."""
    from invoices.models import Flow

    if space is None or space.kind != SpaceKind.SUPPLIER:
        return Flow.objects.none()
    return Flow.objects.filter(supplier=space.structure).select_related("created_by")


def flow_for_space(*, space: Space | None, flow_id: int):
    return get_object_or_404(flow_list_for_space(space=space), pk=flow_id)
