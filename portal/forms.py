from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from portal.proxies import client_address
from portal.throttle import login_failure_record, login_failures_clear, login_is_locked


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed attempts. For your security, logging in is blocked for a few "
            "minutes; you can also reset your password."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        if login_is_locked(username=username, address=address):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failure_record(username=username, address=address)
            raise
        login_failures_clear(username=username)
        return cleaned


class SpaceSwitchForm(forms.Form):
    membership = forms.IntegerField()


class LanguageForm(forms.Form):
    # Each language named in itself, as a language switch should.
    language = forms.ChoiceField(
        label=_("Language of the portal and of your notices"),
        choices=[("fr", "Français"), ("en", "English")],
        widget=forms.RadioSelect,
    )

    def clean_language(self):
        language = self.cleaned_data["language"]
        if language not in dict(settings.LANGUAGES):
            raise forms.ValidationError(_("Choose one of the languages offered."))
        return language
