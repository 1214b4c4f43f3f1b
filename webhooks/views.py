"""A structure manager's webhooks, under the structure's settings. Every view starts with a
selector that 404s for a structure the user does not manage."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from webhooks.events import event_body
from webhooks.forms import EndpointForm
from webhooks.selectors import (
    delivery_for_manager,
    delivery_list_for_endpoint,
    endpoint_for_manager,
    endpoint_list_for_manager,
)
from webhooks.services import (
    MAX_ENDPOINTS,
    EndpointDisabledError,
    EndpointLimitError,
    delivery_replay,
    endpoint_create,
    endpoint_delete,
    endpoint_enable,
    endpoint_ping,
    endpoint_secret_rotate,
    endpoint_update,
)


def _secret_shown_once(request, endpoint, secret: str):
    """The only page that ever shows the secret; never cached."""
    response = render(
        request,
        "webhooks/secret.html",
        {"structure": endpoint.structure, "endpoint": endpoint, "secret": secret},
    )
    add_never_cache_headers(response)
    return response


@login_required
def endpoints(request, structure_id: int):
    structure, endpoint_list = endpoint_list_for_manager(
        user=request.user, structure_id=structure_id
    )
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = endpoint_create(
                structure=structure, user=request.user, **form.cleaned_data
            )
        except EndpointLimitError:
            form.add_error(
                None,
                _("A structure has at most %(count)d endpoints: delete one first.")
                % {"count": MAX_ENDPOINTS},
            )
        else:
            return _secret_shown_once(request, endpoint, secret)
    return render(
        request,
        "webhooks/endpoints.html",
        {"structure": structure, "endpoints": endpoint_list, "form": form},
    )


@login_required
def endpoint_detail(request, structure_id: int, endpoint_id: int):
    endpoint = endpoint_for_manager(
        user=request.user, structure_id=structure_id, endpoint_id=endpoint_id
    )
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        endpoint_update(endpoint=endpoint, **form.cleaned_data)
        messages.success(request, _("Endpoint saved."))
        return redirect("webhooks:endpoint", structure_id, endpoint.pk)
    deliveries = delivery_list_for_endpoint(endpoint=endpoint)
    context = {
        "structure": endpoint.structure,
        "endpoint": endpoint,
        "form": form,
        "deliveries": deliveries,
        # The list follows deliveries under way without a reload (htmx polls its region).
        "deliveries_pending": any(d.status == d.Status.PENDING for d in deliveries),
    }
    template = "webhooks/endpoint.html"
    if request.htmx and request.method == "GET":
        template += "#deliveries"
    return render(request, template, context)


@login_required
@require_POST
def endpoint_enable_view(request, structure_id: int, endpoint_id: int):
    endpoint = endpoint_for_manager(
        user=request.user, structure_id=structure_id, endpoint_id=endpoint_id
    )
    resumed = endpoint_enable(endpoint=endpoint)
    messages.success(
        request,
        ngettext(
            "Endpoint enabled again; %(count)d held delivery is being sent.",
            "Endpoint enabled again; %(count)d held deliveries are being sent.",
            resumed,
        )
        % {"count": resumed},
    )
    return redirect("webhooks:endpoint", structure_id, endpoint.pk)


@login_required
@require_POST
def endpoint_delete_view(request, structure_id: int, endpoint_id: int):
    endpoint = endpoint_for_manager(
        user=request.user, structure_id=structure_id, endpoint_id=endpoint_id
    )
    endpoint_delete(endpoint=endpoint)
    messages.success(request, _("Endpoint deleted."))
    return redirect("webhooks:endpoints", structure_id)


@login_required
@require_POST
def endpoint_ping_view(request, structure_id: int, endpoint_id: int):
    endpoint = endpoint_for_manager(
        user=request.user, structure_id=structure_id, endpoint_id=endpoint_id
    )
    endpoint_ping(endpoint=endpoint)
    messages.success(request, _("Test event queued: it appears below once sent."))
    return redirect("webhooks:endpoint", structure_id, endpoint.pk)


@login_required
@require_POST
def endpoint_secret_view(request, structure_id: int, endpoint_id: int):
    endpoint = endpoint_for_manager(
        user=request.user, structure_id=structure_id, endpoint_id=endpoint_id
    )
    return _secret_shown_once(request, endpoint, endpoint_secret_rotate(endpoint=endpoint))


@login_required
def delivery_detail(request, structure_id: int, endpoint_id: int, delivery_id: int):
    delivery = delivery_for_manager(
        user=request.user,
        structure_id=structure_id,
        endpoint_id=endpoint_id,
        delivery_id=delivery_id,
    )
    body = json.dumps(json.loads(event_body(delivery.event)), indent=2, ensure_ascii=False)
    return render(
        request,
        "webhooks/delivery.html",
        {
            "structure": delivery.endpoint.structure,
            "endpoint": delivery.endpoint,
            "delivery": delivery,
            "attempts": delivery.attempts.all(),
            "body": body,
        },
    )


@login_required
@require_POST
def delivery_replay_view(request, structure_id: int, endpoint_id: int, delivery_id: int):
    delivery = delivery_for_manager(
        user=request.user,
        structure_id=structure_id,
        endpoint_id=endpoint_id,
        delivery_id=delivery_id,
    )
    try:
        delivery_replay(delivery=delivery)
    except EndpointDisabledError:
        messages.error(request, _("The endpoint is disabled: enable it before replaying."))
    else:
        messages.success(request, _("The event will be delivered again, with the same id."))
    return redirect("webhooks:delivery", structure_id, endpoint_id, delivery.pk)
