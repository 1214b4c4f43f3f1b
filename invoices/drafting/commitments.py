"""Checking a commitment number (engagement juridique) against Chorus Pro, in a worker.

Where the recipient's rules involve a commitment (the structure or the chosen service requires
one, or it accepts a service code or a commitment), Chorus Pro refuses an invoice whose number it
does not know for this recipient and supplier, or that is not open for invoicing (closed,
cancelled, not validated yet: return code 20011). Saving the number in the editor queues a check
(the Engagements API, or the legacy search: invoices/commitments/lookup.py), so the supplier
learns it at once rather than after sending.

The outcome lives on ``Invoice.commitment_check``::

    {"number": "EJ-2026-0001", "recipient_siret": "13000261100015",
     "found": true | false | null, "checked_at": "<ISO>" | null, "error": "",
     "requested_at": "<ISO>",
     # once found: where from, Chorus Pro's status, and what remains on it before this invoice
     # (a Decimal as a string; null when the legacy search cannot tell the consumption)
     "source": "engagements" | "legacy", "status": "COMMANDE", "remaining": "7500.00",
     "currency": "EUR"}

``checked_at`` null and no error: the check is under way (the page polls). ``found`` null with an
``error``: Chorus Pro could not tell (``transient``, ``unavailable`` when the portal's PISTE
application may not use the API, ``authentication``, ``refused``, ``unexpected``,
``no_connection``). Contract §6 [U]: subscribing to this API is a separate step on PISTE and may be
missing, so "could not tell" never blocks sending; Chorus Pro checks the number again on soumettre.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from chorus_client import (
    ChorusAuthenticationError,
    ChorusError,
    ChorusRejectedError,
    ChorusTransientError,
)
from invoices.commitments.lookup import CommitmentNotReadable, CommitmentSeen, commitment_read
from invoices.commitments.routing import commitment_rules_apply
from invoices.limits import COMMITMENT_NUMBER_MAX_LENGTH
from invoices.models import Invoice
from portal.jobs import enqueue
from structures.chorus import chorus_client_for
from structures.selectors import connection_for_structure

# The task that asks Chorus Pro about a commitment number (invoices/drafting/tasks.py).
COMMITMENT_CHECK_TASK = "invoices.commitment_check"

COMMITMENT_PENDING_SECONDS = 120


def commitment_check_needed(*, invoice: Invoice) -> bool:
    """True when Chorus Pro will check the invoice's commitment number against its commitments:
    a number is given and the recipient's rules involve one (mirrors soumettre, contract §6)."""
    return bool(invoice.commitment_number) and commitment_rules_apply(invoice=invoice)


def commitment_check_current(*, invoice: Invoice) -> dict[str, Any] | None:
    """The stored check when it is about the invoice's present number and recipient, else None."""
    check = invoice.commitment_check
    if not check or not commitment_check_needed(invoice=invoice):
        return None
    if check.get("number") != invoice.commitment_number:
        return None
    if check.get("recipient_siret") != invoice.recipient.siret:
        return None
    return check


def commitment_check_pending(check: dict[str, Any] | None) -> bool:
    """True while a worker is expected to answer; a check whose task was lost (no answer after
    COMMITMENT_PENDING_SECONDS) no longer counts as under way, so the page stops polling."""
    if not check or check.get("checked_at") is not None or check.get("error"):
        return False
    requested_at = parse_datetime(check.get("requested_at") or "")
    if requested_at is None:
        return True
    return timezone.now() - requested_at < timedelta(seconds=COMMITMENT_PENDING_SECONDS)


def commitment_check_request(*, invoice: Invoice) -> bool:
    """Queue a check of the invoice's commitment number unless the stored one still applies;
    True when a check was queued. A check that no longer applies (number removed, recipient no
    longer asking for one) is dropped."""
    if not commitment_check_needed(invoice=invoice):
        if invoice.commitment_check is not None:
            Invoice.objects.filter(pk=invoice.pk).update(commitment_check=None)
            invoice.commitment_check = None
        return False
    current = commitment_check_current(invoice=invoice)
    # A transient failure or a lost task is worth another try on the next save; any other
    # outcome stands.
    retry = current is not None and (
        current.get("error") == "transient"
        or (current.get("checked_at") is None and not commitment_check_pending(current))
    )
    if current is not None and not retry:
        return False
    number = invoice.commitment_number
    invoice.commitment_check = {
        "number": number,
        "recipient_siret": invoice.recipient.siret,
        "found": None,
        "checked_at": None,
        "error": "",
        "requested_at": timezone.now().isoformat(),
    }
    Invoice.objects.filter(pk=invoice.pk).update(commitment_check=invoice.commitment_check)
    enqueue(COMMITMENT_CHECK_TASK, invoice.pk, number)
    return True


def commitment_check_run(*, invoice_id: int, number: str) -> dict[str, Any] | None:
    """Worker side: ask Chorus Pro whether it knows ``number`` for the invoice's recipient and
    supplier, and store the outcome. Returns it, or None when the invoice moved on (another
    number typed since, or the check no longer applies). Raises ChorusTransientError so that the
    task can retry; :func:`commitment_check_give_up` records the last failure.

    1. Load the invoice; stop if its number or rules changed since the check was queued.
    2. With the supplier's technical account, read the commitment of this number that the
       recipient issued to the supplier (invoices/commitments/lookup.py: the Engagements API, or
       the legacy search where the portal is not subscribed to it).
    3. Store whether it exists, its status and what remains on it before this invoice.
    """
    invoice = (
        Invoice.objects.select_related("supplier", "recipient", "service")
        .filter(pk=invoice_id, commitment_number=number)
        .first()
    )
    if invoice is None or not commitment_check_needed(invoice=invoice):
        return None
    connection = connection_for_structure(structure=invoice.supplier)
    if connection is None:
        return _record(invoice, number, found=None, error="no_connection")
    if len(number) > COMMITMENT_NUMBER_MAX_LENGTH:
        return _record(invoice, number, found=False)
    try:
        with chorus_client_for(connection, invoice=invoice) as client:
            seen = commitment_read(
                client, number=number, recipient=invoice.recipient, supplier=invoice.supplier
            )
    except ChorusTransientError:
        raise
    except ChorusAuthenticationError as error:
        # A 403 here is PISTE refusing the legacy search too: the portal's application may use
        # neither commitments API.
        kind = "unavailable" if error.http_status == 403 else "authentication"
        return _record(invoice, number, found=None, error=kind)
    except (ChorusRejectedError, CommitmentNotReadable):
        return _record(invoice, number, found=None, error="refused")
    except ChorusError:
        return _record(invoice, number, found=None, error="unexpected")
    return _record(invoice, number, found=seen.found, seen=seen)


def commitment_check_give_up(*, invoice_id: int, number: str) -> None:
    """Record that Chorus Pro did not answer, after the task's last retry: the page stops
    polling and says it could not tell."""
    invoice = (
        Invoice.objects.select_related("recipient").filter(pk=invoice_id, commitment_number=number)
    ).first()
    if invoice is not None and invoice.recipient is not None:
        _record(invoice, number, found=None, error="transient")


def _record(
    invoice: Invoice,
    number: str,
    *,
    found: bool | None,
    error: str = "",
    seen: CommitmentSeen | None = None,
) -> dict:
    outcome = {
        "number": number,
        "recipient_siret": invoice.recipient.siret,
        "found": found,
        "checked_at": timezone.now().isoformat(),
        "error": error,
    }
    if seen is not None and seen.found:
        # What the pre-flight check needs beyond existence: the status, and what remains before
        # this invoice (the invoice's total may change after the check).
        before = seen.consumed_before(chorus_invoice_id=invoice.chorus_invoice_id)
        outcome.update(
            source=seen.source,
            status=seen.status,
            currency=seen.currency,
            remaining=None if seen.total is None or before is None else str(seen.total - before),
        )
    # Only while the number is still the one checked: a newer number has its own check queued.
    Invoice.objects.filter(pk=invoice.pk, commitment_number=number).update(commitment_check=outcome)
    return outcome
