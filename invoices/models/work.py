"""Work carried to Chorus Pro by workers for invoices: deposited flows, actions, downloads; and
the motives people save for their decisions."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoices.models.invoice import Invoice
from invoices.models.vocabulary import FLOW_CHORUS_STATES
from structures.models import Structure


def due_now():
    """A new row's first attempt is due at once. Read through the module at call time (not
    ``default=timezone.now``, bound when the class is made), so that a clock the demo history
    turns back applies to the due time as it does to the claim that compares it."""
    return timezone.now()


def flow_path(instance: "Flow", filename: str) -> str:
    return f"flows/{instance.supplier_id}/{uuid.uuid4().hex}/{filename}"


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

    supplier = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="flows", verbose_name=_("supplier")
    )
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
    file_names = models.JSONField(default=list, blank=True, verbose_name=_("files in the deposit"))
    error_message = models.TextField(_("error"), blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("send attempts"))
    send_lease_until = models.DateTimeField(
        null=True, blank=True, verbose_name=_("held by a worker until")
    )
    send_next_attempt_at = models.DateTimeField(
        null=True, blank=True, default=due_now, verbose_name=_("next send attempt at")
    )
    next_poll_at = models.DateTimeField(
        null=True, blank=True, db_index=True, verbose_name=_("next report reading at")
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
        FIX_VALIDATOR = "fix_validator", _("Correct the validator")  # corriger/valideur/facture
        # Works pieces (facturesTravaux/v1): refuser, suspendre/demander/completer, completer,
        # prendreencompte, completerservicemoe.
        WORKS_REFUSE = "works_refuse", _("Refuse the works piece")
        WORKS_SUSPEND = "works_suspend", _("Ask to complete the works piece")
        WORKS_COMPLETE = "works_complete", _("Complete the works piece")
        WORKS_TAKE = "works_take", _("Take the works piece into account")
        WORKS_MOE_SERVICE = "works_moe_svc", _("Set the project manager's service")
        WORKS_VALIDATE = "works_validate", _("Validate the subcontractor's works piece")
        WORKS_FIX_MOE = "works_fix_moe", _("Name the right project manager")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("In progress")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="actions", verbose_name=_("invoice")
    )
    kind = models.CharField(_("action"), max_length=16, choices=Kind.choices)
    # What was asked, in English keys: target_status, motive, mandate_number, comment,
    # recipient_siret, service_code, commitment_number, refusal_reason...
    payload = models.JSONField(default=dict, blank=True, verbose_name=_("request"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    # Actions taken together on several invoices share a batch id (one progress view).
    batch = models.UUIDField(null=True, blank=True, db_index=True, verbose_name=_("batch"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    lease_until = models.DateTimeField(
        null=True, blank=True, verbose_name=_("held by a worker until")
    )
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, default=due_now, verbose_name=_("next attempt at")
    )
    error_code = models.CharField(max_length=20, blank=True, verbose_name=_("error code"))
    error_message = models.TextField(blank=True, verbose_name=_("error message"))
    result = models.JSONField(null=True, blank=True, verbose_name=_("result"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

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
                    kind__in=[
                        "complete",
                        "recycle",
                        "ack_rejection",
                        "treat",
                        "validate",
                        "refuse",
                        "fix_validator",
                        "works_refuse",
                        "works_suspend",
                        "works_complete",
                        "works_take",
                        "works_moe_svc",
                        "works_validate",
                        "works_fix_moe",
                    ]
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
        Structure,
        on_delete=models.CASCADE,
        related_name="reason_templates",
        verbose_name=_("structure"),
    )
    label = models.CharField(_("label"), max_length=80)
    # Chorus Pro keeps 255 characters of a motive (contract §5.12).
    text = models.CharField(_("motive"), max_length=255)
    use = models.CharField(_("used for"), max_length=8, choices=Use.choices, default=Use.BOTH)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invoice_downloads",
        verbose_name=_("user"),
    )
    # The structure whose technical account fetches the documents (the recipient's, usually).
    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="+", verbose_name=_("structure")
    )
    invoices = models.ManyToManyField(Invoice, related_name="downloads", verbose_name=_("invoices"))
    format = models.CharField(_("format"), max_length=3, choices=Format.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    # [{"name": "...", "file": "<storage path>", "size": 123, "invoice_ids": [..]}], in order.
    parts = models.JSONField(default=list, blank=True, verbose_name=_("parts"))
    progress = models.PositiveSmallIntegerField(
        default=0, verbose_name=_("parts done")
    )  # parts done so far
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    lease_until = models.DateTimeField(
        null=True, blank=True, verbose_name=_("held by a worker until")
    )
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, default=due_now, verbose_name=_("next attempt at")
    )
    error_message = models.TextField(blank=True, verbose_name=_("error message"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        verbose_name = _("document download")
        verbose_name_plural = _("document downloads")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_format_display()} – {self.created_at:%Y-%m-%d %H:%M}"
