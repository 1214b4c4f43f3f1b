"""Forms of the "Invoicing software" page."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ConnectForm(forms.Form):
    api_id = forms.CharField(
        label=_("API identifier"),
        max_length=200,
        help_text=_("In Facturation.pro: Mon compte › Mon profil › API."),
    )
    api_key = forms.CharField(
        label=_("API key"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted. Leave empty to keep the saved key."),
    )
    firm_id = forms.IntegerField(
        label=_("FIRM_ID"),
        min_value=1,
        help_text=_("The number of the firm (entreprise) in Facturation.pro."),
    )
    auto_import = forms.BooleanField(
        label=_("Import new invoices to public entities automatically"), required=False
    )

    def __init__(self, *args, key_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_required = key_required

    def clean_api_id(self):
        value = self.cleaned_data["api_id"].strip()
        if ":" in value:
            raise forms.ValidationError(_("An API identifier holds no colon (:)."))
        return value

    def clean_api_key(self):
        value = self.cleaned_data["api_key"].strip()
        if self.key_required and not value:
            raise forms.ValidationError(_("Enter the API key."))
        return value


class SelectionForm(forms.Form):
    """The invoices ticked in the list (``invoice``, repeated ids); ``all`` for every new one."""

    MAX_IDS = 5000
    all = forms.BooleanField(required=False)

    def clean(self):
        cleaned = super().clean()
        values = self.data.getlist("invoice") if hasattr(self.data, "getlist") else []
        # Any id: the selector scopes them to the user's structure.
        cleaned["invoice"] = [int(v) for v in values if v.isdigit() and len(v) < 19]
        cleaned["invoice"] = cleaned["invoice"][: self.MAX_IDS]
        return cleaned

    def ids(self) -> list[int] | None:
        if self.cleaned_data.get("all"):
            return None
        return self.cleaned_data["invoice"]


class CustomerServiceForm(forms.Form):
    service = forms.IntegerField(label=_("Service"), min_value=1)
