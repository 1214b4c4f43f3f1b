"""What happened to an invoice: its status events, and the notices people received."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from invoices.models.invoice import Invoice
from invoices.models.vocabulary import ChorusStatus


class StatusEvent(models.Model):
    """Immutable history of an invoice: every status it went through, from whichever side."""

    class Source(models.TextChoices):
        PORTAL = "portal", _("Portal")
        CHORUS = "chorus", _("Chorus Pro")

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="events", verbose_name=_("invoice")
    )
    # 50: works statuses run to 42 characters (ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE).
    status = models.CharField(_("status"), max_length=50)
    occurred_at = models.DateTimeField(_("date"), db_index=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_name = models.CharField(_("who"), max_length=200, blank=True)
    comment = models.TextField(_("comment or motive"), blank=True)
    chorus_history_id = models.BigIntegerField(
        null=True, blank=True, verbose_name=_("Chorus Pro history id")
    )
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("recorded at"))

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
        return f"{self.status_label} {self.occurred_at:%Y-%m-%d %H:%M}"

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


class Notification(models.Model):
    """An in-app notice of something that happened to an invoice (sent by e-mail too)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("invoice"),
    )
    # The change of status this notice tells of: several workers may record the same change (the
    # supplier's and the recipient's syncs share the row of an invoice sent from the portal).
    status_event = models.ForeignKey(
        StatusEvent,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status change"),
    )
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=_("created at")
    )
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))

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
