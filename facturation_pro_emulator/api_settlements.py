"""``/firms/FIRM_ID/invoices/INVOICE_ID/settlements...``: partial settlements of an invoice."""

from facturation_pro_emulator import amounts, presenters, records
from facturation_pro_emulator.api_invoices import find_invoice
from facturation_pro_emulator.protocol import (
    NOT_IN_LIST,
    Fields,
    Request,
    Response,
    not_found,
    paged,
    route,
)


def _settlement(request: Request) -> tuple[dict, dict]:
    invoice = find_invoice(request, request.ids[1])
    settlement = request.store.get("settlements", request.ids[2], request.firm_id)
    if settlement is None or settlement["invoice_id"] != invoice["id"]:
        raise not_found()
    return invoice, settlement


@route("GET", "/firms/FIRM_ID/invoices/INVOICE_ID/settlements.json")
def settlement_list(request: Request) -> Response:
    """[U] a list like the others, so with ``X-Pagination`` (one page in practice)."""
    invoice = find_invoice(request, request.ids[1])
    return paged(request, request.store.settlements_of(invoice["id"]),
                 presenters.settlement_json)


@route("GET", "/firms/FIRM_ID/invoices/INVOICE_ID/settlements/ID.json")
def settlement_show(request: Request) -> Response:
    return Response(body=presenters.settlement_json(_settlement(request)[1]))


@route("POST", "/firms/FIRM_ID/invoices/INVOICE_ID/settlements.json")
def settlement_create(request: Request) -> Response:
    """Record a settlement; when it settles the balance, the invoice is paid on its date and
    with its mode ("marquée comme payée à la date et avec le mode de règlement du dernier
    règlement enregistré").

    [U] refused (422): a draft, an invoice already paid, an amount of 0, of the wrong sign or
    above what remains due, payment mode 0 ("Non payé"). The path's INVOICE_ID wins over an
    ``invoice_id`` of the body.
    """
    invoice = find_invoice(request, request.ids[1])
    fields = Fields(request.body or {})
    total = fields.amount("total", required=True)
    mode = fields.integer("payment_mode", required=True)
    paid_on = fields.day("paid_on", required=True)
    reference = fields.text("payment_ref", limit=255)
    if mode is not None and (mode == 0 or mode not in records.PAYMENT_MODES):
        fields.add("payment_mode", NOT_IN_LIST)
    if invoice["draft"]:
        fields.add("base", "Impossible d'enregistrer un règlement sur une facture brouillon")
    elif invoice.get("paid_on"):
        fields.add("base", "La facture est déjà réglée")
    settled = request.store.settlements_of(invoice["id"])
    due = amounts.balance(invoice, settled)
    if total is not None and not invoice["draft"] and not invoice.get("paid_on"):
        if total == 0:
            fields.add("total", "doit être différent de 0")
        elif (total > 0) != (due > 0) or abs(total) > abs(due):
            fields.add("total", f"dépasse le montant restant dû ({amounts.ruby(due)})")
    fields.check()
    settlement = {"id": request.store.next_id("settlements"), "firm_id": request.firm_id,
                  "invoice_id": invoice["id"], "total": str(amounts.cents(total)),
                  "payment_mode": mode, "paid_on": paid_on, "payment_ref": reference or None}
    request.store.save("settlements", settlement)
    if amounts.cents(total) == due:
        invoice.update(paid_on=paid_on, payment_mode=mode)
    invoice["updated_at"] = request.clock.stamp()
    request.store.save("invoices", invoice)
    location = (f"/firms/{request.firm_id}/invoices/{invoice['id']}/settlements/"
                f"{settlement['id']}.json")
    return Response(201, presenters.settlement_json(settlement), headers={"Location": location})


@route("DELETE", "/firms/FIRM_ID/invoices/INVOICE_ID/settlements/ID.json")
def settlement_delete(request: Request) -> Response:
    """"la suppression de l'un des règlements d'une facture entièrement soldée remet
    automatiquement la facture dans l'état non payée"."""
    invoice, settlement = _settlement(request)
    request.store.delete("settlements", settlement["id"])
    if invoice.get("paid_on"):
        invoice.update(paid_on=None, payment_mode=0)
    invoice["updated_at"] = request.clock.stamp()
    request.store.save("invoices", invoice)
    return Response()
