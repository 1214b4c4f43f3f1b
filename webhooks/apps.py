from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        # Listen to the core's signals (invoices/signals.py, post_save of StatusEvent).
        from webhooks import receivers

        receivers.connect()
