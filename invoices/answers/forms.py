"""What the supplier types to answer Chorus Pro: completing, re-routing, naming the right
validator, acknowledging. Only the
shape is checked here; what the invoice's status and the recipient's rules allow is the
service's job (invoices/answers/services.py)."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret as siret_number

from invoices.answers.services import COMMENT_MAX_LENGTH
from invoices.attachments import megabytes
from invoices.forms_fields import LimitedTextField
from invoices.models import INVOICE_ATTACHMENTS_MAX_BYTES
from invoices.upload_rules import file_input_attrs


def _files_help() -> str:
    return gettext(
        "PDF, images, office documents…: 10 MB at most per file, 50 characters at most per "
        "name, %(limit)s in all for the invoice."
    ) % {"limit": megabytes(INVOICE_ATTACHMENTS_MAX_BYTES)}


def _siret(typed: str) -> str:
    """The SIRET typed, spaces removed, when its check digit is right."""
    value = "".join(typed.split())
    if not siret_number.is_valid(value):
        raise forms.ValidationError(
            _("%(value)s is not a valid SIRET (14 digits with a valid check digit)."),
            params={"value": value},
            code="invalid_siret",
        )
    return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked against Chorus Pro's rules by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        items = data if isinstance(data, (list, tuple)) else [data]
        return [clean_one(item, initial) for item in items if item]


class CompletionForm(forms.Form):
    comment = LimitedTextField(
        label=_("Comment for the recipient"), required=False, max_length=COMMENT_MAX_LENGTH
    )
    files = MultipleFileField(
        label=_("Supporting documents"),
        required=False,
        help_text=lazy(_files_help, str)(),
        widget=MultipleFileInput(attrs=file_input_attrs()),
    )
    shorten_long_names = forms.BooleanField(
        label=_("Shorten names over 50 characters automatically"),
        required=False,
        initial=True,
    )


class RecycleForm(forms.Form):
    recipient_siret = forms.CharField(label=_("Recipient SIRET"), max_length=17)
    service_code = forms.CharField(label=_("Service code"), max_length=100, required=False)
    # Chorus Pro takes 50 characters of a commitment number (contract §8.3).
    commitment_number = LimitedTextField(
        label=_("Commitment number"), max_length=50, required=False, widget=forms.TextInput
    )
    comment = LimitedTextField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_recipient_siret(self):
        return _siret(self.cleaned_data["recipient_siret"])


class ValidatorCorrectionForm(forms.Form):
    validator_siret = forms.CharField(
        label=_("SIRET of the right validator"),
        max_length=17,
        widget=forms.TextInput(
            attrs={"list": "validator-suggestions", "autocomplete": "off", "inputmode": "numeric"}
        ),
        help_text=_(
            "The structure that validates this kind of invoice for the recipient: see the order "
            "or the subcontracting deed."
        ),
    )

    def clean_validator_siret(self):
        return _siret(self.cleaned_data["validator_siret"])


class AcknowledgementForm(forms.Form):
    comment = LimitedTextField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
