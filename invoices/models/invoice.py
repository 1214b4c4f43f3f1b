"""The invoice, as drafted in the portal or received from Chorus Pro."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from invoices.models.vocabulary import (
    FINAL_CHORUS_STATUSES,
    NOT_PAYABLE_CHORUS_STATUSES,
    ROUTING_CHORUS_STATUSES,
    VALIDATOR_REFUSED_STATUSES,
    ChorusStatus,
)
from portal.exact_decimal import ExactDecimalField
from structures.models import Service, Structure

# Decimal columns are ExactDecimalField: Django's DecimalField computes in floats on SQLite.
MONEY = {"max_digits": 15, "decimal_places": 2}
ZERO = Decimal("0")


def awaiting_payment_q() -> Q:
    """Sent to Chorus Pro and can still be paid: the one definition behind every amount awaiting
    payment and every overdue count."""
    return Q(status__in=[Invoice.Status.SUBMITTED, Invoice.Status.RECEIVED]) & ~Q(
        chorus_status__in=NOT_PAYABLE_CHORUS_STATUSES
    )


class InvoiceQuerySet(models.QuerySet):
    def drafts(self):
        return self.filter(status=Invoice.Status.DRAFT)

    def in_flight(self):
        """Sent to Chorus Pro and not yet in a final status: these are polled."""
        return self.filter(status=Invoice.Status.SUBMITTED).exclude(
            chorus_status__in=FINAL_CHORUS_STATUSES
        )

    def awaiting_payment(self):
        return self.filter(awaiting_payment_q())

    def overdue(self, *, today):
        """Can still be paid and past the payment deadline (kept on the row by the clock)."""
        return self.awaiting_payment().filter(payment_due_by__lt=today)


class Invoice(models.Model):
    class Status(models.TextChoices):
        """Where the invoice stands in the portal, before and around Chorus Pro."""

        DRAFT = "draft", _("Draft")
        QUEUED = "queued", _("Queued for sending")
        SENDING = "sending", _("Sending")
        SUBMITTED = "submitted", _("Sent to Chorus Pro")
        SUBMISSION_REFUSED = "submission_refused", _("Refused by Chorus Pro")
        RECEIVED = "received", _("Received from Chorus Pro")

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    class BillingFramework(models.TextChoices):
        A1 = "A1", _("A1 – supplier invoice")
        A2 = "A2", _("A2 – invoice already paid")
        A9 = "A9", _("A9 – subcontractor invoice")
        A12 = "A12", _("A12 – co-contractor invoice")

    class PaymentMode(models.TextChoices):
        TRANSFER = "transfer", _("Bank transfer")
        CHEQUE = "cheque", _("Cheque")
        DIRECT_DEBIT = "direct_debit", _("Direct debit")
        CASH = "cash", _("Cash")
        OFFSET = "offset", _("Carried forward")
        OTHER = "other", _("Other")

    class VatRegime(models.TextChoices):
        ON_DEBITS = "on_debits", _("VAT on debits")
        ON_RECEIPTS = "on_receipts", _("VAT on receipts")
        EXEMPT = "exempt", _("Exempt from VAT")
        NO_VAT = "no_vat", _("No VAT")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Drafted in the portal")
        FLOW = "flow", _("Uploaded file")
        CHORUS = "chorus", _("Synchronised from Chorus Pro")

    supplier = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="issued_invoices",
        verbose_name=_("supplier"),
    )
    recipient = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_invoices",
        verbose_name=_("recipient"),
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("service")
    )
    validator = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices_to_validate",
        verbose_name=_("validator"),
    )
    # The second-level validator some recipients require (A_VALIDER_2): known once Chorus Pro
    # shows it the invoice (its validations sync), never chosen by the supplier.
    second_validator = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices_to_validate_second",
        verbose_name=_("second validator"),
    )
    number = models.CharField(_("invoice number"), max_length=20, blank=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    original_invoice = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("original invoice"),
    )
    original_number = models.CharField(_("original invoice number"), max_length=20, blank=True)
    # The invoice a rejected one is corrected by (Chorus Pro cancels a rejected invoice for good).
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects the invoice"),
    )
    flow = models.ForeignKey(
        "invoices.Flow",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("deposited file"),
    )
    issue_date = models.DateField(_("invoice date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    billing_framework = models.CharField(
        _("billing framework"),
        max_length=3,
        choices=BillingFramework.choices,
        default=BillingFramework.A1,
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    payment_mode = models.CharField(
        _("payment mode"), max_length=12, choices=PaymentMode.choices, blank=True
    )
    bank_account_chorus_id = models.BigIntegerField(_("bank account"), null=True, blank=True)
    vat_regime = models.CharField(
        _("VAT regime"), max_length=12, choices=VatRegime.choices, default=VatRegime.ON_DEBITS
    )
    vat_exemption_reason = models.CharField(_("VAT exemption reason"), max_length=100, blank=True)
    commitment_number = models.CharField(_("commitment number"), max_length=50, blank=True)
    # The last check of the commitment number against Chorus Pro, made by a worker:
    # {"number", "found": true|false|null (could not tell), "checked_at", "error"}.
    commitment_check = models.JSONField(
        null=True, blank=True, verbose_name=_("commitment number check")
    )
    market_number = models.CharField(_("market number"), max_length=50, blank=True)
    # The payment order's number the recipient gave with MANDATEE (numeroDPMandat).
    mandate_number = models.CharField(_("mandate number"), max_length=50, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    total_excl_tax = ExactDecimalField(_("total excluding VAT"), default=ZERO, **MONEY)
    total_vat = ExactDecimalField(_("total VAT"), default=ZERO, **MONEY)
    total_incl_tax = ExactDecimalField(_("total including VAT"), default=ZERO, **MONEY)
    amount_due = ExactDecimalField(_("amount due"), default=ZERO, **MONEY)

    status = models.CharField(
        _("portal status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    chorus_status = models.CharField(
        _("Chorus Pro status"),
        max_length=50,
        choices=ChorusStatus.choices,
        blank=True,
        db_index=True,
    )
    chorus_status_changed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("Chorus Pro status changed at")
    )
    chorus_invoice_id = models.BigIntegerField(_("Chorus Pro invoice id"), null=True, blank=True)
    chorus_flow_number = models.CharField(_("Chorus Pro flow number"), max_length=30, blank=True)
    deposited_on = models.DateField(_("deposit date"), null=True, blank=True)
    made_available_at = models.DateTimeField(_("made available at"), null=True, blank=True)
    downloaded_by_recipient = models.BooleanField(_("downloaded by the recipient"), default=False)
    source = models.CharField(
        max_length=8, choices=Source.choices, default=Source.PORTAL, verbose_name=_("origin")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    submitted_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("sent to Chorus Pro at")
    )
    # Chorus Pro's refusal of the submission, kept raw next to the plain-French explanation.
    submission_error_code = models.CharField(
        max_length=20, blank=True, verbose_name=_("Chorus Pro refusal code")
    )
    # A worker holds the invoice while sending; an expired lease lets another worker take over.
    # Between attempts, when the next one is due (invoices/retries.py).
    send_attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("send attempts"))
    send_lease_until = models.DateTimeField(
        null=True, blank=True, verbose_name=_("held by a worker until")
    )
    send_next_attempt_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("next send attempt at")
    )
    submission_error_message = models.TextField(
        blank=True, verbose_name=_("Chorus Pro refusal message")
    )
    rejection_acknowledged_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("rejection acknowledged at")
    )
    # What the user typed that could not be saved yet (invalid values), so nothing typed is lost:
    # {"field": "raw value", "lines": {"<line id>": {"field": "raw value"}}}.
    draft_input = models.JSONField(default=dict, blank=True, verbose_name=_("input not saved yet"))
    # Recipient side: "new" until an agent of the recipient first opens the invoice.
    recipient_opened_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("opened by the recipient at")
    )
    # Invoices synced from Chorus Pro: when their details (lines, VAT) were read, so that a lost
    # details task is found and queued again (invoices/inbox/details.py).
    details_fetched_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("details read at")
    )
    # When the details are next due to be read: a task was queued then, or will retry then.
    details_next_attempt_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("next reading of the details at")
    )
    # Payment-delay clock (invoices/payment_clock.py): days spent SUSPENDUE do not count,
    # and the deadline is kept on the row so lists can filter overdue invoices in SQL.
    suspended_since = models.DateTimeField(null=True, blank=True, verbose_name=_("suspended since"))
    payment_paused_days = models.PositiveIntegerField(
        default=0, verbose_name=_("days the payment clock was paused")
    )
    payment_due_by = models.DateField(_("payment deadline"), null=True, blank=True, db_index=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["supplier", "-created_at"], name="invoice_supplier_recent"),
            models.Index(fields=["recipient", "-created_at"], name="invoice_recipient_recent"),
            models.Index(fields=["validator", "-created_at"], name="invoice_validator_recent"),
            # Keyset pagination of the long lists: (owner, created_at, id) in one index walk.
            models.Index(fields=["supplier", "-created_at", "-id"], name="invoice_supplier_keyset"),
            models.Index(
                fields=["recipient", "-created_at", "-id"], name="invoice_recipient_keyset"
            ),
            # A list filtered by status or by counterpart, in the keyset's order: one index walk
            # whatever the filter's share of the list (migration 0020).
            models.Index(
                fields=["supplier", "chorus_status", "-created_at", "-id"],
                name="invoice_supplier_status_ks",
            ),
            models.Index(
                fields=["supplier", "recipient", "-created_at", "-id"],
                name="invoice_supplier_recipient_ks",
            ),
            models.Index(
                fields=["validator", "chorus_status", "-created_at", "-id"],
                name="invoice_validator_status_ks",
            ),
            models.Index(
                fields=["validator", "supplier"],
                condition=Q(validator__isnull=False),
                name="invoice_validator_supplier",
            ),
            models.Index(
                fields=["recipient", "chorus_status", "-created_at", "-id"],
                name="invoice_recipient_status_ks",
            ),
            models.Index(
                fields=["recipient", "supplier", "-created_at", "-id"],
                name="invoice_recipient_supplier_ks",
            ),
            # The beat's sweep for details tasks that were lost: the few rows still waiting.
            models.Index(
                fields=["details_next_attempt_at"],
                condition=Q(source="chorus", details_fetched_at__isnull=True),
                name="invoice_details_waiting",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "number"],
                condition=~Q(number=""),
                name="invoice_number_unique_per_supplier",
            ),
            models.UniqueConstraint(
                fields=["chorus_invoice_id"],
                condition=Q(chorus_invoice_id__isnull=False),
                name="one_invoice_per_chorus_id",
            ),
            models.CheckConstraint(
                condition=Q(total_incl_tax=F("total_excl_tax") + F("total_vat")),
                name="total_is_net_plus_vat",
            ),
            models.CheckConstraint(
                condition=Q(total_excl_tax__gte=0, total_vat__gte=0, amount_due__gte=0),
                name="amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(kind="credit_note")
                | Q(original_invoice__isnull=True, original_number=""),
                name="only_credit_notes_have_an_original",
            ),
            models.CheckConstraint(
                condition=Q(billing_framework__in=["A9", "A12"]) | Q(validator__isnull=True),
                name="validator_only_for_a9_a12",
            ),
            models.CheckConstraint(
                condition=Q(second_validator__isnull=True) | Q(validator__isnull=False),
                name="second_validator_after_a_first",
            ),
            models.CheckConstraint(
                condition=Q(vat_regime__in=["exempt", "no_vat"]) | Q(vat_exemption_reason=""),
                name="exemption_reason_only_when_exempt",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["submitted", "received"])
                | Q(chorus_invoice_id__isnull=False),
                name="sent_invoices_have_a_chorus_id",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(number=""), name="only_drafts_lack_a_number"
            ),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="iso_currency"),
        ]

    def __str__(self) -> str:
        return self.number or _("Draft #%(id)s") % {"id": self.pk}

    @property
    def is_final(self) -> bool:
        return self.chorus_status in FINAL_CHORUS_STATUSES

    @property
    def awaiting_payment(self) -> bool:
        """The row-level reading of `awaiting_payment_q`."""
        return (
            self.status in (self.Status.SUBMITTED, self.Status.RECEIVED)
            and self.chorus_status not in NOT_PAYABLE_CHORUS_STATUSES
        )

    @property
    def refused_by_validator(self) -> bool:
        return self.chorus_status in VALIDATOR_REFUSED_STATUSES

    def validation_level_for(self, structure: Structure | None) -> int | None:
        """The validation level at which the invoice waits for ``structure``'s decision: 1 when
        it is the invoice's validator and the invoice is A_VALIDER_1, 2 when it is the
        second-level validator and the invoice is A_VALIDER_2; otherwise None."""
        if structure is None:
            return None
        if self.chorus_status == ChorusStatus.TO_VALIDATE_1 and self.validator_id == structure.pk:
            return 1
        if (
            self.chorus_status == ChorusStatus.TO_VALIDATE_2
            and self.second_validator_id == structure.pk
        ):
            return 2
        return None

    @property
    def in_transit(self) -> bool:
        """Being sent, or routed by Chorus Pro: its status will move within moments without
        anybody acting, so a page showing it follows it."""
        if self.status in (self.Status.QUEUED, self.Status.SENDING):
            return True
        return bool(self.chorus_invoice_id) and self.chorus_status in ROUTING_CHORUS_STATUSES
