"""Received invoices and decisions, for public entities: a recipient treats an invoice (the
statuses Chorus Pro allows next), a validator validates or refuses it. Decisions are queued;
the shared action worker carries them to Chorus Pro (202)."""

from api.endpoint import api_endpoint
from api.forms import InvoiceListForm, query_form
from api.http import ApiError, error, json_body, json_response, list_response, paginate
from api.representations import action_json, invoice_json
from api.views.invoices import READ, SEND, visible_invoice
from invoices.actions.services import ActionNotAllowedError, ActionUnderWayError
from invoices.models import InvoiceAction
from invoices.selectors import invoice_list_for_space
from invoices.treatment.services import (
    invoice_refusal_reasons,
    invoice_refuse,
    invoice_treat,
    invoice_validate,
    treatment_options,
)
from portal.spaces import SpaceKind

RECEIVING = (SpaceKind.RECIPIENT, SpaceKind.VALIDATOR)
DECISION_KINDS = [InvoiceAction.Kind.TREAT, InvoiceAction.Kind.VALIDATE, InvoiceAction.Kind.REFUSE]
RECIPIENT_FIELDS = {"target_status", "motive", "mandate_number", "confirmed"}
VALIDATOR_FIELDS = {"decision", "refusal_reason", "comment"}


def _receiving(request) -> None:
    if request.space.kind not in RECEIVING:
        raise error(403, "Only a key acting as a recipient or a validator reads received invoices.")


@api_endpoint(methods={"GET": READ})
def received_collection(request):
    _receiving(request)
    form = query_form(InvoiceListForm, request)
    invoices = form.filter(invoice_list_for_space(space=request.space))
    page = paginate(request, invoices)
    details = form.cleaned_data["with_details"] == "1"
    return list_response(page, [invoice_json(i, with_details=details) for i in page.items])


@api_endpoint(methods={"GET": READ})
def received_item(request, invoice_id: int):
    _receiving(request)
    invoice = visible_invoice(request, invoice_id)
    data = invoice_json(invoice, with_details=True)
    data["decision_options"] = _options(request, invoice)
    return json_response(data)


def _options(request, invoice) -> dict:
    """What the key may decide now (Chorus Pro's lists, cached; null while they load)."""
    if request.space.kind == SpaceKind.RECIPIENT:
        return {"target_statuses": treatment_options(invoice=invoice).values}
    structure = request.space.structure
    if invoice.validation_level_for(structure) is None:
        return {"refusal_reasons": []}
    reasons = invoice_refusal_reasons(invoice=invoice, structure=structure).values
    return {"refusal_reasons": reasons}


def _string(body: dict, name: str) -> str:
    value = body.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise error(422, "Must be a string.", name)
    return value


@api_endpoint(methods={"GET": READ, "POST": SEND})
def decision_collection(request, invoice_id: int):
    _receiving(request)
    invoice = visible_invoice(request, invoice_id)
    if request.method == "GET":
        actions = invoice.actions.filter(kind__in=DECISION_KINDS).order_by("-created_at", "-pk")
        return json_response([action_json(action) for action in actions])
    user = request.api_key.created_by
    try:
        if request.space.kind == SpaceKind.RECIPIENT:
            body = json_body(request, allowed=RECIPIENT_FIELDS)
            confirmed = body.get("confirmed", False)
            if not isinstance(confirmed, bool):
                raise error(422, "Must be true or false.", "confirmed")
            action = invoice_treat(
                invoice=invoice,
                user=user,
                target_status=_string(body, "target_status"),
                motive=_string(body, "motive"),
                mandate_number=_string(body, "mandate_number"),
                confirmed=confirmed,
            )
        else:
            body = json_body(request, allowed=VALIDATOR_FIELDS)
            action = _validator_decision(request, invoice, body, user)
    except ActionNotAllowedError as refused:
        raise ApiError(422, {refused.field or "base": [str(refused.message)]}) from None
    except ActionUnderWayError:
        raise error(409, "Another decision about this invoice is still on its way.") from None
    return json_response(action_json(action), 202)


def _validator_decision(request, invoice, body: dict, user):
    structure = request.space.structure
    decision = _string(body, "decision")
    if invoice.validation_level_for(structure) is None:
        raise error(409, "This invoice does not wait for your validation.")
    if decision == "validate":
        return invoice_validate(
            invoice=invoice, user=user, structure=structure, comment=_string(body, "comment")
        )
    if decision == "refuse":
        return invoice_refuse(
            invoice=invoice,
            user=user,
            structure=structure,
            reason_code=_string(body, "refusal_reason"),
            comment=_string(body, "comment"),
        )
    raise error(422, "validate or refuse.", "decision")
