"""Sending imported invoices: the very pre-flight check and exactly-once submission of the
browser (invoices/sending/), one invoice at a time."""

from __future__ import annotations

from dataclasses import dataclass, field

from connectors.facturation_pro.models import FproInvoice
from invoices.models import Invoice
from invoices.sending.submission import NotReady, invoice_submit


@dataclass
class SendOutcome:
    queued: list[Invoice] = field(default_factory=list)
    not_ready: list[Invoice] = field(default_factory=list)


def fpro_invoices_send(*, rows: list[FproInvoice], user) -> SendOutcome:
    """Queue each imported draft of ``rows`` whose pre-flight check passes; the others are
    returned, to be completed in the editor (their pre-flight page says what is missing)."""
    outcome = SendOutcome()
    for row in rows:
        invoice = row.invoice
        if invoice is None or invoice.status != Invoice.Status.DRAFT:
            continue
        try:
            invoice_submit(invoice=invoice, user=user)
        except NotReady:
            outcome.not_ready.append(invoice)
        else:
            outcome.queued.append(invoice)
    return outcome
