"""A structure's Facturation.pro account, what the portal read of it, and what it writes back."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.exact_decimal import ExactDecimalField
from structures.credentials import credential_decrypt, credential_encrypt
from structures.models import Service, Structure

MONEY = {"max_digits": 15, "decimal_places": 2}


class FproConnection(models.Model):
    """The Facturation.pro account (API identifier, key, firm) a supplier structure connected."""

    class TestOutcome(models.TextChoices):
        OK = "ok", _("Connected")
        WRONG_KEY = "wrong_key", _("Identifier or key refused")
        UNKNOWN_FIRM = "unknown_firm", _("Unknown firm")
        UNREACHABLE = "unreachable", _("Unreachable")
        RATE_LIMITED = "rate_limited", _("Too many requests")
        UNEXPECTED = "unexpected", _("Unexpected answer")

    structure = models.OneToOneField(
        Structure,
        on_delete=models.CASCADE,
        related_name="facturation_pro_connection",
        verbose_name=_("structure"),
    )
    api_id = models.CharField(_("API identifier"), max_length=200)
    api_key_encrypted = models.TextField(editable=False, verbose_name=_("API key (encrypted)"))
    firm_id = models.PositiveBigIntegerField(_("FIRM_ID"))
    firm_name = models.CharField(_("firm"), max_length=200, blank=True)
    auto_import = models.BooleanField(_("import new invoices automatically"), default=False)
    # The background test of the account (GET /account.json); the page polls for it.
    test_requested_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("test asked for at")
    )
    last_tested_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last tested at"))
    test_outcome = models.CharField(
        max_length=20, choices=TestOutcome.choices, blank=True, verbose_name=_("test outcome")
    )
    test_detail = models.CharField(max_length=300, blank=True, verbose_name=_("test detail"))
    # The list of invoices read from Facturation.pro (catalogue.py), in the background too.
    catalogue_requested_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("reading asked for at")
    )
    catalogue_synced_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("last read at")
    )
    catalogue_error = models.CharField(max_length=20, blank=True, verbose_name=_("reading error"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("Facturation.pro connection")
        verbose_name_plural = _("Facturation.pro connections")
        constraints = [
            models.CheckConstraint(condition=Q(api_id__gt=""), name="fpro_api_id_not_empty"),
            models.CheckConstraint(
                condition=Q(api_key_encrypted__gt=""), name="fpro_api_key_stored"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.structure.name} – Facturation.pro {self.firm_id}"

    def set_api_key(self, plain: str) -> None:
        self.api_key_encrypted = credential_encrypt(plain)

    def api_key(self) -> str:
        return credential_decrypt(self.api_key_encrypted)


class FproCustomer(models.Model):
    """A Facturation.pro customer, the public entity its SIRET names in the Chorus Pro directory,
    and what Chorus Pro needs for it that Facturation.pro does not know (asked once)."""

    class Directory(models.TextChoices):
        PUBLIC = "public", _("Public entity in Chorus Pro")
        NOT_PUBLIC = "not_public", _("Not a public entity of Chorus Pro")
        UNKNOWN = "unknown", _("Not checked yet")

    connection = models.ForeignKey(
        FproConnection, on_delete=models.CASCADE, related_name="customers"
    )
    fpro_id = models.BigIntegerField()
    name = models.CharField(_("customer"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    directory = models.CharField(
        max_length=12, choices=Directory.choices, default=Directory.UNKNOWN
    )
    recipient = models.ForeignKey(
        Structure, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Facturation.pro customer")
        verbose_name_plural = _("Facturation.pro customers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "fpro_id"], name="fpro_customer_once_per_connection"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FproImportRun(models.Model):
    """One import of chosen (or all new) invoices, counted as it goes for the progress bar."""

    connection = models.ForeignKey(
        FproConnection, on_delete=models.CASCADE, related_name="import_runs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    automatic = models.BooleanField(default=False)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.connection} – {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * (self.done + self.failed) / self.total)


class FproInvoice(models.Model):
    """A finalised Facturation.pro invoice whose customer is a public entity, as read, and the
    portal invoice it became. One row per Facturation.pro invoice: importing twice is impossible."""

    class State(models.TextChoices):
        AVAILABLE = "available", _("To import")
        QUEUED = "queued", _("Queued for import")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Not imported")

    connection = models.ForeignKey(
        FproConnection,
        on_delete=models.CASCADE,
        related_name="remote_invoices",
        verbose_name=_("connection"),
    )
    customer = models.ForeignKey(
        FproCustomer, on_delete=models.CASCADE, related_name="invoices", verbose_name=_("customer")
    )
    fpro_id = models.BigIntegerField(verbose_name=_("Facturation.pro id"))
    number = models.CharField(_("number"), max_length=60)
    issued_on = models.DateField(_("invoice date"), null=True, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    total_excl_tax = ExactDecimalField(_("total excluding VAT"), **MONEY)
    total_incl_tax = ExactDecimalField(_("total including VAT"), **MONEY)
    purchase_number = models.CharField(_("purchase number"), max_length=100, blank=True)
    # What the import needs of the invoice as Facturation.pro gave it (lines, VAT exemption,
    # rebate), amounts as strings.
    data = models.JSONField(default=dict, verbose_name=_("data read"))
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.AVAILABLE, verbose_name=_("state")
    )
    error = models.CharField(max_length=300, blank=True, verbose_name=_("error"))
    run = models.ForeignKey(
        FproImportRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("import"),
    )
    invoice = models.OneToOneField(
        "invoices.Invoice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facturation_pro_source",
        verbose_name=_("portal invoice"),
    )
    # When a worker took it for import (a run whose worker died is handed out again).
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("taken on at"))
    read_at = models.DateTimeField(auto_now=True, verbose_name=_("read at"))

    class Meta:
        verbose_name = _("Facturation.pro invoice")
        verbose_name_plural = _("Facturation.pro invoices")
        ordering = ["-issued_on", "-fpro_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "fpro_id"], name="fpro_invoice_once_per_connection"
            ),
            models.CheckConstraint(
                condition=~Q(state="imported") | Q(invoice__isnull=False),
                name="fpro_imported_has_invoice",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class FproWriteBack(models.Model):
    """One thing to write on the Facturation.pro invoice (once each), done by a worker."""

    class Kind(models.TextChoices):
        CHORUS_NUMBER = "chorus_number", _("Chorus Pro number in the API fields")
        SETTLEMENT = "settlement", _("Settlement recorded")
        REJECTION_NOTE = "rejection_note", _("Rejection noted")

    class State(models.TextChoices):
        PENDING = "pending", _("To write")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Written")
        FAILED = "failed", _("Failed")

    source = models.ForeignKey(
        FproInvoice,
        on_delete=models.CASCADE,
        related_name="write_backs",
        verbose_name=_("Facturation.pro invoice"),
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("kind"))
    state = models.CharField(
        max_length=8, choices=State.choices, default=State.PENDING, verbose_name=_("state")
    )
    # What to write: the settlement's date, amount and reference, the rejection's reason.
    payload = models.JSONField(default=dict, verbose_name=_("what to write"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    # When the next attempt is due (a 429's Retry-After, a backoff); the beat resumes lost ones.
    next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next attempt at"))
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("taken on at"))
    done_at = models.DateTimeField(null=True, blank=True, verbose_name=_("written at"))
    error = models.CharField(max_length=300, blank=True, verbose_name=_("error"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("Facturation.pro write-back")
        verbose_name_plural = _("Facturation.pro write-backs")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "kind"], name="fpro_write_back_once")
        ]

    def __str__(self) -> str:
        return f"{self.source} – {self.kind}"
