"""The back-office's invoices: every record read-only (no add, no edit, no delete, none in
bulk); an invoice opens on its overview (who, what, amounts, where it stands and why, the safe
actions, the timeline), not on Django's form. Support acts only through the safe actions
(invoices/support/views.py), each confirmed and recorded in the support audit."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from invoices.models import ChorusStatus, Invoice, InvoiceAction
from invoices.support import admin_records  # noqa: F401  (the other records' registrations)
from invoices.support.models import SupportRecord
from invoices.support.refusals import refusal_meaning
from invoices.support.selectors import invoice_overview
from invoices.support.views import RUN_PERMISSION
from invoices.support.views import invoice_overview as overview_page
from invoices.templatetags.amounts import amount
from portal.admin import ReadOnlyAdminMixin, badge


def invoice_status_badges(invoice: Invoice) -> str:
    """The portal's badge of the invoice's own status, and Chorus Pro's status beside it."""
    shown = badge(f"badge-{invoice.status}", invoice.get_status_display())
    if invoice.chorus_status:
        chorus = badge(
            "badge-chorus", invoice.get_chorus_status_display(), chorus_status=invoice.chorus_status
        )
        shown = format_html("{} {}", shown, chorus)
    return shown


class ChorusStatusFilter(admin.SimpleListFilter):
    title = _("Chorus Pro status")
    parameter_name = "chorus_status"

    def lookups(self, request, model_admin):
        return ChorusStatus.choices

    def queryset(self, request, queryset):
        return queryset.filter(chorus_status=self.value()) if self.value() else queryset


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = False
    actions = None
    list_display = [
        "number",
        "supplier_name",
        "recipient_name",
        "status_badges",
        "total_incl_tax_display",
        "chorus_invoice_id",
        "created_at",
    ]
    list_filter = ["status", ChorusStatusFilter, "kind", "billing_framework", "source"]
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

    @admin.display(description=_("supplier"), ordering="supplier__name")
    def supplier_name(self, invoice):
        return invoice.supplier.name

    @admin.display(description=_("recipient"), ordering="recipient__name")
    def recipient_name(self, invoice):
        return invoice.recipient.name if invoice.recipient else "—"

    @admin.display(description=_("status"), ordering="status")
    def status_badges(self, invoice):
        return invoice_status_badges(invoice)

    @admin.display(description=_("total including VAT"), ordering="total_incl_tax")
    def total_incl_tax_display(self, invoice):
        return amount(invoice.total_incl_tax, invoice.currency)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The overview instead of Django's form: nothing on an invoice is edited here."""
        if request.method != "GET":
            raise PermissionDenied
        if not self.has_view_permission(request):
            raise PermissionDenied
        if not str(object_id).isdigit():
            raise Http404
        context = invoice_overview(invoice_id=int(object_id))
        context["can_act"] = request.user.has_perm(RUN_PERMISSION)
        context["opts"] = self.model._meta
        context["status_badges"] = invoice_status_badges(context["invoice"])
        return overview_page(request, context["invoice"], context)


@admin.register(InvoiceAction)
class InvoiceActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = False
    actions = None
    list_display = ["created_at", "invoice", "kind", "status_badge", "attempts", "error_display"]
    list_filter = ["status", "kind"]
    search_fields = ["invoice__number", "invoice__chorus_invoice_id", "error_message"]
    list_select_related = ["invoice"]
    date_hierarchy = "created_at"
    fields = [
        "invoice",
        "kind",
        "status_badge",
        "created_by",
        "created_at",
        "attempts",
        "next_attempt_at",
        "lease_until",
        "finished_at",
        "error_display",
        "error_message",
        "retry_link",
    ]
    readonly_fields = fields

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, action):
        css = {"done": "badge-flow-integrated", "failed": "badge-flow-failed"}
        return badge(css.get(action.status, "badge-flow-queued"), action.get_status_display())

    @admin.display(description=_("error"))
    def error_display(self, action):
        if not action.error_code:
            return "—"
        return f"{action.error_code} – {refusal_meaning(action.error_code).meaning}"

    @admin.display(description=_("retry"))
    def retry_link(self, action):
        if action.status != InvoiceAction.Status.FAILED:
            return "—"
        url = reverse("admin:support_action", args=["action_retry", action.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Retry a failed action"))


@admin.register(SupportRecord)
class SupportRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = False
    actions = None
    list_display = [
        "occurred_at",
        "actor_name",
        "kind",
        "invoice",
        "structure",
        "outcome",
        "reason",
    ]
    list_filter = ["kind", "outcome"]
    search_fields = [
        "actor_name",
        "reason",
        "invoice__number",
        "structure__name",
        "structure__siret",
    ]
    list_select_related = ["invoice", "structure"]
    date_hierarchy = "occurred_at"
    fields = [
        "occurred_at",
        "actor_name",
        "kind",
        "invoice",
        "structure",
        "reason",
        "outcome",
        "outcome_message",
    ]
    readonly_fields = fields
