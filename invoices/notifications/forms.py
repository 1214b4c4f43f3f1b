"""The notifications page's filters and the choice of e-mails."""

from django import forms
from django.utils.translation import gettext_lazy as _

from invoices.notifications.selectors import KIND_ARRIVAL, KIND_STATUS
from portal.models import UserProfile


class NoticeFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[
            ("", _("All notices")),
            (KIND_STATUS, _("Changes of status of my invoices")),
            (KIND_ARRIVAL, _("Invoices arrived or completed")),
        ],
    )
    invoice = forms.CharField(label=_("Invoice number"), required=False, max_length=20)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {"kind": self.cleaned_data["kind"], "text": self.cleaned_data["invoice"].strip()}


class NoticeEmailsForm(forms.Form):
    notice_emails = forms.ChoiceField(
        label=_("E-mails"),
        choices=UserProfile.NoticeEmails.choices,
        widget=forms.RadioSelect,
    )
    weekly_recap = forms.BooleanField(
        label=_("A weekly recap of the structures I manage, on Mondays"), required=False
    )

    def __init__(self, *args, recap_offered: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not recap_offered:
            del self.fields["weekly_recap"]
