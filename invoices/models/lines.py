"""An invoice's lines and its VAT breakdown."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from invoices.models.invoice import MONEY, ZERO, Invoice
from invoices.models.vocabulary import UNIT_LABELS
from portal.exact_decimal import ExactDecimalField


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("line"))
    reference = models.CharField(_("reference"), max_length=50, blank=True)
    description = models.CharField(_("description"), max_length=300)
    quantity = ExactDecimalField(
        _("quantity"), max_digits=15, decimal_places=4, validators=[MinValueValidator(ZERO)]
    )
    unit = models.CharField(_("unit"), max_length=20, default="C62")
    unit_price = ExactDecimalField(_("unit price excl. VAT"), max_digits=18, decimal_places=6)
    discount = ExactDecimalField(_("discount excl. VAT"), default=ZERO, **MONEY)
    # Null when the line is exempt (the invoice carries the exemption reason).
    vat_rate = ExactDecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    total_excl_tax = ExactDecimalField(_("line total excl. VAT"), default=ZERO, **MONEY)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="line_position_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="line_price_not_negative"),
            models.CheckConstraint(condition=Q(discount__gte=0), name="line_discount_not_negative"),
            models.CheckConstraint(
                condition=Q(vat_rate__isnull=True) | Q(vat_rate__gte=0, vat_rate__lte=100),
                name="line_vat_rate_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"

    @property
    def unit_label(self) -> str:
        return str(UNIT_LABELS.get(self.unit, self.unit))


class InvoiceVatLine(models.Model):
    """The VAT breakdown: one row per rate, computed by the server from the lines."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="vat_lines")
    rate = ExactDecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    taxable_amount = ExactDecimalField(_("taxable amount"), **MONEY)
    vat_amount = ExactDecimalField(_("VAT amount"), **MONEY)

    class Meta:
        verbose_name = _("VAT breakdown line")
        verbose_name_plural = _("VAT breakdown")
        ordering = ["invoice", "rate"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "rate"], name="one_vat_line_per_rate"),
            models.CheckConstraint(
                condition=Q(rate__gte=0, rate__lte=100), name="vat_line_rate_percentage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rate} %"
