"""Webhooks in the back-office: support reads endpoints, events and every attempt; the portal
writes them, and the secret is never shown."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin import ReadOnlyAdminMixin
from webhooks.models import Attempt, Delivery, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["url", "structure", "is_active", "consecutive_failures", "disabled_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "structure__name", "structure__siret"]
    exclude = ["secret_encrypted"]


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    fields = ["attempted_at", "status_code", "duration_ms", "response_excerpt", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = False
    list_display = ["event", "endpoint", "status", "tries", "last_status_code", "created_at"]
    list_filter = ["status", "event__type"]
    search_fields = ["event__id", "endpoint__url", "endpoint__structure__name"]
    list_select_related = ["event", "endpoint"]
    inlines = [AttemptInline]
    readonly_fields = ["replay"]

    @admin.display(description=_("Safe action"))
    def replay(self, delivery: Delivery) -> str:
        # The support console's confirmation page (a reason, then the support audit).
        url = reverse("admin:support_action", args=["webhook_replay", delivery.pk])
        return format_html(
            '<a class="button" href="{}">{}</a>', url, _("Replay a webhook delivery")
        )
