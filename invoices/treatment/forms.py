"""Forms of the recipient's and validator's decisions. The business rules (allowed statuses,
motive, mandate number) live in the services; these forms only parse what was typed."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from invoices.forms_fields import LimitedTextField
from invoices.models import ChorusStatus, ReasonTemplate
from invoices.treatment.services import MAX_MOTIVE, RECIPIENT_TARGETS


class TreatForm(forms.Form):
    target_status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    reason_template = forms.ModelChoiceField(
        label=_("Saved motive"),
        queryset=ReasonTemplate.objects.none(),
        required=False,
        empty_label=_("— choose a saved motive —"),
        help_text=_("Fills the motive below; you can still change it."),
        # With JavaScript the motive is filled as soon as one is picked; without, on sending.
        widget=forms.Select(
            attrs={
                "hx-get": reverse_lazy("invoices:reason_template_text"),
                "hx-target": "#motive-field",
                "hx-swap": "outerHTML",
            }
        ),
    )
    motive = LimitedTextField(
        label=_("Motive"),
        required=False,
        max_length=MAX_MOTIVE,
        help_text=_(
            "Required to suspend or reject; at most 255 characters, sent to the supplier. For a "
            "routing error, say where the invoice should go (service code, commitment number)."
        ),
    )
    mandate_number = forms.CharField(
        label=_("Mandate number"),
        required=False,
        strip=True,
        help_text=_("Asked for “Payment ordered” (mandated): the number of the payment order."),
    )

    def __init__(self, *args, targets: list[str], templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_status"].choices = [
            (status, ChorusStatus(status).label) for status in targets
        ]
        self.fields["reason_template"].queryset = templates
        if not templates.exists():
            del self.fields["reason_template"]

    def clean(self):
        data = super().clean()
        template = data.get("reason_template")
        # A saved motive fills an empty motive (the page without JavaScript relies on this).
        if template is not None and not data.get("motive"):
            data["motive"] = template.text
        return data


class BatchTreatForm(TreatForm):
    """The same decision for several invoices; sent by GET for the preview, by POST to confirm."""

    confirmed = forms.BooleanField(label=_("I confirm"), required=False)

    def __init__(self, *args, templates, **kwargs):
        super().__init__(
            *args,
            targets=[status.value for status in RECIPIENT_TARGETS],
            templates=templates,
            **kwargs,
        )
        self.fields["target_status"].widget = forms.Select()
        choices = list(self.fields["target_status"].choices)
        self.fields["target_status"].choices = [("", _("— choose a status —")), *choices]


class ValidatorDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("validate", _("Validate")), ("refuse", _("Refuse"))])
    # A validation is asked again before it is sent, as a rejection is: it cannot be taken back.
    confirmed = forms.BooleanField(required=False)
    refusal_reason = forms.ChoiceField(label=_("Refusal reason"), required=False)
    comment = LimitedTextField(
        label=_("Comment"),
        required=False,
        max_length=MAX_MOTIVE,
        help_text=_("Sent to the supplier with the decision; at most 255 characters."),
    )

    def __init__(self, *args, reasons: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["refusal_reason"].choices = [("", _("— choose a reason —"))] + [
            (reason["code"], reason["label"]) for reason in reasons
        ]


class ReasonTemplateForm(forms.ModelForm):
    label = LimitedTextField(
        label=_("Label"),
        max_length=ReasonTemplate._meta.get_field("label").max_length,
        widget=forms.TextInput,
    )
    text = LimitedTextField(
        label=_("Motive"),
        max_length=MAX_MOTIVE,
        help_text=_("At most 255 characters, as Chorus Pro keeps a motive."),
    )

    class Meta:
        model = ReasonTemplate
        fields = ["label", "text", "use"]
