"""What a supplier sells again and again, saved once: added as a line of an invoice in a click.
Managed from the editor (invoices/drafting/products.py)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.exact_decimal import ExactDecimalField
from structures.models import Structure


class SavedProduct(models.Model):
    """A product or service of a supplier: the label, unit, price and VAT rate of its lines."""

    supplier = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="saved_products")
    # As long as an invoice line's description, which it becomes.
    label = models.CharField(_("label"), max_length=300)
    unit = models.CharField(_("unit"), max_length=20, default="C62")
    unit_price = ExactDecimalField(
        _("unit price excl. VAT"),
        max_digits=18,
        decimal_places=6,
        validators=[MinValueValidator(0)],
    )
    # Null: exempt, as on a line.
    vat_rate = ExactDecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("saved product")
        verbose_name_plural = _("saved products")
        ordering = ["supplier", "label"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "label"], name="saved_product_label_once"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="saved_product_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__isnull=True) | Q(vat_rate__gte=0, vat_rate__lte=100),
                name="saved_product_vat_rate_percentage",
            ),
            models.CheckConstraint(condition=Q(label__gt=""), name="saved_product_label_given"),
        ]

    def __str__(self) -> str:
        return self.label
