from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        # Listen to the core's signals (invoices/signals.py, post_save of StatusEvent).
        from invoices.support.services import register_safe_action
        from invoices.support.timeline import register_timeline_source
        from webhooks import receivers
        from webhooks.models import Delivery
        from webhooks.support import delivery_invoice, delivery_replay_for_support
        from webhooks.timeline import SOURCE, webhook_deliveries_timeline

        receivers.connect()
        register_timeline_source(webhook_deliveries_timeline, key=SOURCE, label=_("Webhook"))
        register_safe_action(
            "webhook_replay", Delivery, delivery_replay_for_support, invoice_of=delivery_invoice
        )
