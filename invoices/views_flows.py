"""Views for batch deposits of invoice files: upload, list, and each flow's progress."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from invoices.forms_flows import FlowUploadForm
from invoices.models import Flow
from invoices.selectors import flow_for_space, flow_list_for_space
from invoices.services.flows import flow_file_results, flow_upload
from portal.access import space_required
from portal.spaces import SpaceKind


@space_required(SpaceKind.SUPPLIER)
def flow_list(request):
    flows = list(flow_list_for_space(space=request.space)[:200])
    template = "invoices/flows/list.html"
    if request.htmx and request.GET.get("region") == "flows":
        template += "#flows"
    context = {"flows": flows, "under_way": any(flow.status in Flow.UNDER_WAY for flow in flows)}
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
        messages.success(
            request,
            ngettext(
                "%(count)d file is being sent to Chorus Pro.",
                "%(count)d files are being sent to Chorus Pro.",
                len(outcome.accepted),
            )
            % {"count": len(outcome.accepted)},
        )
        if len(outcome.flows) == 1:
            return redirect("invoices:flow_detail", outcome.flows[0].pk)
        return redirect("invoices:flow_list")
    # Some files were refused: say which and why, on the same page; the others are on their way.
    return render(
        request,
        "invoices/flows/upload.html",
        {"form": FlowUploadForm(), "outcome": outcome},
    )


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
        "counts": {
            "integrated": sum(1 for r in results if r.state == "integrated"),
            "refused": sum(1 for r in results if r.state != "integrated" and r.state != "pending"),
        },
        "title": _("Flow %(name)s") % {"name": flow.name},
    }
    return render(request, template, context)
