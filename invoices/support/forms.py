from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        help_text=_(
            "Invoice number, Chorus Pro id or flow number, SIRET or name of a structure, "
            "amount, login or e-mail address."
        ),
    )


class SafeActionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the support audit, with your name and the outcome."),
    )
