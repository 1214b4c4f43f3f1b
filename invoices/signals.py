"""What the core announces to whoever listens (connectors, webhooks), without importing them.

``invoice_status_changed``: an invoice moved to a new Chorus Pro status; sent once the change is
committed, by the one worker that recorded it. Arguments: ``invoice_id``, ``status`` (the Chorus
Pro status), ``event_id`` (its timeline entry, or None). Receivers only queue work: they run in
the worker that recorded the change.
"""

import logging

from django.dispatch import Signal

from invoices.models import Invoice

logger = logging.getLogger(__name__)
invoice_status_changed = Signal()


def invoice_status_change_announce(*, invoice_id: int, status: str, event_id: int | None) -> None:
    """Tell the receivers; one that fails is logged and never undoes the change or stops the
    others."""
    answers = invoice_status_changed.send_robust(
        sender=Invoice, invoice_id=invoice_id, status=status, event_id=event_id
    )
    for receiver, answer in answers:
        if isinstance(answer, Exception):
            logger.error(
                "receiver %s of invoice %s's status change failed",
                receiver,
                invoice_id,
                exc_info=answer,
            )
