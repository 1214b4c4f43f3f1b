"""API keys, the record of every call, and the counters behind the rate limits."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from structures.models import Structure


class ApiKey(models.Model):
    """A key a structure manager gave to a piece of software. Only its hash is kept: the key
    itself is shown once, when it is created."""

    class Scope(models.TextChoices):
        # Each scope includes the ones before it.
        READ = "read", _("Read")
        WRITE = "write", _("Read and write (drafts, attachments)")
        SEND = "send", _("Read, write and send to Chorus Pro")

    # The space the key acts in, as a membership of this role would (portal/spaces.py).
    class Role(models.TextChoices):
        SUPPLIER = "supplier_agent", _("Supplier")
        RECIPIENT = "recipient_agent", _("Recipient")
        VALIDATOR = "validator", _("Validator")

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("structure")
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices)
    role = models.CharField(_("acts as"), max_length=20, choices=Role.choices)
    # The first characters of the key, in clear: finds the row, and names the key in lists.
    prefix = models.CharField(max_length=16, unique=True, verbose_name=_("prefix"))
    key_hash = models.CharField(max_length=64, verbose_name=_("key hash"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=["read", "write", "send"]), name="api_key_scope_known"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["supplier_agent", "recipient_agent", "validator"]),
                name="api_key_role_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ApiCall(models.Model):
    """One request made with a key (or refused before a key was known)."""

    api_key = models.ForeignKey(
        ApiKey,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("API key"),
    )
    method = models.CharField(max_length=8, verbose_name=_("method"))
    path = models.CharField(max_length=300, verbose_name=_("path"))
    status = models.PositiveSmallIntegerField(verbose_name=_("HTTP status"))
    duration_ms = models.PositiveIntegerField(verbose_name=_("duration (ms)"))
    at = models.DateTimeField(db_index=True, verbose_name=_("time"))
    # The id given to the caller with a 500, to find the error in the logs.
    error_id = models.CharField(max_length=32, blank=True, verbose_name=_("error id"))

    class Meta:
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        ordering = ["-at"]
        indexes = [models.Index(fields=["api_key", "-at"], name="api_call_key_recent")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class ApiRateCount(models.Model):
    """Requests of one key in one window (5 minutes, or a day). Incremented with one UPDATE, so
    every web process shares the same count."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    window = models.CharField(max_length=8)
    starts_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "window", "starts_at"], name="one_count_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.window} {self.starts_at:%Y-%m-%d %H:%M}: {self.count}"


class ApiAccessToken(models.Model):
    """An OAuth2 access token (client credentials grant) standing for its key for an hour. Only
    its hash is kept; revoking the key ends its tokens too."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="access_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"token of {self.api_key} until {self.expires_at:%Y-%m-%d %H:%M}"
