"""The back-office's view of API keys and calls: read only (keys are made and revoked by the
structure's managers, in the portal)."""

from django.contrib import admin

from api.models import ApiCall, ApiKey
from portal.admin import ReadOnlyAdminMixin


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "prefix", "structure", "scope", "role", "last_used_at", "revoked_at"]
    list_filter = ["scope", "role"]
    search_fields = ["name", "prefix", "structure__name", "structure__siret"]
    exclude = ["key_hash"]


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "api_key", "method", "path", "status", "duration_ms", "error_id"]
    list_filter = ["status", "method"]
    search_fields = ["path", "error_id", "api_key__prefix", "api_key__structure__name"]
    date_hierarchy = "at"
