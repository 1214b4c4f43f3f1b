"""Parsing of what the supplier types in the invoice editor. Drafts may be incomplete: only what
is typed is checked here; completeness is the pre-flight check's job."""

from decimal import Decimal

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret as siret_number

from invoices.limits import invoice_number_acceptable
from invoices.models import UNIT_LABELS, Invoice, InvoiceLine
from invoices.sending.submission import PAYMENT_MODES
from invoices.totals import LineAmounts, line_total, totals_compute
from reference_lists.models import ReferenceEntry
from reference_lists.services import reference_choices_needed
from structures.models import Service, Structure
from structures.selectors import bank_accounts_for_supplier

RESERVED_SERVICE = "FACTURES_PUBLIQUES"
# Chorus Pro documents no limit for an invoice's comment; the portal keeps what a person writes
# (the same limit as the comments of the supplier's answers), not a megabyte pasted by mistake.
COMMENT_MAX_LENGTH = 1000

# EN 16931 units (UN/ECE recommendation 20) offered in the editor; others can be typed.
UNITS = [
    (code, UNIT_LABELS[code])
    for code in ("C62", "H87", "HUR", "DAY", "MON", "KGM", "MTR", "LTR", "LS")
]
VAT_RATES = [Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1"), Decimal("0")]


class IsoDateInput(forms.DateInput):
    """A date picker. Its value must be ISO whatever the language: a browser cannot read
    "28/11/2026" in an input of type date, shows it blank and sends it back empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DecimalInput(forms.TextInput):
    """A decimal as people write it: a text input (``inputmode="decimal"``, a numeric keypad on
    a phone) showing the value in the reader's language without the zeros its column pads it
    with ("450,5", not "450.500000"), read back in that language or with a point. Not a number
    input: a browser whose own language is not French drops the comma of "450,50" and sends
    45050."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal) and value.is_finite():
            text = format(value.normalize(), "f")
            return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))
        return super().format_value(value)


def largest_amount(model, field_name: str) -> Decimal:
    """The largest value a DecimalField of ``model`` stores (99 999 999 999 999,99 for money)."""
    field = model._meta.get_field(field_name)
    step = Decimal(1).scaleb(-field.decimal_places)
    return Decimal(10) ** (field.max_digits - field.decimal_places) - step


def _amount_text(value: Decimal) -> str:
    return formats.number_format(value, 2, use_l10n=True, force_grouping=True)


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


def _number_acceptable(number: str) -> str:
    if number and not invoice_number_acceptable(number):
        raise forms.ValidationError(
            _("Chorus Pro accepts only letters, digits and the signs + - _ /, without spaces."),
            code="number_format",
        )
    return number


class InvoiceDraftForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Invoice.Kind.choices)
    number = forms.CharField(label=_("Invoice number"), max_length=20, required=False)
    original_number = forms.CharField(
        label=_("Original invoice number"), max_length=20, required=False
    )
    recipient_siret = forms.CharField(label=_("Recipient SIRET"), max_length=17, required=False)
    service_code = forms.CharField(label=_("Service"), max_length=100, required=False)
    issue_date = forms.DateField(label=_("Invoice date"), required=False, widget=IsoDateInput())
    due_date = forms.DateField(label=_("Due date"), required=False, widget=IsoDateInput())
    billing_framework = forms.ChoiceField(
        label=_("Billing framework"), choices=Invoice.BillingFramework.choices
    )
    validator_siret = forms.CharField(label=_("Validator SIRET"), max_length=17, required=False)
    payment_mode = forms.ChoiceField(
        label=_("Payment mode"), choices=[("", "—"), *Invoice.PaymentMode.choices], required=False
    )
    # Chorus Pro's id of one of the supplier's bank accounts, chosen from its list (never typed).
    bank_account_chorus_id = forms.TypedChoiceField(
        label=_("Bank account"),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={
            "invalid_choice": _(
                "Choose one of the bank accounts Chorus Pro knows for your structure."
            )
        },
    )
    vat_regime = forms.ChoiceField(label=_("VAT regime"), choices=Invoice.VatRegime.choices)
    # One of Chorus Pro's VAT exemption reasons (recuperer/motifs/exonerationtva), picked.
    vat_exemption_reason = forms.ChoiceField(label=_("VAT exemption reason"), required=False)
    commitment_number = forms.CharField(label=_("Commitment number"), max_length=50, required=False)
    market_number = forms.CharField(label=_("Market number"), max_length=50, required=False)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, invoice: Invoice, **kwargs):
        self.invoice = invoice
        super().__init__(*args, **kwargs)
        self.fields["bank_account_chorus_id"].choices = bank_account_choices(invoice)
        self.fields["vat_exemption_reason"].choices = vat_exemption_choices(invoice)
        self.fields["billing_framework"].choices = framework_choices(invoice)
        self.fields["payment_mode"].choices = [("", "—"), *payment_mode_choices(invoice)]

    def clean_number(self):
        number = _number_acceptable(self.cleaned_data["number"].strip())
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

    def clean_original_number(self):
        return _number_acceptable(self.cleaned_data["original_number"].strip())

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


def bank_account_choices(invoice: Invoice) -> list[tuple[str, str]]:
    """The supplier's valid bank accounts in Chorus Pro, and the invoice's own account should
    Chorus Pro no longer list it (so that saving another field does not drop it)."""
    choices = [("", _("— choose a bank account —"))]
    known = set()
    for account in bank_accounts_for_supplier(invoice.supplier) or []:
        known.add(account.id)
        choices.append((str(account.id), account.text))
    current = invoice.bank_account_chorus_id
    if current is not None and current not in known:
        choices.append(
            (str(current), _("Account %(id)s (not in Chorus Pro's list)") % {"id": current})
        )
    return choices


def _offered(choices, chorus_codes: set[str], current: str, chorus_code) -> list[tuple[str, str]]:
    """The portal's choices Chorus Pro's list holds (all of them until the list was read), and
    the invoice's own value whatever the list says, so that it is shown back unchanged."""
    return [
        (value, label)
        for value, label in choices
        if not chorus_codes or chorus_code(value) in chorus_codes or value == current
    ]


def framework_choices(invoice: Invoice) -> list[tuple[str, str]]:
    """The billing frameworks the editor offers among those Chorus Pro lists for invoices
    (recuperer/cadrefacturation): Chorus Pro's "A1_FACTURE_FOURNISSEUR" is the portal's "A1"."""
    listed = reference_choices_needed(ReferenceEntry.Kind.BILLING_FRAMEWORK, scope="FACTURE")
    codes = {choice.code.split("_", 1)[0] for choice in listed}
    return _offered(
        Invoice.BillingFramework.choices, codes, invoice.billing_framework, lambda value: value
    )


def payment_mode_choices(invoice: Invoice) -> list[tuple[str, str]]:
    """The payment modes Chorus Pro accepts (recuperer/modereglements), in the portal's words."""
    listed = reference_choices_needed(ReferenceEntry.Kind.PAYMENT_MODE)
    return _offered(
        Invoice.PaymentMode.choices,
        {choice.code for choice in listed},
        invoice.payment_mode,
        lambda value: str(PAYMENT_MODES.get(value, "")),
    )


def vat_exemption_choices(invoice: Invoice) -> list[tuple[str, str]]:
    """Chorus Pro's VAT exemption reasons, and the invoice's own reason should the list not hold
    it (typed before the list, or withdrawn since), so that saving another field keeps it."""
    choices = [("", _("— choose a reason —"))]
    choices += [
        (reason.code, reason.text)
        for reason in reference_choices_needed(ReferenceEntry.Kind.VAT_EXEMPTION_REASON)
    ]
    current = invoice.vat_exemption_reason
    if current and current not in {code for code, _label in choices}:
        choices.append((current, current))
    return choices


class InvoiceLineForm(forms.ModelForm):
    class Meta:
        model = InvoiceLine
        fields = ["description", "quantity", "unit", "unit_price", "discount", "vat_rate"]
        # Read in the reader's language ("450,50" in French), a point accepted too.
        localized_fields = ["quantity", "unit_price", "discount", "vat_rate"]
        widgets = {
            "quantity": DecimalInput(),
            "unit": forms.TextInput(attrs={"list": "units"}),
            "unit_price": DecimalInput(),
            "discount": DecimalInput(),
            "vat_rate": DecimalInput(attrs={"placeholder": _("exempt")}),
        }

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
        if not self.errors and quantity is not None and price is not None:
            self._check_totals_fit(LineAmounts(quantity, price, discount, rate))
        return cleaned

    def _check_totals_fit(self, amounts: LineAmounts) -> None:
        """The line's total and the invoice's totals with it must fit the columns that keep
        them (a database refuses a larger number)."""
        largest = largest_amount(InvoiceLine, "total_excl_tax")
        if line_total(amounts) > largest:
            self.add_error(
                "unit_price",
                forms.ValidationError(
                    _("The line total cannot exceed %(max)s: split it into several lines."),
                    params={"max": _amount_text(largest)},
                    code="line_total_too_large",
                ),
            )
            return
        invoice = self.instance.invoice
        others = [
            LineAmounts(line.quantity, line.unit_price, line.discount, line.vat_rate)
            for line in invoice.lines.exclude(pk=self.instance.pk)
        ]
        largest = largest_amount(Invoice, "total_incl_tax")
        if totals_compute([*others, amounts]).total_incl_tax > largest:
            self.add_error(
                "unit_price",
                forms.ValidationError(
                    _(
                        "With this line the invoice total incl. VAT would exceed %(max)s: "
                        "split it into several invoices."
                    ),
                    params={"max": _amount_text(largest)},
                    code="invoice_total_too_large",
                ),
            )
