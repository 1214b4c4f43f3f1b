"""Choosing invoices to download from Chorus Pro (one, or a selection from the inbox)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from invoices.documents.downloads import MAX_SELECTION
from invoices.models import Invoice, InvoiceDownload
from invoices.selectors import invoice_id_possible, invoice_list_for_space


class InvoicesField(forms.ModelMultipleChoiceField):
    """Invoices by id. An id past what the id column holds is refused like an unknown one: the
    database would not even compare it (SQLite raises an OverflowError)."""

    def _check_values(self, value):
        for item in value:
            try:
                number = int(str(item))
            except ValueError:
                continue  # the parent field says why
            if not invoice_id_possible(number):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)


class DownloadGroupForm(forms.Form):
    invoice = InvoicesField(
        queryset=Invoice.objects.none(),
        error_messages={
            "required": _("Select at least one invoice to download."),
            "invalid_choice": _(
                "Invoice %(value)s cannot be downloaded: it is not in your space or has not "
                "reached Chorus Pro."
            ),
            "invalid_pk_value": _("“%(pk)s” is not an invoice."),
        },
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=InvoiceDownload.Format.choices,
        initial=InvoiceDownload.Format.PDF,
        required=False,
    )

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        # Only invoices of the user's space that Chorus Pro knows can be fetched from it.
        self.fields["invoice"].queryset = invoice_list_for_space(space=space).filter(
            chorus_invoice_id__isnull=False
        )

    def clean_invoice(self):
        invoices = self.cleaned_data["invoice"]
        if len(invoices) > MAX_SELECTION:
            raise forms.ValidationError(
                _("Select at most %(max)s invoices at a time."), params={"max": MAX_SELECTION}
            )
        return list(invoices)

    def clean_format(self):
        return self.cleaned_data["format"] or InvoiceDownload.Format.PDF
