"""Whether the recipient's routing rules make Chorus Pro check an invoice's commitment number."""

from invoices.models import Invoice


def commitment_rules_apply(*, invoice: Invoice) -> bool:
    """True when Chorus Pro checks the number against its commitments on soumettre (contract
    §6): the recipient or the chosen service requires a commitment, or the recipient accepts a
    service code or a commitment. Elsewhere the number is only the buyer's order reference."""
    recipient, service = invoice.recipient, invoice.service
    if recipient is None:
        return False
    return bool(
        recipient.commitment_required
        or recipient.service_or_commitment_required
        or (service is not None and service.commitment_required)
    )
