from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from portal.admin import ReadOnlyAdminMixin
from reference_lists.models import ReferenceEntry
from reference_lists.services import reference_lists_refresh_request


@admin.register(ReferenceEntry)
class ReferenceEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Chorus Pro's lists as last read: support sees what the portal offers, and may ask a worker
    to read them again (they are never edited here)."""

    deletable = False
    list_display = ["kind", "scope", "code", "label", "fetched_at"]
    list_filter = ["kind", "scope"]
    search_fields = ["code", "label"]
    actions = ["refresh_from_chorus"]

    @admin.action(description=_("Read every list from Chorus Pro again"))
    def refresh_from_chorus(self, request, queryset):
        reference_lists_refresh_request()
        self.message_user(
            request, _("A worker reads the lists from Chorus Pro."), level=messages.SUCCESS
        )
