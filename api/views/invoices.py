"""Invoices: list, create a draft, read, change or cancel a draft, pre-flight check, send,
status history. Scoped by the browser's selectors to the key's space."""

from django.http import Http404

from api.drafts import api_invoice_create, api_invoice_update
from api.endpoint import api_endpoint
from api.forms import HEADER_FIELDS, InvoiceListForm, query_form
from api.http import ApiError, error, json_body, json_response, list_response, paginate
from api.representations import check_json, event_json, invoice_json, invoice_url
from invoices.drafting.selectors import DraftLocked, draft_for_space
from invoices.drafting.services import invoice_draft_delete
from invoices.models import Invoice
from invoices.selectors import (
    invoice_for_space,
    invoice_id_possible,
    invoice_list_for_space,
    invoice_timeline,
)
from invoices.sending.preflight import invoice_preflight
from invoices.sending.selectors import refused_invoice_for_space
from invoices.sending.submission import NotReady, invoice_reopen, invoice_submit
from portal.spaces import SpaceKind

READ, WRITE, SEND = "read", "write", "send"
DRAFT_FIELDS = {*HEADER_FIELDS, "lines"}
ON_ITS_WAY = {Invoice.Status.QUEUED, Invoice.Status.SENDING, Invoice.Status.SUBMITTED}


def visible_invoice(request, invoice_id: int) -> Invoice:
    """An invoice of the key's space (the browser's selector), else 404."""
    if not invoice_id_possible(invoice_id):
        raise Http404
    return invoice_for_space(space=request.space, invoice_id=invoice_id)


def supplier_draft(request, invoice_id: int) -> Invoice:
    """A draft of the key's supplier space; 404 for anything it may not see, 409 once sent."""
    if request.space.kind != SpaceKind.SUPPLIER:
        raise error(403, "Only a key acting as a supplier drafts and sends invoices.")
    if not invoice_id_possible(invoice_id):
        raise Http404
    try:
        return draft_for_space(space=request.space, invoice_id=invoice_id)
    except DraftLocked as locked:
        raise error(
            409, f"The invoice is no longer a draft (status: {locked.invoice.status})."
        ) from None


@api_endpoint(methods={"GET": READ, "POST": WRITE})
def invoice_collection(request):
    if request.method == "POST":
        return _invoice_create(request)
    form = query_form(InvoiceListForm, request)
    invoices = form.filter(invoice_list_for_space(space=request.space))
    page = paginate(request, invoices)
    details = form.cleaned_data["with_details"] == "1"
    return list_response(page, [invoice_json(i, with_details=details) for i in page.items])


def _invoice_create(request):
    if request.space.kind != SpaceKind.SUPPLIER:
        raise error(403, "Only a key acting as a supplier drafts and sends invoices.")
    body = json_body(request, allowed=DRAFT_FIELDS)
    invoice = api_invoice_create(
        supplier=request.space.structure, user=request.api_key.created_by, body=body
    )
    return json_response(
        invoice_json(invoice, with_details=True), 201, {"Location": invoice_url(invoice)}
    )


@api_endpoint(methods={"GET": READ, "PATCH": WRITE, "DELETE": WRITE})
def invoice_item(request, invoice_id: int):
    if request.method == "GET":
        invoice = visible_invoice(request, invoice_id)
        return json_response(invoice_json(invoice, with_details=True))
    invoice = supplier_draft(request, invoice_id)
    if request.method == "DELETE":
        invoice_draft_delete(invoice=invoice)
        return json_response({"id": invoice_id, "deleted": True})
    body = json_body(request, allowed=DRAFT_FIELDS)
    invoice = api_invoice_update(invoice=invoice, body=body)
    return json_response(invoice_json(invoice, with_details=True))


@api_endpoint(methods={"GET": READ})
def invoice_preflight_view(request, invoice_id: int):
    invoice = supplier_draft(request, invoice_id)
    checks = invoice_preflight(invoice=invoice)
    return json_response(
        {"ready": all(check.ok for check in checks), "checks": [check_json(c) for c in checks]}
    )


@api_endpoint(methods={"POST": SEND})
def invoice_send(request, invoice_id: int):
    """Queue the invoice for sending (a worker talks to Chorus Pro): 202 with its state. Sending
    again an invoice already on its way answers the same, and queues nothing more."""
    if request.space.kind == SpaceKind.SUPPLIER and invoice_id_possible(invoice_id):
        invoice = invoice_list_for_space(space=request.space).filter(pk=invoice_id).first()
        if invoice is not None and invoice.status in ON_ITS_WAY:
            return json_response(invoice_json(invoice), 202, {"Location": invoice_url(invoice)})
    invoice = supplier_draft(request, invoice_id)
    try:
        invoice_submit(invoice=invoice, user=request.api_key.created_by)
    except NotReady:
        failed = [c for c in invoice_preflight(invoice=invoice) if not c.ok]
        raise ApiError(
            422, {f"preflight.{check.code}": [f"{check.label}: {check.fix}"] for check in failed}
        ) from None
    invoice.refresh_from_db()
    return json_response(invoice_json(invoice), 202, {"Location": invoice_url(invoice)})


@api_endpoint(methods={"GET": READ})
def invoice_history(request, invoice_id: int):
    invoice = visible_invoice(request, invoice_id)
    events = invoice_timeline(invoice=invoice, space=request.space)
    return json_response([event_json(event) for event in events])


@api_endpoint(methods={"POST": WRITE})
def invoice_reopen_view(request, invoice_id: int):
    """Back to draft after Chorus Pro refused the submission, to correct and send it again."""
    if request.space.kind != SpaceKind.SUPPLIER or not invoice_id_possible(invoice_id):
        raise Http404
    invoice = refused_invoice_for_space(space=request.space, invoice_id=invoice_id)
    invoice_reopen(invoice=invoice, user=request.api_key.created_by)
    invoice.refresh_from_db()
    return json_response(invoice_json(invoice))
