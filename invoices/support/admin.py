from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from invoices.actions.services import ActionUnderWayError
from invoices.models import (
    Attachment,
    Flow,
    Invoice,
    InvoiceAction,
    InvoiceDownload,
    InvoiceLine,
    InvoiceVatLine,
    Notification,
    ReasonTemplate,
    StatusEvent,
)
from invoices.support.services import (
    SupportRefusedError,
    action_retry,
    invoice_resync_queue,
    invoice_send_retry,
)
from invoices.templatetags.amounts import amount
from portal.admin import ReadOnlyAdminMixin
from structures.models import ChorusExchange


def _each(modeladmin, request, queryset, operation, done_message) -> None:
    """Apply a support operation to each selected row; one refusal does not stop the others."""
    done = 0
    for obj in queryset:
        try:
            operation(obj)
        except (SupportRefusedError, ActionUnderWayError) as error:
            modeladmin.message_user(request, str(error), messages.WARNING)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


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


class ActionInline(ReadOnlyInline):
    model = InvoiceAction
    fk_name = "invoice"
    fields = [
        "created_at",
        "kind",
        "status",
        "payload",
        "attempts",
        "next_attempt_at",
        "error_code",
        "error_message",
        "created_by",
        "finished_at",
    ]
    readonly_fields = fields
    ordering = ["-created_at"]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "supplier",
        "recipient",
        "status",
        "chorus_status",
        "total_incl_tax_display",
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
    inlines = [
        LineInline,
        VatLineInline,
        AttachmentInline,
        StatusEventInline,
        ActionInline,
        ExchangeInline,
    ]
    actions = ["resync_from_chorus", "resend_lost_submission"]

    @admin.display(description=_("total including VAT"), ordering="total_incl_tax")
    def total_incl_tax_display(self, invoice):
        return amount(invoice.total_incl_tax, invoice.currency)

    def get_readonly_fields(self, request, obj=None):
        # Once in Chorus Pro, the invoice is what Chorus Pro has: support looks, never edits.
        if obj is not None and obj.chorus_invoice_id is not None:
            return [field.name for field in obj._meta.fields]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        # An invoice that reached Chorus Pro is a legal document: never deleted from here.
        return obj is None or obj.chorus_invoice_id is None

    @admin.action(description=_("Re-read the status history from Chorus Pro"))
    def resync_from_chorus(self, request, queryset):
        _each(
            self,
            request,
            queryset,
            lambda invoice: invoice_resync_queue(invoice=invoice),
            lambda n: (
                ngettext(
                    "%(count)d invoice will be re-read from Chorus Pro in the background.",
                    "%(count)d invoices will be re-read from Chorus Pro in the background.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Send again a submission whose task was lost"))
    def resend_lost_submission(self, request, queryset):
        _each(
            self,
            request,
            queryset,
            lambda invoice: invoice_send_retry(invoice=invoice),
            lambda n: (
                ngettext(
                    "%(count)d submission queued again (never sent twice to Chorus Pro).",
                    "%(count)d submissions queued again (never sent twice to Chorus Pro).",
                    n,
                )
                % {"count": n}
            ),
        )


@admin.register(InvoiceAction)
class InvoiceActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = False
    list_display = ["created_at", "invoice", "kind", "status", "attempts", "error_code"]
    list_filter = ["status", "kind"]
    search_fields = ["invoice__number", "invoice__chorus_invoice_id", "error_message"]
    list_select_related = ["invoice"]
    date_hierarchy = "created_at"
    actions = ["retry_failed"]

    @admin.action(description=_("Retry the failed actions"))
    def retry_failed(self, request, queryset):
        _each(
            self,
            request,
            queryset.select_related("invoice"),
            lambda action: action_retry(action=action, user=request.user),
            lambda n: (
                ngettext("%(count)d action queued again.", "%(count)d actions queued again.", n)
                % {"count": n}
            ),
        )


@admin.register(Flow)
class FlowAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "name", "supplier", "syntax", "status", "chorus_flow_number"]
    list_filter = ["status", "syntax"]
    search_fields = ["name", "chorus_flow_number", "supplier__name", "supplier__siret"]
    list_select_related = ["supplier"]
    date_hierarchy = "created_at"
    # Its file is served by no URL of its own (portal/file_responses.py); the name is shown.
    exclude = ["file"]


@admin.register(InvoiceDownload)
class InvoiceDownloadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "user", "structure", "format", "status", "progress"]
    list_filter = ["status", "format"]
    search_fields = ["user__username", "structure__name"]
    list_select_related = ["user", "structure"]


@admin.register(ReasonTemplate)
class ReasonTemplateAdmin(admin.ModelAdmin):
    list_display = ["label", "structure", "use"]
    list_filter = ["use"]
    search_fields = ["label", "text", "structure__name"]
    autocomplete_fields = ["structure"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "user", "invoice", "message", "read_at"]
    search_fields = ["user__username", "invoice__number", "message"]
    list_select_related = ["user", "invoice"]


@admin.register(StatusEvent)
class StatusEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = False
    list_display = ["occurred_at", "invoice", "status", "source", "actor_name"]
    list_filter = ["source", "status"]
    search_fields = ["invoice__number", "comment"]
    list_select_related = ["invoice"]
