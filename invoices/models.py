import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.exact_decimal import ExactDecimalField
from structures.models import Service, Structure

# Decimal columns are ExactDecimalField: Django's DecimalField computes in floats on SQLite.
MONEY = {"max_digits": 15, "decimal_places": 2}
ZERO = Decimal("0")


class ChorusStatus(models.TextChoices):
    """Invoice statuses as Chorus Pro names them (values are Chorus Pro's codes)."""

    DEPOSITED = "DEPOSEE", _("Deposited")
    ROUTING = "EN_COURS_ACHEMINEMENT", _("Being routed")
    AVAILABLE = "MISE_A_DISPOSITION", _("Made available")
    TO_RECYCLE = "A_RECYCLER", _("To be re-routed")
    SUSPENDED = "SUSPENDUE", _("Suspended")
    COMPLETED = "COMPLETEE", _("Completed")
    REJECTED = "REJETEE", _("Rejected")
    SERVICE_DONE = "SERVICE_FAIT", _("Service certified")
    MANDATED = "MANDATEE", _("Payment ordered")
    AVAILABLE_TO_ACCOUNTANT = "MISE_A_DISPOSITION_COMPTABLE", _("Handed to the accountant")
    ACCOUNTED = "COMPTABILISEE", _("Accounted")
    PAID = "MISE_EN_PAIEMENT", _("Payment issued")
    TO_VALIDATE_1 = "A_VALIDER_1", _("Awaiting validation")
    VALIDATED_1 = "VALIDEE_1", _("Validated")
    REFUSED_1 = "REFUSEE_1", _("Refused by the validator")
    NO_VALIDATION_1 = "ABSENCE_VALIDATION_1_HORS_DELAI", _("Not validated in time")
    TO_VALIDATE_2 = "A_VALIDER_2", _("Awaiting second validation")
    VALIDATED_2 = "VALIDEE_2", _("Validated (second validator)")
    REFUSED_2 = "REFUSEE_2", _("Refused by the second validator")
    SUPPLIER_ERROR_ON_VALIDATOR = "ERREUR_FOURNISSEUR_SUR_VALIDEUR", _("Wrong validator")
    ABANDONED = "ABANDONNEE", _("Abandoned")
    DELETED = "SUPPRIMEE", _("Deleted")


# contract §9.2: REJETEE and MISE_EN_PAIEMENT are final; SUSPENDUE, A_RECYCLER and MANDATEE are not.
FINAL_CHORUS_STATUSES = frozenset(
    {ChorusStatus.REJECTED, ChorusStatus.PAID, ChorusStatus.ABANDONED, ChorusStatus.DELETED}
)
# A validator turned the invoice down: it goes back to the supplier and nobody pays it as it
# stands (only a corrected invoice, or a corrected validator, brings a payment back).
VALIDATOR_REFUSED_STATUSES = frozenset(
    {ChorusStatus.REFUSED_1, ChorusStatus.REFUSED_2, ChorusStatus.SUPPLIER_ERROR_ON_VALIDATOR}
)
# Sent, yet no payment can come of the invoice now: paid already, cancelled, or refused.
NOT_PAYABLE_CHORUS_STATUSES = FINAL_CHORUS_STATUSES | VALIDATOR_REFUSED_STATUSES
# Statuses Chorus Pro moves on from by itself within moments (routing), as opposed to those
# that wait for a person: a page showing the invoice follows it while it is in one of them.
ROUTING_CHORUS_STATUSES = frozenset(
    {ChorusStatus.DEPOSITED, ChorusStatus.ROUTING, ChorusStatus.VALIDATED_1}
)


def due_now():
    """A new row's first attempt is due at once. Read through the module at call time (not
    ``default=timezone.now``, bound when the class is made), so that a clock the demo history
    turns back applies to the due time as it does to the claim that compares it."""
    return timezone.now()


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
        Structure, on_delete=models.PROTECT, related_name="issued_invoices"
    )
    recipient = models.ForeignKey(
        Structure, on_delete=models.PROTECT, null=True, blank=True, related_name="received_invoices"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True)
    validator = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices_to_validate",
    )
    number = models.CharField(_("invoice number"), max_length=20, blank=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    original_invoice = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    original_number = models.CharField(_("original invoice number"), max_length=20, blank=True)
    # The invoice a rejected one is corrected by (Chorus Pro cancels a rejected invoice for good).
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    flow = models.ForeignKey(
        "invoices.Flow", on_delete=models.SET_NULL, null=True, blank=True, related_name="invoices"
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
    commitment_check = models.JSONField(null=True, blank=True)
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
        max_length=40,
        choices=ChorusStatus.choices,
        blank=True,
        db_index=True,
    )
    chorus_status_changed_at = models.DateTimeField(null=True, blank=True)
    chorus_invoice_id = models.BigIntegerField(_("Chorus Pro invoice id"), null=True, blank=True)
    chorus_flow_number = models.CharField(_("Chorus Pro flow number"), max_length=30, blank=True)
    deposited_on = models.DateField(_("deposit date"), null=True, blank=True)
    made_available_at = models.DateTimeField(_("made available at"), null=True, blank=True)
    downloaded_by_recipient = models.BooleanField(_("downloaded by the recipient"), default=False)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.PORTAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Chorus Pro's refusal of the submission, kept raw next to the plain-French explanation.
    submission_error_code = models.CharField(max_length=20, blank=True)
    # A worker holds the invoice while sending; an expired lease lets another worker take over.
    # Between attempts, when the next one is due (invoices/retries.py).
    send_attempts = models.PositiveSmallIntegerField(default=0)
    send_lease_until = models.DateTimeField(null=True, blank=True)
    send_next_attempt_at = models.DateTimeField(null=True, blank=True)
    submission_error_message = models.TextField(blank=True)
    rejection_acknowledged_at = models.DateTimeField(null=True, blank=True)
    # What the user typed that could not be saved yet (invalid values), so nothing typed is lost:
    # {"field": "raw value", "lines": {"<line id>": {"field": "raw value"}}}.
    draft_input = models.JSONField(default=dict, blank=True)
    # Recipient side: "new" until an agent of the recipient first opens the invoice.
    recipient_opened_at = models.DateTimeField(null=True, blank=True)
    # Invoices synced from Chorus Pro: when their details (lines, VAT) were read, so that a lost
    # details task is found and queued again (invoices/inbox/details.py).
    details_fetched_at = models.DateTimeField(null=True, blank=True)
    # When the details are next due to be read: a task was queued then, or will retry then.
    details_next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Payment-delay clock (invoices/payment_clock.py): days spent SUSPENDUE do not count,
    # and the deadline is kept on the row so lists can filter overdue invoices in SQL.
    suspended_since = models.DateTimeField(null=True, blank=True)
    payment_paused_days = models.PositiveIntegerField(default=0)
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

    @property
    def in_transit(self) -> bool:
        """Being sent, or routed by Chorus Pro: its status will move within moments without
        anybody acting, so a page showing it follows it."""
        if self.status in (self.Status.QUEUED, self.Status.SENDING):
            return True
        return bool(self.chorus_invoice_id) and self.chorus_status in ROUTING_CHORUS_STATUSES


# UN/ECE recommendation 20 units (EN 16931) by code, as people name them; a code not listed here
# is shown as it is.
UNIT_LABELS = {
    "C62": _("unit"),
    "H87": _("piece"),
    "HUR": _("hour"),
    "DAY": _("day"),
    "WEE": _("week"),
    "MON": _("month"),
    "ANN": _("year"),
    "KGM": _("kilogram"),
    "MTR": _("metre"),
    "MTK": _("square metre"),
    "LTR": _("litre"),
    "LS": _("lump sum"),
    "E48": _("service unit"),
}


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


# A random folder per file: a stored file's path cannot be guessed from an invoice or a date.
def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"invoices/{instance.invoice_id}/{uuid.uuid4().hex}/{filename}"


def flow_path(instance: "Flow", filename: str) -> str:
    return f"flows/{instance.supplier_id}/{uuid.uuid4().hex}/{filename}"


# Chorus Pro limits (contract §3.2, §8.3).
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_NAME_MAX_LENGTH = 50
# The AIFE annex (v6.1, §1.3) caps an invoice at 100 MB unzipped, all its files together; the
# 120 MB some clients cite (contract §8.3) is the limit of a download bundle (§5.12).
INVOICE_ATTACHMENTS_MAX_BYTES = 100 * 1024 * 1024


class Attachment(models.Model):
    class Kind(models.TextChoices):
        MAIN = "main", _("Invoice document")
        SUPPORTING = "supporting", _("Supporting document")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=ATTACHMENT_NAME_MAX_LENGTH)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("content type"), max_length=255)
    chorus_attachment_id = models.BigIntegerField(
        _("Chorus Pro attachment id"), null=True, blank=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["invoice", "kind", "uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"], condition=Q(kind="main"), name="one_main_document_per_invoice"
            ),
            models.CheckConstraint(
                condition=Q(size__lte=ATTACHMENT_MAX_BYTES), name="attachment_within_10_mb"
            ),
            models.CheckConstraint(
                condition=Q(name__contains="."), name="attachment_has_extension"
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="attachment_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StatusEvent(models.Model):
    """Immutable history of an invoice: every status it went through, from whichever side."""

    class Source(models.TextChoices):
        PORTAL = "portal", _("Portal")
        CHORUS = "chorus", _("Chorus Pro")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=40)
    occurred_at = models.DateTimeField(_("date"), db_index=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("who"), max_length=200, blank=True)
    comment = models.TextField(_("comment or motive"), blank=True)
    chorus_history_id = models.BigIntegerField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status event")
        verbose_name_plural = _("status history")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            # A Chorus Pro history entry is recorded once however often the history is re-read.
            models.UniqueConstraint(
                fields=["invoice", "chorus_history_id"],
                condition=Q(chorus_history_id__isnull=False),
                name="chorus_history_entry_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Status events are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Status events are immutable.")

    @property
    def status_label(self) -> str:
        """The status in the reader's language, whichever side recorded it."""
        for choices in (ChorusStatus, Invoice.Status):
            if self.status in choices.values:
                return choices(self.status).label
        return self.status


# Chorus Pro's flow states (contract §9.11) in words, for the supplier; a file's, not an invoice's.
FLOW_CHORUS_STATES = {
    "IN_RECU": _("File received"),
    "IN_TRAITE_SE_CPP": _("File taken in"),
    "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP": _("File being analysed"),
    "IN_EN_ATTENTE_TRAITEMENT_CPP": _("File waiting to be processed"),
    "IN_EN_COURS_TRAITEMENT_CPP": _("File being processed"),
    "IN_EN_ATTENTE_RETRAITEMENT_CPP": _("File held up, waiting to be processed again"),
    "IN_INCIDENTE": _("File not processed: deposit it again"),
    "IN_REJETE": _("File rejected"),
    "IN_INTEGRE": _("All invoices integrated"),
    "IN_INTEGRE_PARTIEL": _("Some invoices rejected"),
    "QP_IRRECEVABLE": _("File not receivable"),
    "QP_RECEVABLE": _("File receivable"),
    "QP_RECEVABLE_AVEC_ERREUR": _("File receivable with errors"),
}


class Flow(models.Model):
    """A file of invoices (Factur-X, UBL, CII, or a tar.gz of several) sent with deposer/flux."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued for sending")
        DEPOSITED = "deposited", _("Deposited, being processed")
        INTEGRATED = "integrated", _("Integrated")
        PARTIALLY_INTEGRATED = "partial", _("Partly integrated")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Could not be sent")

    # Not settled yet: being sent, or waiting for Chorus Pro's report.
    UNDER_WAY = (Status.QUEUED, Status.DEPOSITED)

    supplier = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="flows")
    file = models.FileField(_("file"), upload_to=flow_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    syntax = models.CharField(_("syntax"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    chorus_flow_number = models.CharField(_("Chorus Pro flow number"), max_length=30, blank=True)
    chorus_state = models.CharField(_("Chorus Pro flow state"), max_length=60, blank=True)
    report = models.JSONField(_("processing report"), null=True, blank=True)
    # Names of the invoice files inside the deposit (one, or several in a tar.gz), so each
    # per-invoice error of the detailed report can be shown against its file.
    file_names = models.JSONField(default=list, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    send_lease_until = models.DateTimeField(null=True, blank=True)
    send_next_attempt_at = models.DateTimeField(null=True, blank=True, default=due_now)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("flow")
        verbose_name_plural = _("flows")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["chorus_flow_number"],
                condition=~Q(chorus_flow_number=""),
                name="one_flow_per_chorus_number",
            ),
            models.CheckConstraint(
                condition=Q(size__lte=30 * 1024 * 1024), name="flow_within_30_mb"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def invoice_file_names(self) -> list[str]:
        """The user's own files in this deposit (``name`` is the tar.gz's when several are
        bundled into one)."""
        return [entry.get("name") or "" for entry in self.file_names or []] or [self.name]

    @property
    def chorus_state_label(self) -> str:
        return str(FLOW_CHORUS_STATES.get(self.chorus_state, self.chorus_state))


class Notification(models.Model):
    """An in-app notice of something that happened to an invoice (sent by e-mail too)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # The change of status this notice tells of: several workers may record the same change (the
    # supplier's and the recipient's syncs share the row of an invoice sent from the portal).
    status_event = models.ForeignKey(
        StatusEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]
        constraints = [
            # One change, one notice per person, however many workers record it.
            models.UniqueConstraint(
                fields=["user", "status_event"],
                condition=Q(status_event__isnull=False),
                name="one_notice_per_status_change",
            ),
        ]

    def __str__(self) -> str:
        return self.message[:60]


class InvoiceAction(models.Model):
    """A decision about a sent invoice that a worker carries to Chorus Pro.

    The web request only records it; a worker makes the call (no request waits on Chorus Pro).
    At most one action per invoice is under way at a time (database constraint), so a double
    click or two agents acting at once cannot send two decisions.
    """

    class Kind(models.TextChoices):
        COMPLETE = "complete", _("Complete the invoice")  # supplier, completer
        RECYCLE = "recycle", _("Re-route the invoice")  # supplier, recycler
        ACKNOWLEDGE_REJECTION = "ack_rejection", _("Acknowledge the rejection")  # traiterRejet
        TREAT = "treat", _("Change the status")  # recipient, traiter/recue
        VALIDATE = "validate", _("Validate")  # validator, traiter/factureAValider
        REFUSE = "refuse", _("Refuse")  # validator, traiter/factureAValider

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("In progress")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("action"), max_length=16, choices=Kind.choices)
    # What was asked, in English keys: target_status, motive, mandate_number, comment,
    # recipient_siret, service_code, commitment_number, refusal_reason...
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    # Actions taken together on several invoices share a batch id (one progress view).
    batch = models.UUIDField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=due_now)
    error_code = models.CharField(max_length=20, blank=True)
    error_message = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("action on an invoice")
        verbose_name_plural = _("actions on invoices")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(status__in=["queued", "running"]),
                name="one_action_under_way_per_invoice",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["complete", "recycle", "ack_rejection", "treat", "validate", "refuse"]
                ),
                name="invoice_action_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.invoice}"


class ReasonTemplate(models.Model):
    """A reusable motive for suspending or rejecting invoices, kept per public entity."""

    class Use(models.TextChoices):
        SUSPEND = "suspend", _("Suspension")
        REJECT = "reject", _("Rejection")
        BOTH = "both", _("Suspension or rejection")

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="reason_templates"
    )
    label = models.CharField(_("label"), max_length=80)
    # Chorus Pro keeps 255 characters of a motive (contract §5.12).
    text = models.CharField(_("motive"), max_length=255)
    use = models.CharField(_("used for"), max_length=8, choices=Use.choices, default=Use.BOTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reason template")
        verbose_name_plural = _("reason templates")
        ordering = ["structure", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "label"], name="reason_label_per_structure"
            ),
            models.CheckConstraint(condition=Q(text__gt=""), name="reason_text_not_empty"),
        ]

    def __str__(self) -> str:
        return self.label


def download_path(instance: "InvoiceDownload", filename: str) -> str:
    return f"downloads/{instance.pk or 'new'}/{uuid.uuid4().hex}/{filename}"


class InvoiceDownload(models.Model):
    """Documents fetched from Chorus Pro for a user (telecharger/groupe), by a worker.

    One invoice's PDF to show in its page, or a selection as PDF or ZIP with attachments. A
    selection over Chorus Pro's 120 MB limit is split into parts, each within the limit.
    """

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        ZIP = "zip", _("ZIP with attachments")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("In progress")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invoice_downloads"
    )
    # The structure whose technical account fetches the documents (the recipient's, usually).
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    invoices = models.ManyToManyField(Invoice, related_name="downloads")
    format = models.CharField(_("format"), max_length=3, choices=Format.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    # [{"name": "...", "file": "<storage path>", "size": 123, "invoice_ids": [..]}], in order.
    parts = models.JSONField(default=list, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)  # parts done so far
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=due_now)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document download")
        verbose_name_plural = _("document downloads")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_format_display()} – {self.created_at:%Y-%m-%d %H:%M}"
