"""Chorus Pro's reference lists, as last read from Chorus Pro (never typed in the portal)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceEntry(models.Model):
    """One code of one of Chorus Pro's lists. ``scope`` narrows a list that Chorus Pro gives per
    kind of payment request (billing frameworks, invoice states: ``FACTURE``,
    ``FACTURE_TRAVAUX``); empty otherwise. ``label`` is Chorus Pro's, in French; lists of bare
    codes have none."""

    class Kind(models.TextChoices):
        BILLING_FRAMEWORK = "billing_framework", _("Billing frameworks")
        PAYMENT_MODE = "payment_mode", _("Payment modes")
        VAT_EXEMPTION_REASON = "vat_exemption_reason", _("VAT exemption reasons")
        CURRENCY = "currency", _("Currencies")
        COUNTRY = "country", _("Countries")
        ATTACHMENT_TYPE = "attachment_type", _("Attachment types")
        IDENTIFIER_TYPE = "identifier_type", _("Identifier types")
        STRUCTURE_TYPE = "structure_type", _("Structure types")
        INVOICE_TYPE = "invoice_type", _("Payment request types")
        INVOICE_STATE = "invoice_state", _("States per payment request type")
        FLOW_SYNTAX = "flow_syntax", _("Flow syntaxes")
        DEPOSIT_MODE = "deposit_mode", _("Deposit modes")
        SOLICITATION_CATEGORY = "solicitation_category", _("Solicitation categories")

    kind = models.CharField(_("list"), max_length=40, choices=Kind.choices)
    scope = models.CharField(_("scope"), max_length=40, blank=True)
    code = models.CharField(_("code"), max_length=100)
    label = models.CharField(_("label"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    fetched_at = models.DateTimeField(_("read from Chorus Pro at"))

    class Meta:
        verbose_name = _("reference list entry")
        verbose_name_plural = _("reference list entries")
        ordering = ["kind", "scope", "position"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "scope", "code"], name="one_code_per_list"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.scope} {self.code}".replace("  ", " ")
