"""``/firms/FIRM_ID/invoices...``: the list with the doc's filters, read, create, update, delete,
and the PDF."""

import re
from datetime import date

from facturation_pro_emulator import amounts, pdf, presenters, records
from facturation_pro_emulator.api_customers import find_customer, number
from facturation_pro_emulator.protocol import (
    BLANK,
    NOT_A_DATE,
    NOT_IN_LIST,
    Fields,
    Request,
    Response,
    contains,
    descending,
    fold,
    invalid,
    not_found,
    ordered,
    paged,
    route,
)

BILL_TYPES = ("paid", "unpaid", "term", "invoice", "external", "refund", "down_payment", "draft",
              "notes", "nova")
_PERIOD = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def find_invoice(request: Request, invoice_id: int) -> dict:
    invoice = request.store.get("invoices", invoice_id, request.firm_id)
    if invoice is None:
        raise not_found()
    return invoice


def _bound(query: dict, name: str, *, end: bool) -> str | None:
    """``AAAA-MM`` or ``AAAA-MM-JJ``; a month bound covers the whole month."""
    text = query.get(name)
    if not text:
        return None
    match = _PERIOD.fullmatch(text)
    try:
        if match is None:
            raise ValueError
        if match.group(3):
            return date.fromisoformat(text).isoformat()
        first = date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise invalid({name: [NOT_A_DATE]}) from None
    if not end:
        return first.isoformat()
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1).isoformat()


def _kind_matches(invoice: dict, bill_type: str | None, today: str, total) -> bool:
    """[U] the doc lists the kinds without defining them; no kind lists drafts too."""
    draft = bool(invoice.get("draft"))
    paid = bool(invoice.get("paid_on"))
    refund = bool(invoice.get("refund_id")) or total < 0
    return {
        None: True, "draft": draft, "paid": not draft and paid, "unpaid": not draft and not paid,
        "term": not draft and not paid and (invoice.get("term_on") or today) < today,
        "invoice": not draft and not refund, "refund": not draft and refund,
    }.get(bill_type, False)


def _filtered(request: Request) -> list[dict]:
    query = request.query
    bill_type = query.get("bill_type") or None
    if bill_type is not None and bill_type not in BILL_TYPES:
        raise invalid({"bill_type": [NOT_IN_LIST]})
    billed = query.get("period_type") == "billed"
    start = _bound(query, "period_start", end=False)
    end = _bound(query, "period_end", end=True)
    customers = {c["id"]: c for c in request.store.all("customers", request.firm_id)}
    today = request.clock.today().isoformat()
    kept = []
    for invoice in request.store.all("invoices", request.firm_id):
        customer = customers.get(invoice["customer_id"], {})
        total = amounts.totals(invoice)[0]
        if not _kind_matches(invoice, bill_type, today, total):
            continue
        moment = invoice.get("invoiced_on" if billed else "paid_on")
        if (start or end) and (not moment or (start and moment < start)
                               or (end and moment > end)):
            continue
        if any(name in query and (invoice.get(name) or 0) != number(query, name)
               for name in ("customer_id", "category_id", "followup_id", "user_id")):
            continue
        if "api_id" in query and str(invoice.get("api_id")) != query["api_id"]:
            continue
        if "full_invoice_ref" in query and invoice.get("full_invoice_ref") != query[
                "full_invoice_ref"]:
            continue
        if all(contains(value, query.get(param)) for param, value in (
                ("api_custom", invoice.get("api_custom")),
                ("invoice_ref", invoice.get("invoice_ref")),
                ("payment_ref", invoice.get("payment_ref")), ("title", invoice.get("title")),
                ("accounting_entry", invoice.get("accounting_entry")),
                ("company", customer.get("company_name")),
                ("last_name", customer.get("last_name")))):
            kept.append((invoice, customer, total))
    return _sorted(kept, query)


def _sorted(kept: list, query: dict) -> list[dict]:
    keys = {
        "customer": lambda entry: fold(entry[1].get("short_name")),
        "paid": lambda entry: entry[0].get("paid_on"),
        "total": lambda entry: entry[2],
        "billed": lambda entry: entry[0].get("invoiced_on"),
        "term": lambda entry: entry[0].get("term_on"),
        "created": lambda entry: entry[0].get("created_at"),
        "updated": lambda entry: entry[0].get("updated_at"),
    }
    # "Par défaut, les factures sont triées par ordre décroissant de numéro de facture."
    key = keys.get(query.get("order", ""), lambda entry: entry[0].get("number"))
    entries = ordered(kept, key, descending=descending(query, "desc"),
                      tie=lambda entry: entry[0]["id"])
    return [entry[0] for entry in entries]


def present(request: Request, invoice: dict, *, details: bool, with_settlements: bool,
            customers: dict | None = None, settlements: dict | None = None) -> dict:
    store = request.store
    customer = (customers or {}).get(invoice["customer_id"]) or store.get(
        "customers", invoice["customer_id"], request.firm_id)
    paid = (settlements or {}).get(invoice["id"]) if settlements is not None \
        else store.settlements_of(invoice["id"])
    files = [a for a in store.all("assets", request.firm_id)
             if a["owner"] == "invoice" and a["owner_id"] == invoice["id"]] if details else None
    return presenters.invoice_json(invoice, customer=customer, settlements=paid or [],
                                   details=details, with_settlements=with_settlements,
                                   files=files, base_url=request.base_url)


@route("GET", "/firms/FIRM_ID/invoices.json")
def invoice_list(request: Request) -> Response:
    customers = {c["id"]: c for c in request.store.all("customers", request.firm_id)}
    settlements = request.store.settlements_by_invoice(request.firm_id)
    details = request.query.get("with_details") == "1"
    with_settlements = request.query.get("with_settlements") == "1"
    return paged(request, _filtered(request), lambda invoice: present(
        request, invoice, details=details, with_settlements=with_settlements,
        customers=customers, settlements=settlements))


@route("GET", "/firms/FIRM_ID/invoices/ID.json")
def invoice_show(request: Request) -> Response:
    invoice = find_invoice(request, request.ids[1])
    return Response(body=present(request, invoice, details=True, with_settlements=True))


def _payment(fields: Fields, values: dict, invoice: dict) -> None:
    """``paid_on`` with a ``payment_mode`` marks the invoice paid; ``paid_on: null`` unpaid."""
    if "paid_on" not in values and not values.get("payment_mode"):
        return
    paid_on = values.get("paid_on", invoice.get("paid_on"))
    mode = values.get("payment_mode", invoice.get("payment_mode")) or 0
    if paid_on and invoice.get("draft"):
        fields.add("paid_on", "impossible sur une facture brouillon")
    elif paid_on and not mode:
        fields.add("payment_mode", BLANK)
    elif mode and not paid_on:
        fields.add("paid_on", BLANK)
    values["payment_mode"] = mode if paid_on else 0


@route("POST", "/firms/FIRM_ID/invoices.json")
def invoice_create(request: Request) -> Response:
    if request.query.get("external") == "1":
        # [U] external invoices (imported from another tool) are outside the emulated subset.
        raise invalid({"external": ["les factures externes ne sont pas émulées"]})
    body = request.body or {}
    fields = Fields(body)
    values = records.read(fields, records.INVOICE_SPECS)
    items = records.read_items(request.store, body.get("items"), fields)
    customer = None
    if values.get("customer_id") is None:
        fields.add("customer_id", BLANK)
    else:
        customer = request.store.get("customers", values["customer_id"], request.firm_id)
        if customer is None:
            fields.add("customer_id", "doit exister")
    draft = request.query.get("type_doc") == "draft"
    _payment(fields, values, {"draft": draft})
    fields.check()
    firm = request.app.world.firms[request.firm_id]
    invoice = records.new_invoice(request.store, firm, customer, values, items,
                                  request.clock.stamp(), request.clock.today(), draft=draft)
    request.store.save("invoices", invoice)
    location = f"/firms/{request.firm_id}/invoices/{invoice['id']}.json"
    return Response(201, present(request, invoice, details=True, with_settlements=True),
                    headers={"Location": location})


@route("PATCH", "/firms/FIRM_ID/invoices/ID.json")
def invoice_update(request: Request) -> Response:
    """Drafts change freely; a finalised invoice keeps what makes its amount (422 otherwise)."""
    invoice = find_invoice(request, request.ids[1])
    body = request.body or {}
    fields = Fields(body)
    values = records.read(fields, records.INVOICE_SPECS)
    type_doc = request.query.get("type_doc")
    if not invoice["draft"]:
        for name in records.LOCKED_WHEN_FINAL:
            if name in body and not records.same(name, values.get(name), invoice.get(name)):
                fields.add(name, records.FINAL_LOCK)
        if type_doc == "draft":
            fields.add("base", "Une facture finalisée ne peut pas changer de statut")
    elif "items" in body:
        values["items"] = records.read_items(request.store, body["items"], fields)
    if "customer_id" in values and invoice["draft"] and request.store.get(
            "customers", values["customer_id"] or 0, request.firm_id) is None:
        fields.add("customer_id", "doit exister")
    _payment(fields, values, invoice)
    fields.check()
    invoice.update(values, updated_at=request.clock.stamp())
    if invoice["draft"] and type_doc == "final":
        records.finalise(request.store, request.app.world.firms[request.firm_id], invoice,
                         request.clock.today())
    request.store.save("invoices", invoice)
    return Response()


@route("DELETE", "/firms/FIRM_ID/invoices/ID.json")
def invoice_delete(request: Request) -> Response:
    invoice = find_invoice(request, request.ids[1])
    if not invoice["draft"]:
        raise invalid({"base": ["Une facture finalisée ne peut pas être supprimée : "
                                "faites un avoir"]})
    request.store.delete("invoices", invoice["id"])
    return Response()


@route("GET", "/firms/FIRM_ID/invoices/ID.pdf")
def invoice_pdf(request: Request) -> Response:
    """The PDF; a paid invoice comes "acquittée" unless ``original=1``."""
    invoice = find_invoice(request, request.ids[1])
    customer = find_customer(request, invoice["customer_id"])
    firm = request.app.world.firms[request.firm_id]
    content = pdf.invoice_pdf(firm, customer, invoice,
                              stamp_paid=request.query.get("original") != "1")
    name = invoice.get("full_invoice_ref") or f"brouillon-{invoice['id']}"
    return Response(content=content, content_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="facture_{name}.pdf"'})
