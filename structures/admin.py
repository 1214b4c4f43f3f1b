from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin import ReadOnlyAdminMixin
from structures.models import ChorusConnection, ChorusExchange, Membership, Service, Structure


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "kind", "is_active", "chorus_id", "last_synced_at"]
    list_filter = ["kind", "is_active", "service_code_required", "commitment_required"]
    search_fields = ["name", "siret", "siren", "chorus_id"]
    readonly_fields = ["siren", "last_synced_at"]
    inlines = [ServiceInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "structure", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "structure__name", "structure__siret"]
    autocomplete_fields = ["user", "structure"]


class ChorusConnectionForm(forms.ModelForm):
    new_password = forms.CharField(
        label=_("new technical password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored password. It is stored encrypted."),
    )

    class Meta:
        model = ChorusConnection
        fields = ["structure", "environment", "login", "password_expires_on"]

    def clean(self):
        cleaned = super().clean()
        if not self.instance.password_encrypted and not cleaned.get("new_password"):
            self.add_error("new_password", _("A password is required for a new connection."))
        return cleaned

    def save(self, commit=True):
        if self.cleaned_data.get("new_password"):
            self.instance.set_password(self.cleaned_data["new_password"])
        return super().save(commit)


@admin.register(ChorusConnection)
class ChorusConnectionAdmin(admin.ModelAdmin):
    form = ChorusConnectionForm
    list_display = ["structure", "environment", "login", "password_expires_on", "last_success_at"]
    list_filter = ["environment"]
    search_fields = ["structure__name", "structure__siret", "login"]
    readonly_fields = ["last_success_at", "last_failure_at", "last_failure_message"]
    autocomplete_fields = ["structure"]


@admin.register(ChorusExchange)
class ChorusExchangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = False
    list_display = [
        "started_at",
        "operation",
        "http_status",
        "return_code",
        "duration_ms",
        "attempt",
        "error_kind",
        "invoice",
    ]
    list_filter = ["operation", "error_kind", "http_status"]
    search_fields = ["operation", "message", "invoice__number", "invoice__chorus_invoice_id"]
    date_hierarchy = "started_at"
    list_select_related = ["invoice"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "structure", "is_active", "commitment_required"]
    list_filter = ["is_active", "commitment_required"]
    search_fields = ["code", "label", "structure__name", "structure__siret"]
    list_select_related = ["structure"]
