"""The commitment of an invoice as its page shows it, read from Chorus Pro by a worker and kept
in Django's cache (shared by the web and worker processes, as invoices/treatment/reference.py).

A web request never asks Chorus Pro. It reads the cache: with no reading there, it queues one
(a short "pending" marker keeps a polling page from queuing one per poll) and the panel polls;
with a reading older than FRESH_FOR, it shows it and queues a fresh one for the next view. A
failure is kept briefly, so the panel can say Chorus Pro could not be reached instead of
polling forever.

Each side reads with its own technical account (the supplier's or the recipient's): Chorus Pro
shows a commitment to its issuer and to its supplier, so the reading is kept per connection.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from chorus_client import (
    ChorusAuthenticationError,
    ChorusError,
    ChorusRejectedError,
    ChorusTransientError,
)
from invoices.commitments.lookup import CommitmentNotReadable, CommitmentSeen, commitment_read
from invoices.models import Invoice
from portal.jobs import enqueue
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection, Structure
from structures.selectors import connection_for_structure

# The task that reads an invoice's commitment into the cache (invoices/commitments/tasks.py).
COMMITMENT_READ_TASK = "invoices.commitment_read"
KEPT_FOR = timedelta(days=1)
FRESH_FOR = timedelta(minutes=5)
ERROR_KEPT_FOR = timedelta(minutes=1)
# Longer than a reading takes; once it lapses, a page still waiting queues the reading again
# (the task may have been lost, or be waiting for a retry).
PENDING_FOR = timedelta(seconds=60)


@dataclass(frozen=True)
class CommitmentReading:
    """What the cache holds: ``seen`` None while a worker reads it; ``error`` says why Chorus
    Pro could not tell (``unreachable``, ``unavailable``, ``authentication``, ``refused``,
    ``unexpected``, ``no_connection``)."""

    seen: CommitmentSeen | None = None
    read_at: datetime | None = None
    error: str = ""

    @property
    def loading(self) -> bool:
        return self.seen is None and not self.error


def _key(connection_id: int, invoice: Invoice) -> str:
    # A commitment number is free text (up to 50 characters): hashed, so that any cache backend
    # takes the key.
    digest = hashlib.sha256(invoice.commitment_number.encode()).hexdigest()[:32]
    return (
        f"commitments:reading:{connection_id}:{invoice.recipient_id}:{invoice.supplier_id}:{digest}"
    )


def commitment_reading_for(*, invoice: Invoice, structure: Structure) -> CommitmentReading | None:
    """The invoice's commitment as ``structure`` (its supplier or its recipient) may read it;
    None when the invoice names no commitment. Queues a reading when there is none or when the
    one kept is no longer fresh."""
    if not invoice.commitment_number or invoice.recipient_id is None:
        return None
    connection = connection_for_structure(structure=structure)
    if connection is None:
        return CommitmentReading(error="no_connection")
    key = _key(connection.pk, invoice)
    entry = cache.get(key)
    if entry is None:
        _queue(key, connection.pk, invoice)
        return CommitmentReading()
    if entry.get("error"):
        return CommitmentReading(error=entry["error"])
    read_at = parse_datetime(entry["read_at"])
    if read_at is None or timezone.now() - read_at > FRESH_FOR:
        _queue(key, connection.pk, invoice)
    return CommitmentReading(seen=CommitmentSeen.from_data(entry["seen"]), read_at=read_at)


def _queue(key: str, connection_id: int, invoice: Invoice) -> None:
    if cache.add(f"{key}:pending", True, int(PENDING_FOR.total_seconds())):
        enqueue(COMMITMENT_READ_TASK, connection_id, invoice.pk)


def commitment_reading_refresh(*, connection_id: int, invoice_id: int) -> CommitmentReading | None:
    """Worker side: read the invoice's commitment with the connection's account and keep it.
    A transient failure propagates (the task retries, then :func:`commitment_reading_give_up`);
    any other failure is kept briefly so the panel can say so. None when there is nothing to
    read any more (the invoice or its commitment number gone)."""
    invoice = Invoice.objects.select_related("supplier", "recipient").filter(pk=invoice_id).first()
    connection = ChorusConnection.objects.filter(pk=connection_id).first()
    if invoice is None or connection is None:
        return None
    if not invoice.commitment_number or invoice.recipient is None:
        return None
    key = _key(connection.pk, invoice)
    try:
        with chorus_client_for(connection, invoice=invoice) as client:
            seen = commitment_read(
                client,
                number=invoice.commitment_number,
                recipient=invoice.recipient,
                supplier=invoice.supplier,
            )
    except ChorusTransientError:
        raise
    except ChorusAuthenticationError as error:
        # After the fallback to the legacy search (lookup.py), a 403 means PISTE refuses that
        # one too: the portal's application may use neither commitments API.
        return _failed(key, "unavailable" if error.http_status == 403 else "authentication")
    except (ChorusRejectedError, CommitmentNotReadable):
        return _failed(key, "refused")
    except ChorusError:
        return _failed(key, "unexpected")
    now = timezone.now()
    cache.set(
        key, {"seen": seen.as_data(), "read_at": now.isoformat()}, int(KEPT_FOR.total_seconds())
    )
    cache.delete(f"{key}:pending")
    return CommitmentReading(seen=seen, read_at=now)


def commitment_reading_give_up(*, connection_id: int, invoice_id: int) -> None:
    """After the task's last retry: Chorus Pro could not be reached; the panel stops polling."""
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is not None and invoice.commitment_number:
        _failed(_key(connection_id, invoice), "unreachable")


def _failed(key: str, error: str) -> CommitmentReading:
    kept = cache.get(key)
    if not (kept and kept.get("seen")):
        # A reading kept from before stays shown (with its time) rather than the failure.
        cache.set(key, {"error": error}, int(ERROR_KEPT_FOR.total_seconds()))
    cache.delete(f"{key}:pending")
    return CommitmentReading(error=error)
