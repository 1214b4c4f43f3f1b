"""The audit of support's safe actions: who ran which, on what, why, and what came of it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SupportActionKind(models.TextChoices):
    INVOICE_RESYNC = "invoice_resync", _("Re-read from Chorus Pro")
    SUBMISSION_RESEND = "submission_resend", _("Send again a lost submission")
    ACTION_RETRY = "action_retry", _("Retry a failed action")
    CONNECTION_TEST = "connection_test", _("Test the Chorus Pro connection")
    INBOX_RESYNC = "inbox_resync", _("Sync the received invoices again")
    # Run by an app outside the core that registers it (webhooks/apps.py).
    WEBHOOK_REPLAY = "webhook_replay", _("Replay a webhook delivery")


class SupportOutcome(models.TextChoices):
    QUEUED = "queued", _("Handed to a worker")
    REFUSED = "refused", _("Not run")


class SupportRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The support audit is append-only.")

    def delete(self):
        raise TypeError("The support audit is append-only.")


class SupportRecord(models.Model):
    """One safe action a support agent ran. Rows are only added; the agent's name is copied so
    that a row still reads after the account is gone."""

    Kind = SupportActionKind
    Outcome = SupportOutcome

    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("agent"),
    )
    actor_name = models.CharField(_("who"), max_length=300)
    kind = models.CharField(_("what"), max_length=24, choices=SupportActionKind.choices)
    invoice = models.ForeignKey(
        "invoices.Invoice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_records",
        verbose_name=_("invoice"),
    )
    structure = models.ForeignKey(
        "structures.Structure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_records",
        verbose_name=_("structure"),
    )
    reason = models.TextField(_("why"))
    outcome = models.CharField(_("outcome"), max_length=8, choices=SupportOutcome.choices)
    outcome_message = models.TextField(_("outcome in detail"), blank=True)

    objects = SupportRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("support action")
        verbose_name_plural = _("support actions")
        ordering = ["-occurred_at", "-pk"]
        permissions = [("run_safe_actions", _("Can run the support's safe actions"))]
        indexes = [models.Index(fields=["invoice", "-occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SupportActionKind.values), name="support_action_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=SupportOutcome.values), name="support_outcome_known"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="support_action_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name}: {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The support audit is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The support audit is append-only.")
