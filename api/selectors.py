"""Reads of API keys and calls, scoped to a structure (the manager's page)."""

from django.db.models import QuerySet

from api.models import ApiCall, ApiKey
from structures.models import Structure


def api_key_list_for_structure(*, structure: Structure) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(structure=structure).select_related("created_by")


def api_call_list_for_structure(*, structure: Structure) -> QuerySet[ApiCall]:
    return ApiCall.objects.filter(api_key__structure=structure).select_related("api_key")
