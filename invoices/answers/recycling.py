"""Re-routing an invoice that Chorus Pro sent back for recycling (recycler), under its number.

Recycling is withdrawn (AIFE annex v6.1, §2): no invoice is put in A_RECYCLER any more, and a
routing error is a rejection answered by a corrected invoice (drafts.py). Invoices that were
already waiting to be recycled when the function was withdrawn may still be sent again with the
same number, which is all this module offers.
"""

from django.utils.translation import gettext as _

from chorus_client import InvoiceStatus
from invoices.actions.services import ActionNotAllowedError, action_handler, action_queue
from invoices.answers.services import (
    active_public_structure,
    history_refresh,
    require_allowed,
    require_nothing_under_way,
    supplier_options,
)
from invoices.models import Invoice, InvoiceAction
from structures.models import Service, Structure
from structures.selectors import PUBLIC_ONLY_SERVICE_CODE


def invoice_recycle(
    *,
    invoice: Invoice,
    user,
    recipient_siret: str,
    service_code: str = "",
    commitment_number: str = "",
    comment: str = "",
) -> InvoiceAction:
    """Queue the re-routing of an A_RECYCLER invoice, after checking the new routing against the
    recipient's rules as the portal knows them (Chorus Pro checks again)."""
    require_allowed(
        supplier_options(invoice=invoice).recycle,
        _("Only an invoice sent back for re-routing can be re-routed."),
    )
    require_nothing_under_way(invoice)
    recipient = active_public_structure(siret=recipient_siret, field="recipient_siret")
    service_code = service_code.strip()
    commitment_number = commitment_number.strip()
    service = None
    if service_code:
        service = Service.objects.filter(structure=recipient, code=service_code).first()
        if service is None or not service.is_active:
            raise ActionNotAllowedError(
                _("This service is not an active service of the recipient."), field="service_code"
            )
        if service.code == PUBLIC_ONLY_SERVICE_CODE and not invoice.supplier.is_public:
            raise ActionNotAllowedError(
                _(
                    "FACTURES_PUBLIQUES is reserved for invoices between public entities; "
                    "choose the service named on the order."
                ),
                field="service_code",
            )
    _check_routing_rules(recipient, service, commitment_number)
    return action_queue(
        invoice=invoice,
        kind=InvoiceAction.Kind.RECYCLE,
        payload={
            "recipient_siret": recipient.siret,
            "service_code": service_code,
            "commitment_number": commitment_number,
            "comment": comment.strip(),
        },
        user=user,
    )


def _check_routing_rules(recipient: Structure, service: Service | None, commitment: str) -> None:
    if recipient.service_code_required and service is None:
        raise ActionNotAllowedError(
            _("%(name)s requires a service code.") % {"name": recipient.name},
            field="service_code",
        )
    needs_commitment = recipient.commitment_required or (service and service.commitment_required)
    if needs_commitment and not commitment:
        raise ActionNotAllowedError(
            _("%(name)s requires a commitment number.") % {"name": recipient.name},
            field="commitment_number",
        )
    if recipient.service_or_commitment_required and service is None and not commitment:
        raise ActionNotAllowedError(
            _("%(name)s requires a service code or a commitment number.")
            % {"name": recipient.name},
            field="service_code",
        )


@action_handler(InvoiceAction.Kind.RECYCLE, side="supplier")
def _recycle(client, action: InvoiceAction) -> dict:
    invoice = action.invoice
    payload = action.payload
    already_done = False
    if action.attempts > 1:
        history = client.supplier.history(invoice.chorus_invoice_id)
        already_done = history.current_status != InvoiceStatus.A_RECYCLER
    if not already_done:
        client.supplier.recycle(
            invoice.chorus_invoice_id,
            recipient_siret=payload["recipient_siret"],
            recipient_service_code=payload.get("service_code") or None,
            purchase_order_number=payload.get("commitment_number") or None,
            comment=payload.get("comment") or None,
        )
    recipient = Structure.objects.get(siret=payload["recipient_siret"])
    service = (
        Service.objects.filter(structure=recipient, code=payload["service_code"]).first()
        if payload.get("service_code")
        else None
    )
    fields = {"recipient": recipient, "service": service}
    if payload.get("commitment_number"):
        fields["commitment_number"] = payload["commitment_number"]
    Invoice.objects.filter(pk=invoice.pk).update(**fields)
    result = history_refresh(client, invoice)
    return {**result, "already_done": already_done}


