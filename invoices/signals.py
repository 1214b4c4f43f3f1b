"""What the core announces, for integrations that live outside it (webhooks, connectors).

The core sends these signals and never imports who listens: an app that wants to hear of them
depends on ``invoices``, never the reverse (tests/test_architecture.py).

``invoice_status_changed``: an invoice moved to a new Chorus Pro status; sent once the change is
committed, by the one worker that recorded it. Arguments: ``invoice_id``, ``status`` (the Chorus
Pro status), ``event_id`` (its timeline entry, or None). Receivers only queue work: they run in
the worker that recorded the change (the Facturation.pro write-back listens to it).

The others are sent inside the transaction that records the change where there is one, so a
listener that writes rows (an outbox, as webhooks do) commits or rolls back with the change
itself. Every status an invoice goes through is also a new, immutable ``StatusEvent`` row:
``post_save`` on ``StatusEvent`` (``created=True``) hears them inside that transaction.
"""

import logging

from django.dispatch import Signal

from invoices.models import Invoice

logger = logging.getLogger(__name__)
invoice_status_changed = Signal()

# Invoices new to a public structure's inbox (side "recipient") or validation queue (side
# "validator"), or completed by their supplier after a suspension; sent with the notices of
# invoices/notifications, once per invoice and status as those are.
# kwargs: structure_id, side, new_ids, completed_ids
invoices_arrived = Signal()

# A deposited flow reached a final state (integrated, partly integrated, rejected), or could
# not be deposited at all (failed). kwargs: flow (the Flow, its status already final)
flow_settled = Signal()

# A decision carried to Chorus Pro by a worker (invoices/actions) failed for good.
# kwargs: action (the InvoiceAction, failed), structure (whose account made the call)
action_failed = Signal()


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
