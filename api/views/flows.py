"""Flows: deposit invoice files (Factur-X, UBL, CII) with the browser's upload service, then
follow Chorus Pro's report of each file."""

from api.endpoint import api_endpoint
from api.forms import PageOnlyForm, query_form
from api.http import (
    ApiError,
    error,
    form_fields_without_nul,
    json_response,
    list_response,
    paginate,
)
from api.representations import flow_json
from api.views.invoices import READ, SEND
from invoices.flows.forms import FlowUploadForm
from invoices.flows.selectors import flow_for_space, flow_list_for_space
from invoices.flows.services import flow_file_results, flow_upload
from portal.file_responses import stored_file_response
from portal.spaces import SpaceKind


def _supplier(request) -> None:
    if request.space.kind != SpaceKind.SUPPLIER:
        raise error(403, "Only a key acting as a supplier deposits flows.")


@api_endpoint(methods={"GET": READ, "POST": SEND})
def flow_collection(request):
    _supplier(request)
    if request.method == "GET":
        query_form(PageOnlyForm, request)
        flows = flow_list_for_space(space=request.space).order_by("-created_at", "-pk")
        page = paginate(request, flows)
        return list_response(page, [flow_json(flow) for flow in page.items])
    if not (request.content_type or "").startswith("multipart/form-data"):
        raise error(415, 'Upload the files as multipart/form-data, in the field "files".')
    form_fields_without_nul(request)
    unknown = sorted((set(request.FILES) | set(request.POST)) - {"files"})
    if unknown:
        raise ApiError(422, {name: ["Unknown field."] for name in unknown})
    form = FlowUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        raise ApiError(422, {name: list(messages) for name, messages in form.errors.items()})
    outcome = flow_upload(
        supplier=request.space.structure,
        user=request.api_key.created_by,
        files=form.file_contents(),
    )
    refused = [{"name": item.name, "reason": str(item.reason)} for item in outcome.refused]
    if not outcome.flows:
        raise ApiError(422, {"files": [f"{item['name']}: {item['reason']}" for item in refused]})
    headers = {"Location": flow_json(outcome.flows[0])["url"]}
    return json_response(
        {"flows": [flow_json(flow) for flow in outcome.flows], "refused": refused}, 201, headers
    )


@api_endpoint(methods={"GET": READ})
def flow_item(request, flow_id: int):
    _supplier(request)
    flow = flow_for_space(space=request.space, flow_id=flow_id)
    return json_response(flow_json(flow, results=flow_file_results(flow=flow)))


@api_endpoint(methods={"GET": READ})
def flow_file(request, flow_id: int):
    _supplier(request)
    flow = flow_for_space(space=request.space, flow_id=flow_id)
    response = stored_file_response(request, flow.file, filename=flow.name)
    if response.status_code == 404:
        raise error(404, "The file could not be found.")
    return response
