"""The structure manager's page of API keys: make one (shown once), revoke one, see its use.

Every view starts from ``structure_managed_by_user``: another structure's keys answer 404."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.key_forms import ApiKeyForm
from api.keys import api_key_create, api_key_revoke
from api.selectors import api_call_list_for_structure, api_key_list_for_structure
from structures.selectors import structure_managed_by_user


@never_cache  # the page that shows a new key once must not be kept by the browser
@login_required
def key_list(request, structure_id: int):
    structure = structure_managed_by_user(user=request.user, structure_id=structure_id)
    issued = None
    form = ApiKeyForm(request.POST or None, structure=structure)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expires = data["expires_on"]
        issued = api_key_create(
            structure=structure,
            user=request.user,
            name=data["name"],
            scope=data["scope"],
            role=data["role"],
            expires_at=timezone.make_aware(datetime.combine(expires, time.min))
            if expires
            else None,
        )
        form = ApiKeyForm(structure=structure)
    context = {
        "structure": structure,
        "form": form,
        "issued": issued,
        "keys": api_key_list_for_structure(structure=structure),
        "calls": api_call_list_for_structure(structure=structure)[:20],
    }
    return render(request, "api/keys.html", context)


@login_required
@require_POST
def key_revoke(request, structure_id: int, key_id: int):
    structure = structure_managed_by_user(user=request.user, structure_id=structure_id)
    api_key = get_object_or_404(api_key_list_for_structure(structure=structure), pk=key_id)
    if api_key_revoke(api_key=api_key, user=request.user):
        messages.success(request, _("The key “%(name)s” is revoked.") % {"name": api_key.name})
    return redirect("api_keys:list", structure_id=structure.pk)
