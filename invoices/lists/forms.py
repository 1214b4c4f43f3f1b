"""The filters of the invoice lists, read from the query string (GET).

An invalid filter is reported and left out; the valid ones still apply, and the form keeps what
was typed so it can be corrected.
"""

from decimal import Decimal, InvalidOperation
from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from invoices.lists.selectors import (
    InvoiceListFilters,
    invoice_counterparts_for_space,
    service_list_for_space,
    status_choices_for_space,
)
from portal.spaces import Space, SpaceKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LongSelect(forms.Select):
    """A select of many options (a public buyer's hundreds of suppliers) written in one pass:
    the same HTML as Django's Select, without rendering a template per option, which took most
    of the list page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        selected = set(self.format_value(value))
        # html.escape, not format_html per option: the latter's lazy-string checks were most
        # of the cost again (the same escaping: & < > " ').
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) in selected else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in self.choices
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(attrs),
            mark_safe(options),  # noqa: S308
        )


class AmountField(forms.DecimalField):
    """An amount as a French user types it: "1 234,50" as well as "1234.50"."""

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=15,
            decimal_places=2,
            min_value=Decimal("0"),
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "").replace(",", ".")
            try:
                Decimal(value or "0")
            except InvalidOperation:
                raise forms.ValidationError(
                    _("Enter an amount, for example 1250,50."), code="invalid"
                ) from None
        return super().to_python(value)


class InvoiceListFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, widget=LongSelect)
    issued_from = forms.DateField(label=_("Invoice date from"), required=False, widget=DATE_WIDGET)
    issued_to = forms.DateField(label=_("Invoice date to"), required=False, widget=DATE_WIDGET)
    amount_min = AmountField(label=_("Minimum amount incl. VAT"))
    amount_max = AmountField(label=_("Maximum amount incl. VAT"))
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, data, *, space: Space):
        super().__init__(data)
        self.space = space
        self.fields["status"].choices = status_choices_for_space(space=space)
        # Named after what it filters, so the address reads ?recipient=12 or ?supplier=12.
        self.counterpart_name = "recipient" if space.kind == SpaceKind.SUPPLIER else "supplier"
        self.fields[self.counterpart_name] = forms.TypedChoiceField(
            label=_("Recipient") if self.counterpart_name == "recipient" else _("Supplier"),
            choices=[
                ("", _("All")),
                *invoice_counterparts_for_space(space=space),
            ],
            coerce=int,
            empty_value=None,
            required=False,
            widget=LongSelect,
        )
        self.fields["q"].help_text = (
            _("Invoice number, recipient name or SIRET")
            if self.counterpart_name == "recipient"
            else _("Invoice number, supplier name or SIRET")
        )
        if space.kind == SpaceKind.RECIPIENT:
            self.fields["service"] = forms.TypedChoiceField(
                label=_("Service"),
                choices=[
                    ("", _("All")),
                    *[(s.pk, str(s)) for s in service_list_for_space(space=space)],
                ],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields["downloaded"] = forms.TypedChoiceField(
                label=_("Downloaded"),
                choices=[("", _("All")), ("no", _("Not downloaded")), ("yes", _("Downloaded"))],
                coerce=lambda value: value == "yes",
                empty_value=None,
                required=False,
            )
            self.fields["overdue"] = forms.BooleanField(label=_("Overdue only"), required=False)
            self.fields["works"] = forms.TypedChoiceField(
                label=_("Kind"),
                choices=[("", _("All")), ("yes", _("Works invoices")), ("no", _("Other invoices"))],
                coerce=lambda value: value == "yes",
                empty_value=None,
                required=False,
            )
        self.order_fields(["q", "status", self.counterpart_name, "service"])

    def clean(self):
        cleaned = super().clean()
        issued_from, issued_to = cleaned.get("issued_from"), cleaned.get("issued_to")
        if issued_from and issued_to and issued_from > issued_to:
            self.add_error("issued_to", _("The end date is before the start date."))
        amount_min, amount_max = cleaned.get("amount_min"), cleaned.get("amount_max")
        if amount_min is not None and amount_max is not None and amount_min > amount_max:
            self.add_error("amount_max", _("The maximum amount is below the minimum amount."))
        return cleaned

    def filters(self) -> InvoiceListFilters:
        """The filters that are valid; an invalid field is simply left out."""
        self.is_valid()
        data = self.cleaned_data
        return InvoiceListFilters(
            status=data.get("status") or "",
            counterpart_id=data.get(self.counterpart_name),
            service_id=data.get("service"),
            issued_from=data.get("issued_from"),
            issued_to=data.get("issued_to"),
            amount_min=data.get("amount_min"),
            amount_max=data.get("amount_max"),
            text=data.get("q") or "",
            downloaded=data.get("downloaded"),
            overdue=bool(data.get("overdue")),
            works=data.get("works"),
        )

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields)
