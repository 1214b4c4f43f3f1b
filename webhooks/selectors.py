"""Webhook reads, each scoped to a structure the user manages: another structure's endpoint or
delivery is a 404, like a structure the user does not manage."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from structures.models import Structure
from structures.selectors import structure_managed_by_user
from webhooks.models import Delivery, Endpoint

DELIVERIES_SHOWN = 50


def endpoint_list_for_manager(*, user, structure_id: int) -> tuple[Structure, QuerySet[Endpoint]]:
    structure = structure_managed_by_user(user=user, structure_id=structure_id)
    return structure, Endpoint.objects.filter(structure=structure)


def endpoint_for_manager(*, user, structure_id: int, endpoint_id: int) -> Endpoint:
    _structure, endpoints = endpoint_list_for_manager(user=user, structure_id=structure_id)
    return get_object_or_404(endpoints.select_related("structure"), pk=endpoint_id)


def delivery_list_for_endpoint(*, endpoint: Endpoint, limit: int = DELIVERIES_SHOWN) -> list:
    return list(endpoint.deliveries.select_related("event").order_by("-created_at", "-pk")[:limit])


def delivery_for_manager(
    *, user, structure_id: int, endpoint_id: int, delivery_id: int
) -> Delivery:
    endpoint = endpoint_for_manager(user=user, structure_id=structure_id, endpoint_id=endpoint_id)
    return get_object_or_404(
        Delivery.objects.filter(endpoint=endpoint).select_related("event", "endpoint__structure"),
        pk=delivery_id,
    )
