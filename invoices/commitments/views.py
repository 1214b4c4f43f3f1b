"""The commitment panel of the invoice page, for the supplier and the recipient of an invoice
that names a commitment; polled while a worker reads the commitment from Chorus Pro."""

from django.http import Http404
from django.shortcuts import render

from invoices.commitments.figures import commitment_figures
from invoices.commitments.reading import commitment_reading_for
from invoices.commitments.routing import commitment_rules_apply
from invoices.commitments.statuses import commitment_refusal_reason, commitment_status_label
from invoices.selectors import invoice_for_space
from portal.access import space_required
from portal.spaces import SpaceKind

# The two sides a commitment binds: its issuer (the recipient) and its supplier.
COMMITMENT_SPACES = (SpaceKind.SUPPLIER, SpaceKind.RECIPIENT)
PANEL_TEMPLATE = "invoices/commitments/_panel.html"


def detail_panel(*, request, invoice) -> dict:
    """Context this part adds to the invoice page: ``commitment`` None when there is no panel."""
    if request.space.kind not in COMMITMENT_SPACES:
        return {"commitment": None}
    reading = commitment_reading_for(invoice=invoice, structure=request.space.structure)
    if reading is None:
        return {"commitment": None}
    seen = reading.seen
    return {
        "commitment": {
            "reading": reading,
            "seen": seen,
            "status_label": commitment_status_label(seen.status if seen else None),
            "refusal": commitment_refusal_reason(
                status=seen.status if seen and seen.found else None, number=seen.number
            )
            if seen
            else "",
            "figures": commitment_figures(seen=seen, invoice=invoice) if seen else None,
            # Where Chorus Pro does not check the number, an unknown one is a mere order
            # reference, not an error.
            "required": commitment_rules_apply(invoice=invoice),
        }
    }


@space_required(*COMMITMENT_SPACES)
def commitment_panel(request, invoice_id: int):
    """The panel alone, polled while the commitment is read."""
    invoice = invoice_for_space(space=request.space, invoice_id=invoice_id)
    context = {"invoice": invoice, **detail_panel(request=request, invoice=invoice)}
    if context["commitment"] is None:
        raise Http404
    return render(request, f"{PANEL_TEMPLATE}#commitment-panel", context)
