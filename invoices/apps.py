from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicesConfig(AppConfig):
    name = "invoices"
    verbose_name = _("Invoices")

    def ready(self):
        # The back-office lives with the support capability; admin autodiscovery only looks for
        # invoices/admin.py.
        import invoices.support.admin  # noqa: F401
