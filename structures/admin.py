"""The back-office's structures, memberships, Chorus Pro connections and exchanges: read-only.
Structures come from Chorus Pro, memberships are their managers' (accounts), connections are set
by each structure's manager in the portal; support tests a connection or syncs an inbox again
with the safe actions linked from the structure's page."""

import json

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from portal.admin import ReadOnlyAdminMixin
from structures.chorus import ERROR_KIND_LABELS
from structures.models import ChorusConnection, ChorusExchange, Membership, Service, Structure


class RecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = False
    actions = None


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class ServiceInline(ReadOnlyInline):
    model = Service
    fields = ["code", "label", "is_active", "commitment_required"]


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ["user", "role", "created_at"]


@admin.register(Structure)
class StructureAdmin(RecordAdmin):
    list_display = ["name", "siret", "kind", "is_active", "chorus_id", "last_synced_at"]
    list_filter = ["kind", "is_active", "service_code_required", "commitment_required"]
    search_fields = ["name", "siret", "siren", "chorus_id"]
    fields = [
        "name",
        "siret",
        "siren",
        "kind",
        "public_category",
        "vat_number",
        "address_line",
        "postal_code",
        "city",
        "country_code",
        "chorus_id",
        "is_active",
        "service_code_required",
        "commitment_required",
        "service_or_commitment_required",
        "last_synced_at",
        "safe_actions",
    ]
    readonly_fields = fields
    inlines = [ServiceInline, MembershipInline]

    @admin.display(description=_("safe actions"))
    def safe_actions(self, structure):
        kinds = [("connection_test", _("Test the Chorus Pro connection"))]
        if structure.is_public:
            kinds.append(("inbox_resync", _("Sync the received invoices again")))
        links = [
            (reverse("admin:support_action", args=[kind, structure.pk]), label)
            for kind, label in kinds
        ]
        return format_html_join(" ", '<a class="button" href="{}">{}</a>', links)


@admin.register(Membership)
class MembershipAdmin(RecordAdmin):
    list_display = ["user", "structure", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "structure__name", "structure__siret"]
    list_select_related = ["user", "structure"]


@admin.register(ChorusConnection)
class ChorusConnectionAdmin(RecordAdmin):
    list_display = ["structure", "environment", "login", "password_expires_on", "last_success_at"]
    list_filter = ["environment"]
    search_fields = ["structure__name", "structure__siret", "login"]
    list_select_related = ["structure"]
    # Never the password, even encrypted.
    fields = [
        "structure",
        "environment",
        "login",
        "password_expires_on",
        "last_success_at",
        "last_failure_at",
        "last_failure_message",
        "last_tested_at",
        "statuses_synced_until",
        "received_synced_until",
        "validations_synced_until",
    ]
    readonly_fields = fields


@admin.register(ChorusExchange)
class ChorusExchangeAdmin(RecordAdmin):
    list_display = [
        "started_at",
        "operation",
        "http_status",
        "return_code",
        "duration_ms",
        "attempt",
        "error_kind_display",
        "invoice",
    ]
    list_filter = ["operation", "http_status"]
    search_fields = ["operation", "message", "invoice__number", "invoice__chorus_invoice_id"]
    date_hierarchy = "started_at"
    list_select_related = ["invoice"]
    fields = [
        "started_at",
        "operation",
        "connection",
        "invoice",
        "http_status",
        "return_code",
        "message",
        "duration_ms",
        "attempt",
        "error_kind_display",
        "request_body",
        "response_body",
    ]
    readonly_fields = fields

    @admin.display(description=_("error kind"), ordering="error_kind")
    def error_kind_display(self, exchange):
        return ERROR_KIND_LABELS.get(exchange.error_kind, exchange.error_kind) or "—"

    @admin.display(description=_("request (redacted)"))
    def request_body(self, exchange):
        return format_html("<pre>{}</pre>", _pretty(exchange.request))

    @admin.display(description=_("response (redacted)"))
    def response_body(self, exchange):
        return format_html("<pre>{}</pre>", _pretty(exchange.response))


def _pretty(body) -> str:
    if body in (None, ""):
        return "—"
    return body if isinstance(body, str) else json.dumps(body, indent=2, ensure_ascii=False)


@admin.register(Service)
class ServiceAdmin(RecordAdmin):
    list_display = ["code", "label", "structure", "is_active", "commitment_required"]
    list_filter = ["is_active", "commitment_required"]
    search_fields = ["code", "label", "structure__name", "structure__siret"]
    list_select_related = ["structure"]
