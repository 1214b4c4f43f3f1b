"""Parsing what callers send: list filters (query string) and invoice drafts (JSON).

JSON types are checked here, field by field, before the editor's own forms (invoices/drafting)
judge the values: the API accepts exactly what the editor accepts."""

import calendar
import re
from datetime import date

from django import forms

from api.http import ApiError
from invoices.models import ChorusStatus, Invoice

DECIMAL = re.compile(r"^-?\d{1,18}(\.\d{1,8})?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH = re.compile(r"^\d{4}-\d{2}$")
MAX_LINES = 500

# Header fields of a draft: their JSON type (the editor's form judges the value).
HEADER_FIELDS = {
    "kind": "string",
    "number": "string",
    "original_number": "string",
    "recipient_siret": "string",
    "service_code": "string",
    "issue_date": "date",
    "due_date": "date",
    "billing_framework": "string",
    "validator_siret": "string",
    "payment_mode": "string",
    "bank_account_chorus_id": "integer",
    "vat_regime": "string",
    "vat_exemption_reason": "string",
    "commitment_number": "string",
    "market_number": "string",
    "comment": "string",
}
LINE_FIELDS = {
    "description": "string",
    "quantity": "decimal",
    "unit": "string",
    "unit_price": "decimal",
    "discount": "decimal",
    "vat_rate": "decimal",
}
HEADER_DEFAULTS = {
    "kind": Invoice.Kind.INVOICE,
    "billing_framework": Invoice.BillingFramework.A1,
    "vat_regime": Invoice.VatRegime.ON_DEBITS,
}
LINE_DEFAULTS = {"quantity": "1", "unit": "C62", "discount": "0"}


def _typed(value, kind: str) -> tuple[str | None, str]:
    """(the value as the editor's form reads it, or None; the type error)."""
    if value is None:
        return "", ""
    if kind == "string":
        return (value, "") if isinstance(value, str) else (None, "Must be a string.")
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value), ""
        return None, "Must be an integer."
    if kind == "date":
        if isinstance(value, str) and DATE.match(value):
            return value, ""
        return None, "Must be a date, YYYY-MM-DD."
    # decimal: a JSON number or a string such as "12.50" (strings keep every digit)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None, 'Must be a decimal number, e.g. "12.50".'
    text = repr(value) if isinstance(value, float) else str(value)
    if not DECIMAL.match(text):
        return None, 'Must be a decimal number, e.g. "12.50".'
    return text, ""


def header_data(body: dict) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The draft's header as the editor's form data, and the type errors."""
    data, errors = {}, {}
    for name, kind in HEADER_FIELDS.items():
        if name not in body:
            continue
        value, problem = _typed(body[name], kind)
        if problem:
            errors[name] = [problem]
        else:
            data[name] = value
    return data, errors


def lines_data(body: dict) -> tuple[list[dict[str, str]] | None, dict[str, list[str]]]:
    """Each line as the line form's data (unprefixed), and the type errors ("lines[0].quantity").
    None when the body has no lines."""
    if "lines" not in body:
        return None, {}
    lines = body["lines"]
    if not isinstance(lines, list):
        return None, {"lines": ["Must be a list of lines."]}
    if len(lines) > MAX_LINES:
        return None, {"lines": [f"At most {MAX_LINES} lines."]}
    parsed, errors = [], {}
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        if not isinstance(line, dict):
            errors[where] = ["Must be an object."]
            continue
        for name in sorted(set(line) - set(LINE_FIELDS)):
            errors[f"{where}.{name}"] = ["Unknown field."]
        data = dict(LINE_DEFAULTS)
        for name, kind in LINE_FIELDS.items():
            if name in line:
                value, problem = _typed(line[name], kind)
                if problem:
                    errors[f"{where}.{name}"] = [problem]
                else:
                    data[name] = value
        parsed.append(data)
    return parsed, errors


def _period_bound(value: str, *, end: bool) -> date:
    if MONTH.match(value):
        year, month = int(value[:4]), int(value[5:])
        day = calendar.monthrange(year, month)[1] if end else 1
        return date(year, month, day)
    return date.fromisoformat(value)


class PeriodField(forms.CharField):
    """YYYY-MM or YYYY-MM-DD, as Facturation.pro's period_start and period_end."""

    def __init__(self, *, end: bool, **kwargs):
        self.end = end
        super().__init__(required=False, max_length=10, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            if not (MONTH.match(value) or DATE.match(value)):
                raise ValueError
            return _period_bound(value, end=self.end)
        except ValueError:
            raise forms.ValidationError("YYYY-MM or YYYY-MM-DD.", code="period") from None


ORDERS = {
    "number": "number",
    "billed": "issue_date",
    "created": "created_at",
    "total": "total_incl_tax",
    "term": "due_date",
    "updated": "updated_at",
}
PERIOD_TYPES = {"billed": "issue_date", "created": "created_at", "term": "due_date"}


class InvoiceListForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", ""), *Invoice.Status.choices])
    chorus_status = forms.ChoiceField(required=False, choices=[("", ""), *ChorusStatus.choices])
    number = forms.CharField(required=False, max_length=20)
    recipient_siret = forms.CharField(required=False, max_length=14)
    supplier_siret = forms.CharField(required=False, max_length=32)
    period_start = PeriodField(end=False)
    period_end = PeriodField(end=True)
    period_type = forms.ChoiceField(
        required=False, choices=[("", ""), *((key, key) for key in PERIOD_TYPES)]
    )
    order = forms.ChoiceField(required=False, choices=[("", ""), *((k, k) for k in ORDERS)])
    sort = forms.ChoiceField(required=False, choices=[("", ""), ("asc", "asc"), ("desc", "desc")])
    with_details = forms.ChoiceField(required=False, choices=[("", ""), ("0", "0"), ("1", "1")])

    PAGING = {"page", "per_page"}

    def filter(self, invoices):
        data = self.cleaned_data
        if data["status"]:
            invoices = invoices.filter(status=data["status"])
        if data["chorus_status"]:
            invoices = invoices.filter(chorus_status=data["chorus_status"])
        if data["number"]:
            invoices = invoices.filter(number__icontains=data["number"])
        if data["recipient_siret"]:
            invoices = invoices.filter(recipient__siret=data["recipient_siret"])
        if data["supplier_siret"]:
            invoices = invoices.filter(supplier__siret=data["supplier_siret"])
        column = PERIOD_TYPES[data["period_type"] or "billed"]
        lookup = f"{column}__date" if column == "created_at" else column
        if data["period_start"]:
            invoices = invoices.filter(**{f"{lookup}__gte": data["period_start"]})
        if data["period_end"]:
            invoices = invoices.filter(**{f"{lookup}__lte": data["period_end"]})
        order = ORDERS[data["order"] or "created"]
        descending = (data["sort"] or "desc") == "desc"
        prefix = "-" if descending else ""
        return invoices.order_by(f"{prefix}{order}", f"{prefix}pk")


class PageOnlyForm(forms.Form):
    """A list with no filter but its pages."""

    PAGING = {"page", "per_page"}


def query_form(form_class, request):
    """A filter form bound to the query string; unknown parameters and bad values are 422."""
    form = form_class(request.GET)
    allowed = set(form.fields) | getattr(form_class, "PAGING", set())
    errors = {name: ["Unknown parameter."] for name in sorted(set(request.GET) - allowed)}
    if not form.is_valid():
        errors.update({name: list(messages) for name, messages in form.errors.items()})
    if errors:
        raise ApiError(422, errors)
    return form
