"""What a sync cycle did, and the hand-over of created invoices to the details step."""

from dataclasses import dataclass, field
from itertools import batched

from django.utils import timezone

from invoices.models import Invoice
from portal.jobs import enqueue
from structures.models import ChorusConnection

# The task that reads created invoices' details (invoices/inbox/tasks.py).
DETAILS_TASK = "invoices.inbox_details"
DETAILS_BATCH = 50  # invoices per details task: one token, and a retry repeats little


@dataclass
class InboxSyncReport:
    seen: int = 0
    created: int = 0
    updated: int = 0  # existing rows given their recipient or validator fields
    changed: int = 0  # status changes recorded from a history
    histories_read: int = 0
    skipped: int = 0  # not storable (supplier without SIRET...), see the logs
    notified: int = 0  # invoices told to the structure's agents
    locked_out: bool = False  # another worker was running this account's cycle
    created_ids: list[int] = field(default_factory=list)


def details_enqueue(*, connection: ChorusConnection, side: str, invoice_ids: list[int]) -> None:
    """Queue the details step for created invoices once the rows are committed; their read is
    due now (the sweep finds them again if this task is lost)."""
    if not invoice_ids:
        return
    Invoice.objects.filter(pk__in=invoice_ids).update(details_next_attempt_at=timezone.now())
    for batch in batched(invoice_ids, DETAILS_BATCH):
        enqueue(DETAILS_TASK, connection.pk, side, list(batch))
