from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacturationProConfig(AppConfig):
    name = "connectors.facturation_pro"
    label = "facturation_pro"
    verbose_name = _("Facturation.pro connector")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The core announces status changes (invoices.signals); it never imports the connector.
        from django.db.models.signals import pre_delete

        from connectors.facturation_pro.importing import invoice_deleted
        from connectors.facturation_pro.write_back import status_change_received
        from invoices.models import Invoice
        from invoices.signals import invoice_status_changed

        invoice_status_changed.connect(status_change_received, dispatch_uid="facturation_pro")
        # A draft imported from Facturation.pro and deleted in the editor may be imported again.
        pre_delete.connect(invoice_deleted, sender=Invoice, dispatch_uid="facturation_pro")
