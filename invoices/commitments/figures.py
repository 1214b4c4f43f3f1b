"""The figures of the commitment panel: what the commitment is worth, what the invoices charged
on it before this one consumed, what this invoice takes and what it leaves. Decimals throughout;
the template formats them in the reader's language (invoices/templatetags/amounts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from invoices.commitments.lookup import ChargedRequest, CommitmentSeen
from invoices.models import Invoice
from invoices.models.vocabulary import ChorusStatus

# Chorus Pro statuses after which an invoice no longer consumes its commitment (as
# chorus_client.types_commitments.NOT_CONSUMING).
NOT_CONSUMING = frozenset({"REJETEE", "SUPPRIMEE", "ABANDONNEE"})
# The earlier invoices listed on the panel; the sums count them all.
LISTED = 10


@dataclass(frozen=True, kw_only=True)
class CommitmentFigures:
    total: Decimal
    currency: str
    # What the earlier invoices consumed; None when Chorus Pro did not tell (the legacy search).
    consumed: Decimal | None
    this_invoice: Decimal
    remaining_after: Decimal | None
    earlier: tuple[ChargedRequest, ...]
    earlier_count: int

    @property
    def listed(self) -> list[tuple[ChargedRequest, str]]:
        """The earlier invoices listed, each with its status in words."""
        return [(request, chorus_status_label(request.status)) for request in self.earlier]

    @property
    def exceeded(self) -> bool:
        """This invoice takes more than what remained before it."""
        return (
            self.remaining_after is not None and self.remaining_after < 0 and self.this_invoice > 0
        )

    @property
    def excess(self) -> Decimal:
        return -self.remaining_after if self.exceeded else Decimal(0)

    @property
    def more_earlier(self) -> int:
        return self.earlier_count - len(self.earlier)


def chorus_status_label(status: str) -> str:
    """Chorus Pro's status of a payment request, in words (the code when the portal has none)."""
    try:
        return str(ChorusStatus(status).label)
    except ValueError:
        return status


def invoice_consumption(invoice: Invoice) -> Decimal:
    """What this invoice takes from its commitment: its total incl. VAT, given back by a credit
    note, nothing once Chorus Pro rejected it."""
    if invoice.chorus_status in NOT_CONSUMING:
        return Decimal(0)
    total = invoice.total_incl_tax or Decimal(0)
    return -total if invoice.kind == Invoice.Kind.CREDIT_NOTE else total


def commitment_figures(*, seen: CommitmentSeen, invoice: Invoice) -> CommitmentFigures | None:
    """None when there is nothing to count (no such commitment, or no amount known)."""
    if not seen.found or seen.total is None:
        return None
    consumed = seen.consumed_before(chorus_invoice_id=invoice.chorus_invoice_id)
    this_invoice = invoice_consumption(invoice)
    earlier = seen.earlier(chorus_invoice_id=invoice.chorus_invoice_id)
    return CommitmentFigures(
        total=seen.total,
        currency=seen.currency,
        consumed=consumed,
        this_invoice=this_invoice,
        remaining_after=None if consumed is None else seen.total - consumed - this_invoice,
        earlier=earlier[:LISTED],
        earlier_count=len(earlier),
    )
