from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacturationProConfig(AppConfig):
    name = "connectors.facturation_pro"
    label = "facturation_pro"
    verbose_name = _("Facturation.pro connector")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The core announces status changes (invoices.signals); it never imports the connector.
        from connectors.facturation_pro.write_back import status_change_received
        from invoices.signals import invoice_status_changed

        invoice_status_changed.connect(status_change_received, dispatch_uid="facturation_pro")
