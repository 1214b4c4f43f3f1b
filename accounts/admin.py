"""The back-office: the audit and the invitations to read, and each person's second factor,
which support can reset (audited). django-otp's own device pages, which would let a device be
changed or deleted without a trace, are not offered."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent, Invitation, SecondFactorUser
from accounts.services.two_factor import two_factor_reset
from portal.admin import ReadOnlyAdminMixin
from structures.models import Membership

for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = False
    list_display = ["occurred_at", "kind", "actor_name", "subject_name", "structure"]
    list_filter = ["kind", "occurred_at"]
    search_fields = ["actor_name", "subject_name", "structure__name", "structure__siret"]
    date_hierarchy = "occurred_at"
    list_select_related = ["structure"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = False
    list_display = ["email", "structure", "status", "invited_by", "created_at", "expires_at"]
    list_filter = ["status"]
    search_fields = ["email", "structure__name", "structure__siret"]
    list_select_related = ["structure", "invited_by"]
    exclude = ["token_digest"]


@admin.register(SecondFactorUser)
class SecondFactorUserAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = False
    list_display = ["username", "first_name", "last_name", "email", "has_second_factor", "must"]
    list_filter = ["is_staff"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fields = ["username", "first_name", "last_name", "email", "is_staff", "last_login"]
    actions = ["reset_second_factor"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
                manager=Exists(
                    Membership.objects.filter(
                        user=OuterRef("pk"), role=Membership.Role.STRUCTURE_MANAGER
                    )
                ),
            )
        )

    @admin.display(description=_("second factor set up"), boolean=True, ordering="enrolled")
    def has_second_factor(self, user) -> bool:
        return user.enrolled

    @admin.display(description=_("second factor required"), boolean=True)
    def must(self, user) -> bool:
        return user.is_staff or user.manager

    def has_reset_permission(self, request) -> bool:
        return request.user.has_perm("accounts.reset_second_factor")

    @admin.action(description=_("Reset the second factor"), permissions=["reset"])
    def reset_second_factor(self, request, queryset):
        """Asks first; then each user loses their authenticator and recovery codes, and sets up
        a new second factor at their next login if they must have one."""
        if request.POST.get("confirmed"):
            count = 0
            for user in queryset:
                two_factor_reset(user=user, actor=request.user)
                count += 1
            self.message_user(
                request,
                ngettext(
                    "The second factor of %(count)d person is reset.",
                    "The second factors of %(count)d people are reset.",
                    count,
                )
                % {"count": count},
            )
            return None
        return TemplateResponse(
            request,
            "admin/accounts/reset_second_factor.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reset the second factor?"),
                "opts": self.model._meta,
                "people": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )
