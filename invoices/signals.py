"""What the core announces, for integrations that live outside it (webhooks, connectors).

The core sends these signals and never imports who listens: an app that wants to hear of them
depends on ``invoices``, never the reverse (tests/test_architecture.py). Each is sent inside the
transaction that records the change where there is one, so a listener that writes rows (an
outbox) commits or rolls back with the change itself.

A change of status needs no signal of its own: every status an invoice goes through is a new,
immutable ``StatusEvent`` row, so ``post_save`` on ``StatusEvent`` (``created=True``) is it.
"""

from django.dispatch import Signal

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
