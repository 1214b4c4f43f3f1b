"""Files attached to an invoice, and Chorus Pro's limits on them."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from invoices.models.invoice import Invoice


# A random folder per file: a stored file's path cannot be guessed from an invoice or a date.
def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"invoices/{instance.invoice_id}/{uuid.uuid4().hex}/{filename}"


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

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("invoice")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=ATTACHMENT_NAME_MAX_LENGTH)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("content type"), max_length=255)
    chorus_attachment_id = models.BigIntegerField(
        _("Chorus Pro attachment id"), null=True, blank=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))

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
