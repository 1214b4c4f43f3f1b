"""The forms of works invoices: statements, answers and decisions on pieces."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from invoices.works.frameworks import CONTRACTOR_FRAMEWORKS, SUBCONTRACTOR_FRAMEWORKS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 15, "decimal_places": 2, "min_value": Decimal("0.00")}


class NewStatementForm(forms.Form):
    framework = forms.ChoiceField(label=_("Kind of statement"))

    def __init__(self, *args, subcontractor: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        frameworks = SUBCONTRACTOR_FRAMEWORKS if subcontractor else CONTRACTOR_FRAMEWORKS
        self.fields["framework"].choices = list(frameworks.items())


class StatementForm(forms.Form):
    number = forms.CharField(label=_("Statement number"), max_length=20)
    issue_date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    period_end = forms.DateField(
        label=_("Works done until"),
        required=False,
        widget=DATE_WIDGET,
    )
    cumulative = forms.DecimalField(
        label=_("Works done since the start, excluding VAT (€)"),
        **MONEY,
        help_text=_("The cumulative amount: the portal deducts what earlier statements stated."),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=255, widget=forms.Textarea(attrs={"rows": 2})
    )


class AttachmentsForm(forms.Form):
    files = forms.FileField(
        label=_("Supporting documents"),
        widget=MultipleFileInput,
    )


class AnswerForm(forms.Form):
    cumulative = forms.DecimalField(
        label=_("Works admitted to date, excluding VAT (€)"),
        **MONEY,
        help_text=_(
            "What you admit of the works done since the start; an amount you do not "
            "admit is not a refusal: state the amount you admit."
        ),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=255, widget=forms.Textarea(attrs={"rows": 2})
    )


class RefuseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"))
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=255, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, reasons: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = reasons

    def clean(self):
        data = super().clean()
        if data.get("reason") == "AUTRE" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say why in the comment."))
        return data


class SuspendForm(forms.Form):
    comment = forms.CharField(
        label=_("What is missing"), max_length=255, widget=forms.Textarea(attrs={"rows": 2})
    )


class CompleteForm(forms.Form):
    comment = forms.CharField(
        label=_("Your answer"),
        required=False,
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = forms.FileField(
        label=_("Documents"),
        required=False,
        widget=MultipleFileInput,
    )


class ServiceForm(forms.Form):
    service_code = forms.CharField(
        label=_("Your service in charge (code)"),
        max_length=100,
        help_text=_("The code of one of your active services in Chorus Pro."),
    )


class ProjectManagerForm(forms.Form):
    siret = forms.CharField(label=_("The project manager's SIRET"), min_length=14, max_length=14)
    service_code = forms.CharField(label=_("Its service (code)"), required=False, max_length=100)
