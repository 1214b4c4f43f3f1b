"""The back-office's other invoice records: files deposited, downloads, saved motives, notices
and the status history; all read-only, none deleted."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from invoices.models import (
    ChorusStatus,
    Flow,
    Invoice,
    InvoiceDownload,
    Notification,
    ReasonTemplate,
    StatusEvent,
)
from portal.admin import ReadOnlyAdminMixin, badge


class RecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = False
    actions = None


@admin.register(Flow)
class FlowAdmin(RecordAdmin):
    list_display = [
        "created_at",
        "name",
        "supplier",
        "syntax",
        "status_badge",
        "chorus_flow_number",
    ]
    list_filter = ["status", "syntax"]
    search_fields = ["name", "chorus_flow_number", "supplier__name", "supplier__siret"]
    list_select_related = ["supplier"]
    date_hierarchy = "created_at"
    # Its file is served by no URL of its own (portal/file_responses.py); the name is shown.
    fields = [
        "supplier",
        "name",
        "syntax",
        "size",
        "status_badge",
        "chorus_flow_number",
        "chorus_state_display",
        "error_message",
        "send_attempts",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, flow):
        return badge(f"badge-flow-{flow.status}", flow.get_status_display())

    @admin.display(description=_("Chorus Pro flow state"))
    def chorus_state_display(self, flow):
        return flow.chorus_state_label or "—"


@admin.register(InvoiceDownload)
class InvoiceDownloadAdmin(RecordAdmin):
    list_display = ["created_at", "user", "structure", "format", "status", "progress"]
    list_filter = ["status", "format"]
    search_fields = ["user__username", "structure__name"]
    list_select_related = ["user", "structure"]
    fields = ["user", "structure", "format", "status", "progress", "attempts", "error_message"]
    readonly_fields = [*fields, "created_at", "finished_at"]


@admin.register(ReasonTemplate)
class ReasonTemplateAdmin(RecordAdmin):
    list_display = ["label", "structure", "use"]
    list_filter = ["use"]
    search_fields = ["label", "text", "structure__name"]
    list_select_related = ["structure"]


@admin.register(Notification)
class NotificationAdmin(RecordAdmin):
    list_display = ["created_at", "user", "invoice", "message", "read_at"]
    search_fields = ["user__username", "invoice__number", "message"]
    list_select_related = ["user", "invoice"]
    fields = ["created_at", "user", "invoice", "message", "read_at"]
    readonly_fields = fields


class StatusFilter(admin.SimpleListFilter):
    """The statuses by their labels (the column holds the portal's or Chorus Pro's codes)."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Invoice.Status.choices, *ChorusStatus.choices]

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(StatusEvent)
class StatusEventAdmin(RecordAdmin):
    list_display = ["occurred_at", "invoice", "status_display", "source", "actor_name"]
    list_filter = ["source", StatusFilter]
    search_fields = ["invoice__number", "comment"]
    list_select_related = ["invoice"]
    fields = ["invoice", "occurred_at", "status_display", "source", "actor_name", "comment"]
    readonly_fields = fields

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, event):
        css = f"badge-{event.status}" if event.status in Invoice.Status.values else "badge-chorus"
        return badge(css, event.status_label)
