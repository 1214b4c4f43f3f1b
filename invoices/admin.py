from django.contrib import admin

from invoices.models import Attachment, Invoice, InvoiceLine, InvoiceVatLine, StatusEvent
from structures.models import ChorusExchange


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = [
        "position",
        "description",
        "quantity",
        "unit",
        "unit_price",
        "discount",
        "vat_rate",
        "total_excl_tax",
    ]


class VatLineInline(ReadOnlyInline):
    model = InvoiceVatLine
    fields = ["rate", "taxable_amount", "vat_amount"]


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["kind", "name", "size", "content_type", "sha256", "chorus_attachment_id"]


class StatusEventInline(ReadOnlyInline):
    model = StatusEvent
    fields = ["occurred_at", "status", "source", "actor", "actor_name", "comment"]


class ExchangeInline(ReadOnlyInline):
    model = ChorusExchange
    fields = [
        "started_at",
        "operation",
        "http_status",
        "return_code",
        "message",
        "duration_ms",
        "attempt",
        "error_kind",
    ]
    ordering = ["-started_at"]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "supplier",
        "recipient",
        "status",
        "chorus_status",
        "total_incl_tax",
        "chorus_invoice_id",
        "created_at",
    ]
    list_filter = ["status", "chorus_status", "kind", "billing_framework", "source"]
    search_fields = [
        "number",
        "chorus_invoice_id",
        "chorus_flow_number",
        "supplier__name",
        "supplier__siret",
        "recipient__name",
        "recipient__siret",
        "commitment_number",
    ]
    list_select_related = ["supplier", "recipient"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "status",
        "chorus_status",
        "chorus_status_changed_at",
        "chorus_invoice_id",
        "chorus_flow_number",
        "deposited_on",
        "submission_key",
        "total_excl_tax",
        "total_vat",
        "total_incl_tax",
        "amount_due",
        "created_by",
        "created_at",
        "updated_at",
        "submitted_at",
    ]
    autocomplete_fields = ["supplier", "recipient", "validator", "service", "original_invoice"]
    inlines = [LineInline, VatLineInline, AttachmentInline, StatusEventInline, ExchangeInline]

    def has_delete_permission(self, request, obj=None):
        # An invoice that reached Chorus Pro is a legal document: never deleted from here.
        return obj is None or obj.chorus_invoice_id is None


@admin.register(StatusEvent)
class StatusEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "invoice", "status", "source", "actor_name"]
    list_filter = ["source", "status"]
    search_fields = ["invoice__number", "comment"]
    list_select_related = ["invoice"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
