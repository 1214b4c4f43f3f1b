"""Views for batch deposits of invoice files: upload, list, and each flow's progress.

Every page that shows a flow under way follows it with htmx polling of its region until it is
settled; without JavaScript the pages say to refresh.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext

from invoices.flows.files import SYNTAX_LABELS
from invoices.flows.forms import FlowUploadForm
from invoices.flows.selectors import flow_for_space, flow_list_for_space
from invoices.flows.services import flow_file_results, flow_upload
from invoices.models import Flow
from portal.access import space_required
from portal.spaces import SpaceKind

LIST_LENGTH = 200


def _flows_region(flows: list[Flow], ids: list[int] | None = None) -> dict:
    """Context of the list's polled region (list.html#flows), for all the space's flows or for
    those of one upload (``ids``)."""
    query = [("region", "flows")] + [("flow", flow_id) for flow_id in ids or []]
    return {
        "flows": flows,
        "under_way": any(flow.status in Flow.UNDER_WAY for flow in flows),
        "flows_url": f"{reverse('invoices:flow_list')}?{urlencode(query)}",
    }


@space_required(SpaceKind.SUPPLIER)
def flow_list(request):
    flows = flow_list_for_space(space=request.space)
    ids = [int(value) for value in request.GET.getlist("flow") if value.isdigit()]
    if ids:
        flows = flows.filter(pk__in=ids)
    context = _flows_region(list(flows[:LIST_LENGTH]), ids)
    template = "invoices/flows/list.html"
    if request.htmx and request.GET.get("region") == "flows":
        template += "#flows"
    return render(request, template, context)


@space_required(SpaceKind.SUPPLIER)
def flow_upload_view(request):
    if request.method != "POST":
        return render(request, "invoices/flows/upload.html", {"form": FlowUploadForm()})
    form = FlowUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "invoices/flows/upload.html", {"form": form})
    outcome = flow_upload(
        supplier=request.space.structure, user=request.user, files=form.file_contents()
    )
    if not outcome.refused:
        # Said once, in the past: the page it leads to follows the processing itself.
        messages.success(
            request,
            ngettext(
                "%(count)d file uploaded: Chorus Pro's processing is followed below.",
                "%(count)d files uploaded: Chorus Pro's processing is followed below.",
                len(outcome.accepted),
            )
            % {"count": len(outcome.accepted)},
        )
        if len(outcome.flows) == 1:
            return redirect("invoices:flow_detail", outcome.flows[0].pk)
        return redirect("invoices:flow_list")
    # Some files were refused: say which and why, on the same page; the others are on their way,
    # followed in place.
    context = {"form": FlowUploadForm(), "outcome": outcome}
    context.update(_flows_region(outcome.flows, [flow.pk for flow in outcome.flows]))
    return render(request, "invoices/flows/upload.html", context)


@space_required(SpaceKind.SUPPLIER)
def flow_detail(request, flow_id: int):
    flow = flow_for_space(space=request.space, flow_id=flow_id)
    results, unplaced = flow_file_results(flow=flow)
    template = "invoices/flows/detail.html"
    if request.htmx and request.GET.get("region") == "progress":
        template += "#progress"
    context = {
        "flow": flow,
        "results": results,
        "unplaced_errors": unplaced,
        "under_way": flow.status in Flow.UNDER_WAY,
        "syntax_label": SYNTAX_LABELS.get(flow.syntax, flow.syntax),
        "counts": {
            "integrated": sum(1 for r in results if r.state == "integrated"),
            "refused": sum(1 for r in results if r.state != "integrated" and r.state != "pending"),
        },
    }
    return render(request, template, context)
