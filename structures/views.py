from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.access import space_required
from portal.spaces import SpaceKind
from structures.forms import ConnectionForm, DirectorySearchForm, ServiceCreateForm
from structures.models import Membership
from structures.selectors import (
    connection_for_manager,
    connection_for_structure,
    connection_password_warning,
    connection_test_state,
    directory_entries_for_supplier,
    directory_structure_for_refresh,
    service_list_for_structure,
    structure_for_user,
)
from structures.services import (
    connection_save,
    connection_test_request,
    directory_lookup,
    directory_refresh_request,
    service_create_request,
    service_create_state,
)


@login_required
def structure_detail(request, structure_id: int):
    structure = structure_for_user(user=request.user, structure_id=structure_id)
    is_manager = structure.memberships.filter(
        user=request.user, role=Membership.Role.STRUCTURE_MANAGER
    ).exists()
    connection = connection_for_structure(structure=structure) if is_manager else None
    return render(
        request,
        "structures/structure_detail.html",
        {
            "structure": structure,
            "services": service_list_for_structure(structure=structure),
            "is_manager": is_manager,
            "connection": connection,
            "password_warning": connection_password_warning(connection=connection),
        },
    )


def _connection_context(structure, connection, form) -> dict:
    return {
        "structure": structure,
        "connection": connection,
        "form": form,
        "password_warning": connection_password_warning(connection=connection),
        "test_state": connection_test_state(connection=connection),
        "report": (connection.last_test_report or []) if connection else [],
    }


@login_required
def connection_edit(request, structure_id: int):
    """The structure manager's Chorus Pro connection: the form, and the test report (polled)."""
    structure, connection = connection_for_manager(user=request.user, structure_id=structure_id)
    if request.method == "POST":
        form = ConnectionForm(request.POST, connection=connection)
        if form.is_valid():
            connection_save(structure=structure, **form.cleaned_data)
            messages.success(request, _("Chorus Pro connection saved. Test it to check each link."))
            return redirect("structures:connection", structure_id=structure.pk)
    else:
        form = ConnectionForm(connection=connection)
    template = "structures/connection.html"
    if request.htmx:
        # The form posts in place; the report region polls with GET.
        template += "#connection-form" if request.method == "POST" else "#test-report"
    return render(request, template, _connection_context(structure, connection, form))


@login_required
@require_POST
def connection_test(request, structure_id: int):
    structure, connection = connection_for_manager(user=request.user, structure_id=structure_id)
    if connection is None:
        raise Http404
    connection_test_request(connection=connection)
    if request.htmx:
        context = _connection_context(structure, connection, None)
        return render(request, "structures/connection.html#test-report", context)
    return redirect("structures:connection", structure_id=structure.pk)


@space_required(SpaceKind.SUPPLIER)
def directory(request):
    """The recipient directory: live search by SIRET or name, served from the local copy when
    fresh, otherwise looked up in Chorus Pro by a worker while the page polls."""
    supplier = request.space.structure
    form = DirectorySearchForm(request.GET or None)
    query = form.query()
    outcome = None
    if query is not None:
        connection = connection_for_structure(structure=supplier)
        outcome = directory_lookup(connection=connection, query=query)
    return _directory_render(request, form, query, outcome)


@space_required(SpaceKind.SUPPLIER)
@require_POST
def directory_refresh(request, structure_id: int):
    supplier = request.space.structure
    recipient = directory_structure_for_refresh(structure_id=structure_id)
    connection = connection_for_structure(structure=supplier)
    if connection is None:
        raise Http404
    outcome = directory_refresh_request(connection=connection, structure=recipient)
    if not request.htmx:
        return redirect(f"{reverse('structures:directory')}?{urlencode({'q': recipient.siret})}")
    form = DirectorySearchForm({"q": recipient.siret})
    return _directory_render(request, form, form.query(), outcome)


def _directory_render(request, form, query, outcome):
    entries = []
    if outcome is not None and outcome.state == "found":
        entries = directory_entries_for_supplier(
            supplier=request.space.structure, structures=outcome.structures
        )
    template = "structures/directory.html"
    if request.htmx:
        template += "#results"
    return render(
        request,
        template,
        {"form": form, "query": query, "outcome": outcome, "entries": entries},
    )


def _service_form(structure, state) -> ServiceCreateForm:
    """A fresh form, or what was typed when the request is waiting or was refused."""
    if state is None or state.get("ok"):
        return ServiceCreateForm(structure=structure)
    form = ServiceCreateForm(data=state["data"], structure=structure)
    form.is_valid()
    if state["state"] == "done" and state.get("field") in form.fields:
        form.add_error(state["field"], _(state["message"]))
    return form


@login_required
def services_manage(request, structure_id: int):
    """A public structure's services, and a new one created in Chorus Pro by a worker (the page
    polls the request while it runs)."""
    structure, connection = connection_for_manager(user=request.user, structure_id=structure_id)
    if not structure.is_public:
        raise Http404
    if request.method == "POST":
        form = ServiceCreateForm(request.POST, structure=structure)
        if connection is None:
            form.add_error(None, _("Set up the Chorus Pro connection first."))
        elif form.is_valid():
            queued = service_create_request(
                connection=connection,
                data={**form.cleaned_data},
                requested_by=request.user.get_username(),
            )
            if not queued:
                # Another creation is under way: what was typed stays, to send once it is done.
                form.add_error(None, _("A service is being created: wait for it, then send."))
            elif not request.htmx:
                return redirect("structures:services", structure_id=structure.pk)
            else:
                form = None
    else:
        form = None
    state = service_create_state(structure=structure)
    if form is None:
        form = _service_form(structure, state)
    template = "structures/services.html"
    if request.htmx:
        template += "#service-create"
    return render(
        request,
        template,
        {
            "structure": structure,
            "connection": connection,
            "services": service_list_for_structure(structure=structure),
            "form": form,
            "state": state,
        },
    )
