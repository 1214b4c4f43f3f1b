from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.login_steps import login_second_step_start
from accounts.services.two_factor import totp_device_for_user
from portal.forms import LanguageForm, SpaceSwitchForm, ThrottledAuthenticationForm
from portal.health import health_report
from portal.languages import language_for_user, language_for_user_set
from portal.proxies import client_address
from portal.spaces import SpaceKind, space_activate
from portal.throttle import password_reset_allow
from structures.selectors import membership_for_user

SPACE_HOMES = {
    SpaceKind.SUPPLIER: "invoices:supplier_home",
    SpaceKind.RECIPIENT: "invoices:recipient_inbox",
    SpaceKind.VALIDATOR: "invoices:validator_queue",
    SpaceKind.PROJECT_MANAGER: "invoices:works_moe_queue",
}


class LoginView(auth_views.LoginView):
    """The password; then, for a user with a second factor, its code (accounts.login_steps):
    the password alone does not log them in."""

    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if totp_device_for_user(user=user) is None:
            return super().form_valid(form)
        login_second_step_start(self.request, user=user, redirect_to=self.get_success_url())
        return redirect("accounts:login_code")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited per e-mail address and per client address; the refusal
    reads the same whether an account uses the address or not."""

    limited_message = _(
        "Too many requests to reset a password in a short time. If an account uses this "
        "address, a link may already be on its way: check your e-mail, including unwanted mail, "
        "or try again in an hour."
    )

    def form_valid(self, form):
        address = client_address(self.request)
        if not password_reset_allow(email=form.cleaned_data["email"], address=address):
            form.add_error(None, self.limited_message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


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


@never_cache
def health(request):
    """For load balancers and operators: 200 while pages can be served (``ok``, or ``degraded``
    when only the workers or beat are late), 503 when the database, cache or broker is down; the
    body says which part is in which state."""
    report = health_report()
    return JsonResponse(report, status=503 if report["status"] == "down" else 200)


@require_POST
def language_switch(request):
    """The header's switch: Django's cookie for this browser, and for a logged-in user their
    own choice, kept for their next visits and for the notices the portal sends them."""
    response = set_language(request)
    form = LanguageForm(request.POST)
    if request.user.is_authenticated and form.is_valid():
        language_for_user_set(user=request.user, language=form.cleaned_data["language"])
    return response


@login_required
def account(request):
    if request.method == "POST":
        form = LanguageForm(request.POST)
        if form.is_valid():
            language = form.cleaned_data["language"]
            language_for_user_set(user=request.user, language=language)
            # The rest of this response already speaks the new language.
            translation.activate(language)
            request.LANGUAGE_CODE = language
            messages.success(request, _("Your language is saved."))
            return redirect("account")
    else:
        form = LanguageForm(initial={"language": language_for_user(user=request.user)})
    has_second_factor = totp_device_for_user(user=request.user) is not None
    return render(
        request, "portal/account.html", {"form": form, "has_second_factor": has_second_factor}
    )
