from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicesConfig(AppConfig):
    name = "invoices"
    verbose_name = _("Invoices")

    # The back-office registrations live with the support capability, an app of its own
    # (invoices.support, label "support"), whose admin module the admin finds by itself.
    def ready(self):
        from django.db.models.signals import post_migrate

        from invoices.lists.counts import status_counts_after_migrate

        post_migrate.connect(status_counts_after_migrate, sender=self)
