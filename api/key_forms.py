"""The structure manager's form to make an API key."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.keys import api_key_roles
from api.models import ApiKey


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Which software uses it, e.g. “Invoicing software – accounting office”."),
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiKey.Scope.choices, initial="read")
    role = forms.ChoiceField(label=_("Acts as"))
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional: the key stops working that day."),
    )

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ApiKey.Role.choices)
        self.fields["role"].choices = [
            (role, labels[role]) for role in api_key_roles(structure=structure)
        ]

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        if value is not None and value <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."), code="past")
        return value
