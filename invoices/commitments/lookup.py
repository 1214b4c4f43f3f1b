"""Reading one commitment (engagement juridique) from Chorus Pro, as the commitment check of the
editor and the commitment panel of the invoice page both need it.

The Engagements API (contract-works-and-new-apis §3.3) tells whether the number exists for this
recipient and supplier, its status, its amount and the payment requests that consumed it. Where
the portal's PISTE application is not subscribed to that API, the legacy
``engagementsJuridiques/v1/rechercher`` still tells existence, status and amount, but not the
consumption. :func:`engagements_unsubscribed` is the one place that decides the fallback.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from chorus_client import (
    ChorusAuthenticationError,
    ChorusClient,
    CommitmentDetails,
    CommitmentField,
    CommitmentSearch,
    Condition,
    PageRequest,
    RegistryQuery,
)
from structures.models import Structure

ENGAGEMENTS = "engagements"
LEGACY = "legacy"
# Chorus Pro's only status that accepts invoices (soumettre refuses the others with 20011).
OPEN = "COMMANDE"
# What a search by number may bring back; one number normally names one commitment.
SEARCH_LIMIT = 20


class CommitmentNotReadable(Exception):
    """Chorus Pro would not say (the supplier unknown to it): ``kind`` is ``refused``."""

    kind = "refused"


@dataclass(frozen=True, kw_only=True)
class ChargedRequest:
    """A payment request (invoice or credit note) charged on the commitment."""

    chorus_id: int
    number: str
    credit_note: bool
    status: str
    supplier_date: str | None  # ISO day
    consumed: Decimal  # what it takes: negative for a credit note, 0 once rejected

    @property
    def day(self) -> date | None:
        return date.fromisoformat(self.supplier_date) if self.supplier_date else None


@dataclass(frozen=True, kw_only=True)
class CommitmentSeen:
    """A commitment as Chorus Pro showed it. ``requests`` is None when the API used (the legacy
    search) does not tell what consumed it; ``total`` may be None with the legacy search too."""

    number: str
    source: str  # ENGAGEMENTS or LEGACY
    found: bool
    status: str | None = None
    label: str | None = None
    total: Decimal | None = None
    currency: str = "EUR"
    requests: tuple[ChargedRequest, ...] | None = None

    @property
    def open(self) -> bool:
        return self.status == OPEN

    def earlier(self, *, chorus_invoice_id: int | None) -> tuple[ChargedRequest, ...]:
        """The payment requests charged before the invoice with this Chorus Pro id, or every
        one for an invoice not in Chorus Pro yet. Chorus Pro numbers payment requests in the
        order they arrive (its invoice ids grow), so a lower id came earlier."""
        return tuple(
            r
            for r in self.requests or ()
            if chorus_invoice_id is None or r.chorus_id < chorus_invoice_id
        )

    def consumed_before(self, *, chorus_invoice_id: int | None) -> Decimal | None:
        """What the earlier invoices (and credit notes) charged on it consumed."""
        if self.requests is None:
            return None
        earlier = self.earlier(chorus_invoice_id=chorus_invoice_id)
        return sum((r.consumed for r in earlier), Decimal(0))

    def as_data(self) -> dict[str, Any]:
        """JSON-safe (amounts as strings), for the invoice's stored check and the cache."""
        data = asdict(self)
        data["total"] = None if self.total is None else str(self.total)
        if self.requests is not None:
            data["requests"] = [{**r, "consumed": str(r["consumed"])} for r in data["requests"]]
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CommitmentSeen:
        requests = data.get("requests")
        return cls(
            number=data["number"],
            source=data["source"],
            found=data["found"],
            status=data.get("status"),
            label=data.get("label"),
            total=None if data.get("total") is None else Decimal(data["total"]),
            currency=data.get("currency") or "EUR",
            requests=None
            if requests is None
            else tuple(
                ChargedRequest(**{**r, "consumed": Decimal(r["consumed"])}) for r in requests
            ),
        )


def engagements_unsubscribed(error: ChorusAuthenticationError) -> bool:
    """The fallback decision, in one place: is this the Engagements API refused to the portal's
    PISTE application as a whole?

    contract §1.1 [S]: an application reaches only the APIs it was subscribed to; annexe v6.1
    §1.7: the gateway answers 403 for a resource it will not serve, with its own body, which the
    client reads as a ChorusAuthenticationError (chorus_client/failures.py). The API's own 403 (a
    commitment the account may not change) has the API's ``[{error, message}]`` body and is a
    ChorusRejectedError, so it never lands here. A 401 is the technical account or the token:
    the legacy API would refuse them too, so no fallback."""
    return error.http_status == 403


def commitment_read(
    client: ChorusClient, *, number: str, recipient: Structure, supplier: Structure
) -> CommitmentSeen:
    """The commitment ``number`` that ``recipient`` issued to ``supplier`` (or to any supplier),
    with the account of ``client`` (the supplier's or the recipient's).

    1. Search the Engagements API by number; keep the commitment the recipient issued, for this
       supplier or for every supplier.
    2. If the portal is not subscribed to that API, ask the legacy search instead.

    Raises the client's errors (ChorusTransientError for the caller to retry) and
    :class:`CommitmentNotReadable`.
    """
    try:
        found = client.engagements.search_commitments(
            RegistryQuery(conditions=(Condition(field=CommitmentField.NUMBER, value=number),)),
            limit=SEARCH_LIMIT,
        )
    except ChorusAuthenticationError as error:
        if not engagements_unsubscribed(error):
            raise
        return _legacy_read(client, number=number, recipient=recipient, supplier=supplier)
    for commitment in found:
        if commitment.number == number and _between(commitment, recipient, supplier):
            return _seen(commitment)
    return CommitmentSeen(number=number, source=ENGAGEMENTS, found=False)


def _between(commitment: CommitmentDetails, recipient: Structure, supplier: Structure) -> bool:
    if commitment.issuer.identifier != recipient.siret:
        return False
    return commitment.supplier is None or commitment.supplier.identifier == supplier.siret


def _seen(commitment: CommitmentDetails) -> CommitmentSeen:
    return CommitmentSeen(
        number=commitment.number,
        source=ENGAGEMENTS,
        found=True,
        status=commitment.status.value,
        label=commitment.label,
        total=commitment.total_amount,
        currency=commitment.currency,
        requests=tuple(
            ChargedRequest(
                chorus_id=request.id,
                number=request.number,
                credit_note=request.type.value == "AVOIR",
                status=request.status.value,
                supplier_date=_day(request.supplier_date),
                consumed=request.consumed_amount,
            )
            for request in commitment.payment_requests
        ),
    )


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _legacy_read(
    client: ChorusClient, *, number: str, recipient: Structure, supplier: Structure
) -> CommitmentSeen:
    """engagementsJuridiques/v1/rechercher (contract §6): searched with no status, so that a
    closed commitment is told apart from an unknown one; no consumption."""
    supplier_id = supplier.chorus_id
    if supplier_id is None:
        summary = client.structures.find_structure_by_siret(supplier.siret)
        if summary is None:
            raise CommitmentNotReadable(number)
        supplier_id = summary.id
    page = client.structures.search_commitments(
        CommitmentSearch(supplier_structure_id=supplier_id, number=number, state=None),
        PageRequest(page_size=50),
    )
    for item in page.items:
        if item.number == number and _legacy_issued_by(item, recipient):
            return CommitmentSeen(
                number=number,
                source=LEGACY,
                found=True,
                status=item.state,
                label=item.label,
                total=item.amount,
            )
    return CommitmentSeen(number=number, source=LEGACY, found=False)


def _legacy_issued_by(item, recipient: Structure) -> bool:
    # Contract §6 [U]: the item's fields are undocumented; when Chorus Pro names no issuer the
    # search by number and supplier is all we can go on.
    if item.issuer_structure_id is not None and recipient.chorus_id is not None:
        return item.issuer_structure_id == recipient.chorus_id
    if item.issuer_identifier:
        return item.issuer_identifier == recipient.siret
    return True
