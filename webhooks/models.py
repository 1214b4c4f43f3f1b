"""Webhooks: the endpoints a structure registers, the events it is told of (an outbox), and
every delivery of an event to an endpoint with each of its attempts."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from structures.credentials import credential_decrypt, credential_encrypt
from structures.models import Structure


class EventType(models.TextChoices):
    """What an integrator can subscribe to; values are the ``type`` of the JSON body."""

    INVOICE_STATUS_CHANGED = "invoice.status_changed", _("Invoice status changed")
    INVOICE_PAID = "invoice.paid", _("Invoice paid (payment issued)")
    INVOICE_RECEIVED = "invoice.received", _("Invoice received (inbox or validation queue)")
    FLOW_SETTLED = "flow.settled", _("Deposited file settled")
    ACTION_FAILED = "action.failed", _("Action on an invoice failed")


# Sent only on request, to the one endpoint being tried; nobody subscribes to it.
PING = "webhook.ping"


class Endpoint(models.Model):
    """A URL of the structure's software that the portal tells of events, signed with a secret
    only the structure knows (shown once, stored encrypted like Chorus Pro passwords)."""

    structure = models.ForeignKey(
        Structure,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("structure"),
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret_encrypted = models.TextField(editable=False, verbose_name=_("secret (encrypted)"))
    is_active = models.BooleanField(_("active"), default=True)
    # Failed attempts in a row (any delivery) and since when: repeated failure disables it.
    consecutive_failures = models.PositiveIntegerField(
        default=0, verbose_name=_("failures in a row")
    )
    failing_since = models.DateTimeField(null=True, blank=True, verbose_name=_("failing since"))
    disabled_at = models.DateTimeField(_("disabled on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="webhook_url_http",
            ),
        ]

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:  # never the secret, even encrypted, in a log or a traceback
        return f"<Endpoint {self.pk} {self.url}>"

    def set_secret(self, secret: str) -> None:
        self.secret_encrypted = credential_encrypt(secret)

    def secret(self) -> str:
        return credential_decrypt(self.secret_encrypted)


class Event(models.Model):
    """Something that happened, for one structure: the outbox row, written in the transaction
    of the change. Its id is the event id receivers use to drop duplicates."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(_("event"), max_length=40)
    data = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(_("occurred at"))
    # What the event is about, once per structure (a status event, a flow, an action...): two
    # workers recording the same change make one event.
    source_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "type", "source_key"],
                condition=~Q(source_key=""),
                name="webhook_event_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.pk}"


class Delivery(models.Model):
    """One event to one endpoint, until it is answered with a 2xx or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To deliver")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Given up")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event")
    )
    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Attempts since the delivery (or its replay) started; the retry window counts from then.
    tries = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    round_started_at = models.DateTimeField(verbose_name=_("round started at"))
    next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next attempt at"))
    lease_until = models.DateTimeField(
        null=True, blank=True, verbose_name=_("held by a worker until")
    )
    delivered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("delivered at"))
    last_status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("last HTTP status")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id}"


class Attempt(models.Model):
    """One POST of a delivery and what came back (or why nothing did)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField(_("time"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    response_excerpt = models.CharField(_("answer (first bytes)"), max_length=500, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["-attempted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"
