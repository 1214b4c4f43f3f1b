from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicesConfig(AppConfig):
    name = "invoices"
    verbose_name = _("Invoices")

    def ready(self):
        # The back-office lives with the support capability; admin autodiscovery only looks for
        # invoices/admin.py.
        from django.db.models.signals import post_migrate

        import invoices.support.admin  # noqa: F401
        from invoices.lists.counts import status_counts_after_migrate

        post_migrate.connect(status_counts_after_migrate, sender=self)
