"""What the supplier invoiced before, offered first in the editor: its recent recipients with the
services it used, and those services at the top of the service list. A fixed number of queries
whatever the supplier's history (aggregates, no per-row work)."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q

from invoices.models import Invoice
from structures.models import Service, Structure

RECENT_RECIPIENTS = 5


@dataclass
class RecentRecipient:
    structure: Structure
    services: list[Service] = field(default_factory=list)


def recent_recipients(*, supplier: Structure, limit: int = RECENT_RECIPIENTS) -> list:
    """The public entities the supplier invoiced last (newest first), each with the active
    services it invoiced them at (most used first). Three queries."""
    latest = list(
        Invoice.objects.filter(supplier=supplier, recipient__isnull=False)
        .values("recipient_id")
        .annotate(last=Max("created_at"))
        .order_by("-last")[:limit]
    )
    ids = [row["recipient_id"] for row in latest]
    if not ids:
        return []
    structures = Structure.objects.in_bulk(ids)
    used = (
        Invoice.objects.filter(supplier=supplier, recipient_id__in=ids, service__is_active=True)
        .values("service")
        .annotate(times=Count("pk"), last=Max("created_at"))
        .order_by("-times", "-last")
    )
    service_ids = [row["service"] for row in used]
    services = Service.objects.in_bulk(service_ids)
    found = {pk: RecentRecipient(structure=structures[pk]) for pk in ids if pk in structures}
    for service_id in service_ids:
        service = services[service_id]
        if service.structure_id in found:
            found[service.structure_id].services.append(service)
    return [
        found[pk]
        for pk in ids
        if pk in found and found[pk].structure.is_public and found[pk].structure.is_active
    ]


def recipient_services_used_first(*, invoice: Invoice) -> list[Service]:
    """The recipient's active services, those the supplier invoiced before first (most used
    first), then the others by code. One query."""
    if invoice.recipient_id is None:
        return []
    mine = Q(invoice__supplier_id=invoice.supplier_id) & ~Q(invoice__pk=invoice.pk)
    services = invoice.recipient.services.filter(is_active=True).annotate(
        times=Count("invoice", filter=mine)
    )
    return sorted(services, key=lambda service: (-service.times, service.code))
