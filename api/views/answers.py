"""A supplier's answers to Chorus Pro, as on the invoice page: complete a suspended invoice,
acknowledge a rejection, draft the corrected invoice or a credit note, name the right validator.
What goes to Chorus Pro is queued (202); a new draft is created (201)."""

from django.http import Http404

from api.endpoint import api_endpoint
from api.http import (
    ApiError,
    error,
    form_fields_without_nul,
    json_body,
    json_response,
)
from api.representations import action_json, invoice_json, invoice_url
from api.views.invoices import READ, SEND, WRITE
from invoices.actions.services import ActionNotAllowedError, ActionUnderWayError
from invoices.answers.drafts import invoice_correction_create, invoice_credit_note_create
from invoices.answers.selectors import sent_invoice_for_supplier_space, supplier_action_latest
from invoices.answers.services import (
    invoice_complete,
    invoice_rejection_acknowledge,
    supplier_options,
)
from invoices.answers.validator_correction import invoice_validator_correct
from invoices.selectors import invoice_id_possible

UNDER_WAY = "Another answer about this invoice is still on its way to Chorus Pro."


def _sent(request, invoice_id: int):
    """A sent invoice of the key's supplier space; 404 otherwise (the browser's selector)."""
    if not invoice_id_possible(invoice_id):
        raise Http404
    return sent_invoice_for_supplier_space(space=request.space, invoice_id=invoice_id)


def _text(body: dict, name: str) -> str:
    value = body.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise error(422, "Must be a string.", name)
    return value


def _queued(call):
    try:
        action = call()
    except ActionNotAllowedError as refused:
        raise ApiError(422, {refused.field or "base": [str(refused.message)]}) from None
    except ActionUnderWayError:
        raise error(409, UNDER_WAY) from None
    return json_response(action_json(action), 202)


@api_endpoint(methods={"GET": READ})
def answer_options(request, invoice_id: int):
    """What the supplier may do about the invoice now, and its latest answer."""
    invoice = _sent(request, invoice_id)
    options = supplier_options(invoice=invoice)
    latest = supplier_action_latest(invoice=invoice)
    return json_response(
        {
            "complete": options.complete,
            "acknowledge_rejection": options.acknowledge_rejection,
            "correct": options.correct,
            "correct_validator": options.correct_validator,
            "credit_note": options.credit_note,
            "latest": action_json(latest) if latest else None,
        }
    )


@api_endpoint(methods={"POST": SEND})
def complete(request, invoice_id: int):
    """Complete a suspended invoice: a comment and supporting documents (multipart: ``comment``,
    ``files`` repeated). A refused file is named (422); the accepted ones are kept for the next
    request, as on the invoice page."""
    invoice = _sent(request, invoice_id)
    if not (request.content_type or "").startswith("multipart/form-data"):
        raise error(415, "Send multipart/form-data: comment, and files (repeated).")
    form_fields_without_nul(request)
    unknown = sorted((set(request.FILES) | set(request.POST)) - {"comment", "files"})
    if unknown:
        raise ApiError(422, {name: ["Unknown field."] for name in unknown})
    try:
        outcome = invoice_complete(
            invoice=invoice,
            user=request.api_key.created_by,
            comment=request.POST.get("comment", ""),
            files=request.FILES.getlist("files"),
        )
    except ActionNotAllowedError as refused:
        raise ApiError(422, {refused.field or "base": [str(refused.message)]}) from None
    except ActionUnderWayError:
        raise error(409, UNDER_WAY) from None
    if outcome.action is None:
        messages = [f"{name}: {' '.join(map(str, e.messages))}" for name, e in outcome.rejected]
        return json_response({"errors": {"files": messages}}, 422)
    return json_response(action_json(outcome.action), 202)


@api_endpoint(methods={"POST": SEND})
def acknowledge_rejection(request, invoice_id: int):
    invoice = _sent(request, invoice_id)
    body = json_body(request, allowed={"comment"})
    return _queued(
        lambda: invoice_rejection_acknowledge(
            invoice=invoice, user=request.api_key.created_by, comment=_text(body, "comment")
        )
    )


@api_endpoint(methods={"POST": SEND})
def validator_correct(request, invoice_id: int):
    invoice = _sent(request, invoice_id)
    body = json_body(request, allowed={"validator_siret"})
    return _queued(
        lambda: invoice_validator_correct(
            invoice=invoice,
            user=request.api_key.created_by,
            validator_siret=_text(body, "validator_siret"),
        )
    )


def _new_draft(create):
    try:
        draft = create()
    except ActionNotAllowedError as refused:
        raise ApiError(422, {refused.field or "base": [str(refused.message)]}) from None
    return json_response(
        invoice_json(draft, with_details=True), 201, {"Location": invoice_url(draft)}
    )


@api_endpoint(methods={"POST": WRITE})
def correction(request, invoice_id: int):
    """The draft correcting a rejected (or refused) invoice; ``{"acknowledge": true}`` also
    acknowledges the rejection (that part needs the send scope)."""
    invoice = _sent(request, invoice_id)
    body = json_body(request, allowed={"acknowledge"}) if request.body else {}
    acknowledge = body.get("acknowledge", False)
    if not isinstance(acknowledge, bool):
        raise error(422, "Must be true or false.", "acknowledge")
    if acknowledge and request.api_key.scope != "send":
        raise error(403, "Acknowledging a rejection needs the send scope.")
    return _new_draft(
        lambda: invoice_correction_create(
            invoice=invoice, user=request.api_key.created_by, acknowledge=acknowledge
        )
    )


@api_endpoint(methods={"POST": WRITE})
def credit_note(request, invoice_id: int):
    invoice = _sent(request, invoice_id)
    return _new_draft(
        lambda: invoice_credit_note_create(invoice=invoice, user=request.api_key.created_by)
    )
