"""The supplier's saved products and services (catalogue.SavedProduct), managed from the editor:
saved from a line, added as a line, edited and deleted on their own page."""

from django import forms
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from catalogue.models import SavedProduct
from invoices.drafting.forms import DecimalInput
from invoices.drafting.services import invoice_line_add
from invoices.models import Invoice, InvoiceLine
from portal.spaces import Space, SpaceKind
from structures.models import Structure


def products_for_space(*, space: Space | None) -> QuerySet[SavedProduct]:
    if space is None or space.kind != SpaceKind.SUPPLIER:
        raise Http404
    return SavedProduct.objects.filter(supplier=space.structure).order_by("label")


def product_for_space(*, space: Space | None, product_id: int) -> SavedProduct:
    return get_object_or_404(products_for_space(space=space), pk=product_id)


class SavedProductForm(forms.ModelForm):
    class Meta:
        model = SavedProduct
        fields = ["label", "unit", "unit_price", "vat_rate"]
        localized_fields = ["unit_price", "vat_rate"]
        widgets = {
            "unit": forms.TextInput(attrs={"list": "units"}),
            "unit_price": DecimalInput(),
            "vat_rate": DecimalInput(attrs={"placeholder": _("exempt")}),
        }

    def __init__(self, *args, supplier: Structure, **kwargs):
        self.supplier = supplier
        super().__init__(*args, **kwargs)

    def clean_label(self):
        label = self.cleaned_data["label"].strip()
        others = SavedProduct.objects.filter(supplier=self.supplier, label=label)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("You already saved a product with this label."), code="duplicate"
            )
        return label

    def clean_unit_price(self):
        price = self.cleaned_data["unit_price"]
        if price is not None and price < 0:
            raise forms.ValidationError(_("The unit price cannot be negative."), code="price")
        return price

    def clean_vat_rate(self):
        rate = self.cleaned_data["vat_rate"]
        if rate is not None and not (0 <= rate <= 100):
            raise forms.ValidationError(
                _("A VAT rate is a percentage between 0 and 100."), code="vat_rate"
            )
        return rate


def product_save(*, supplier: Structure, data, product: SavedProduct | None = None):
    """Create (or change) a saved product from what was typed; the bound form, with its errors
    when nothing was saved."""
    form = SavedProductForm(data, instance=product, supplier=supplier)
    if form.is_valid():
        form.instance.supplier = supplier
        form.save()
    return form


def product_delete(*, product: SavedProduct) -> None:
    """Lines already added from it keep their values: they are copies."""
    product.delete()


@transaction.atomic
def product_from_line(*, line: InvoiceLine) -> SavedProduct | None:
    """Save a line of a draft as a product of its supplier (its description as the label; a
    product of the same label takes the line's values). None when the line has no description
    yet."""
    label = line.description.strip()
    if not label:
        return None
    product, _created = SavedProduct.objects.update_or_create(
        supplier_id=line.invoice.supplier_id,
        label=label,
        defaults={"unit": line.unit, "unit_price": line.unit_price, "vat_rate": line.vat_rate},
    )
    return product


def invoice_line_add_from_product(*, invoice: Invoice, product: SavedProduct) -> InvoiceLine:
    """A line with the product's label, unit, price and VAT rate (none on an exempt invoice)."""
    if product.supplier_id != invoice.supplier_id:
        raise Http404
    return invoice_line_add(
        invoice=invoice,
        description=product.label,
        unit=product.unit,
        unit_price=product.unit_price,
        vat_rate=product.vat_rate,
    )
