from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal.forms import SpaceSwitchForm, ThrottledAuthenticationForm
from portal.spaces import SpaceKind, space_activate
from structures.selectors import membership_for_user

SPACE_HOMES = {
    SpaceKind.SUPPLIER: "invoices:supplier_home",
    SpaceKind.RECIPIENT: "invoices:recipient_inbox",
    SpaceKind.VALIDATOR: "invoices:validator_queue",
}


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


@login_required
def home(request):
    if request.space is None:
        if request.user.is_staff:
            return redirect("admin:index")
        return render(request, "portal/no_space.html")
    return redirect(SPACE_HOMES[request.space.kind])


@require_POST
@login_required
def space_switch(request):
    form = SpaceSwitchForm(request.POST)
    if form.is_valid():
        membership = membership_for_user(
            user=request.user, membership_id=form.cleaned_data["membership"]
        )
        space_activate(request, membership)
    return redirect("home")
