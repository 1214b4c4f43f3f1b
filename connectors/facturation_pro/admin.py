"""The connector in the back-office: accounts (never their key), invoices read and imported, and
the writes back to Facturation.pro, which support may hand out again."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from connectors.facturation_pro.models import FproConnection, FproInvoice, FproWriteBack
from connectors.facturation_pro.write_back import WRITE_BACK_TASK
from portal.jobs import enqueue


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FproConnection)
class FproConnectionAdmin(ReadOnly):
    list_display = ["structure", "api_id", "firm_id", "firm_name", "test_outcome", "auto_import"]
    exclude = ["api_key_encrypted"]
    search_fields = ["structure__name", "structure__siret", "api_id"]


@admin.register(FproInvoice)
class FproInvoiceAdmin(ReadOnly):
    list_display = ["number", "connection", "customer", "issued_on", "total_incl_tax", "state"]
    list_filter = ["state"]
    search_fields = ["number", "connection__structure__name"]
    raw_id_fields = ["invoice", "customer", "run"]


@admin.action(description=_("Write again to Facturation.pro"))
def write_again(modeladmin, request, queryset) -> None:
    writes = list(queryset.exclude(state=FproWriteBack.State.DONE))
    for write in writes:
        FproWriteBack.objects.filter(pk=write.pk).update(
            state=FproWriteBack.State.PENDING, next_attempt_at=timezone.now(), error=""
        )
        enqueue(WRITE_BACK_TASK, write.pk)
    modeladmin.message_user(
        request, _("Writes queued again: %(count)d.") % {"count": len(writes)}, messages.SUCCESS
    )


@admin.register(FproWriteBack)
class FproWriteBackAdmin(ReadOnly):
    list_display = ["source", "kind", "state", "attempts", "done_at", "error"]
    list_filter = ["kind", "state"]
    actions = [write_again]
    raw_id_fields = ["source"]
