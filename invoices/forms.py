"""Parsing of what the supplier types in the invoice editor. Drafts may be incomplete: only what
is typed is checked here; completeness is the pre-flight check's job."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret as siret_number

from invoices.models import UNIT_LABELS, Invoice, InvoiceLine
from structures.models import Service, Structure

RESERVED_SERVICE = "FACTURES_PUBLIQUES"

# EN 16931 units (UN/ECE recommendation 20) offered in the editor; others can be typed.
UNITS = [
    (code, UNIT_LABELS[code])
    for code in ("C62", "H87", "HUR", "DAY", "MON", "KGM", "MTR", "LTR", "LS")
]
VAT_RATES = [Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1"), Decimal("0")]


def _structure_by_siret(value: str, field_label: str) -> Structure:
    value = value.replace(" ", "")
    if not siret_number.is_valid(value):
        raise forms.ValidationError(
            _("%(label)s: %(value)s is not a valid SIRET (14 digits, check digit)."),
            params={"label": field_label, "value": value},
            code="invalid_siret",
        )
    structure = Structure.objects.filter(siret=value).first()
    if structure is None:
        raise forms.ValidationError(
            _("%(value)s is not in the portal's directory yet: look it up in Chorus Pro first."),
            params={"value": value},
            code="unknown_structure",
        )
    return structure


class InvoiceDraftForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Invoice.Kind.choices)
    number = forms.CharField(label=_("Invoice number"), max_length=20, required=False)
    original_number = forms.CharField(
        label=_("Original invoice number"), max_length=20, required=False
    )
    recipient_siret = forms.CharField(label=_("Recipient SIRET"), max_length=17, required=False)
    service_code = forms.CharField(label=_("Service"), max_length=100, required=False)
    issue_date = forms.DateField(
        label=_("Invoice date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    billing_framework = forms.ChoiceField(
        label=_("Billing framework"), choices=Invoice.BillingFramework.choices
    )
    validator_siret = forms.CharField(label=_("Validator SIRET"), max_length=17, required=False)
    payment_mode = forms.ChoiceField(
        label=_("Payment mode"), choices=[("", "—"), *Invoice.PaymentMode.choices], required=False
    )
    bank_account_chorus_id = forms.IntegerField(label=_("Bank account"), required=False)
    vat_regime = forms.ChoiceField(label=_("VAT regime"), choices=Invoice.VatRegime.choices)
    vat_exemption_reason = forms.CharField(
        label=_("VAT exemption reason"), max_length=100, required=False
    )
    commitment_number = forms.CharField(label=_("Commitment number"), max_length=50, required=False)
    market_number = forms.CharField(label=_("Market number"), max_length=50, required=False)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, invoice: Invoice, **kwargs):
        self.invoice = invoice
        super().__init__(*args, **kwargs)

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if (
            number
            and Invoice.objects.filter(supplier_id=self.invoice.supplier_id, number=number)
            .exclude(pk=self.invoice.pk)
            .exists()
        ):
            raise forms.ValidationError(
                _("This number is already used by another of your invoices."), code="duplicate"
            )
        return number

    def clean_recipient_siret(self):
        value = self.cleaned_data["recipient_siret"]
        if not value:
            return None
        recipient = _structure_by_siret(value, _("Recipient"))
        if not recipient.is_public:
            raise forms.ValidationError(
                _(
                    "%(name)s is not a public entity: Chorus Pro only carries invoices to public "
                    "entities."
                ),
                params={"name": recipient.name},
                code="not_public",
            )
        return recipient

    def clean_validator_siret(self):
        value = self.cleaned_data["validator_siret"]
        return _structure_by_siret(value, _("Validator")) if value else None

    def clean(self):
        cleaned = super().clean()
        recipient = cleaned.get("recipient_siret")
        code = (cleaned.get("service_code") or "").strip()
        if code and recipient is not None:
            service = Service.objects.filter(structure=recipient, code=code).first()
            if service is None or not service.is_active:
                self.add_error(
                    "service_code",
                    forms.ValidationError(
                        _("This service is not an active service of the recipient."),
                        code="unknown_service",
                    ),
                )
            elif code == RESERVED_SERVICE and not self.invoice.supplier.is_public:
                self.add_error(
                    "service_code",
                    forms.ValidationError(
                        _(
                            "FACTURES_PUBLIQUES is reserved for invoices between public entities; "
                            "choose the service named on the order."
                        ),
                        code="reserved_service",
                    ),
                )
            else:
                cleaned["service"] = service
        elif not code:
            cleaned["service"] = None
        issue, due = cleaned.get("issue_date"), cleaned.get("due_date")
        if issue and due and due < issue:
            self.add_error(
                "due_date",
                forms.ValidationError(
                    _("The due date cannot be before the invoice date."), code="due_before_issue"
                ),
            )
        return cleaned


class InvoiceLineForm(forms.ModelForm):
    class Meta:
        model = InvoiceLine
        fields = ["description", "quantity", "unit", "unit_price", "discount", "vat_rate"]

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity is not None and quantity <= 0:
            raise forms.ValidationError(_("The quantity must be above zero."), code="quantity")
        return quantity

    def clean_unit_price(self):
        price = self.cleaned_data["unit_price"]
        if price is not None and price < 0:
            raise forms.ValidationError(
                _("The unit price cannot be negative; issue a credit note instead."), code="price"
            )
        return price

    def clean(self):
        cleaned = super().clean()
        quantity, price = cleaned.get("quantity"), cleaned.get("unit_price")
        discount = cleaned.get("discount") or Decimal(0)
        if discount < 0:
            self.add_error("discount", _("The discount cannot be negative."))
        elif quantity is not None and price is not None and discount > quantity * price:
            self.add_error("discount", _("The discount cannot exceed the line amount."))
        rate = cleaned.get("vat_rate")
        if rate is not None and not (0 <= rate <= 100):
            self.add_error("vat_rate", _("A VAT rate is a percentage between 0 and 100."))
        return cleaned
