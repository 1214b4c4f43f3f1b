from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicesConfig(AppConfig):
    name = "invoices"
    verbose_name = _("Invoices")

    # The back-office registrations live with the support capability, an app of its own
    # (invoices.support, label "support"), whose admin module the admin finds by itself.
