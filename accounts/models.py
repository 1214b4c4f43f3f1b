from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from structures.models import Membership, Structure

ROLE_VALUES = [value for value, _label in Membership.Role.choices]


class Invitation(models.Model):
    """A structure manager's invitation, by e-mail, to join the structure in some roles.

    The link in the e-mail carries a signed token naming the invitation and a secret whose digest
    only is stored here; resending draws a new secret, so an older link stops working. The link
    works once, until ``expires_at``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("structure")
    )
    # Kept in lower case: one person, one address, whatever the capitals typed.
    email = models.EmailField(_("e-mail address"))
    roles = models.JSONField(_("roles"))
    # The language of the e-mail and of the new account: the invitee's own when they have an
    # account, otherwise the one the manager was using.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    token_digest = models.CharField(max_length=64, editable=False, verbose_name=_("token digest"))
    closed_at = models.DateTimeField(_("accepted or revoked at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted or revoked by"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "email"],
                condition=Q(status="pending"),
                name="one_pending_invitation_per_address",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "revoked", "expired"]),
                name="invitation_status_known",
            ),
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="invitation_email_lower_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.structure.name}"

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.EXPIRED or (
            self.status == self.Status.PENDING and self.expires_at <= timezone.now()
        )

    def role_labels(self) -> list[str]:
        return [str(Membership.Role(role).label) for role in self.roles]


class AuditKind(models.TextChoices):
    INVITATION_SENT = "invitation_sent", _("Invitation sent")
    INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
    MEMBER_JOINED = "member_joined", _("Joined the structure")
    ROLES_CHANGED = "roles_changed", _("Roles changed")
    MEMBER_REMOVED = "member_removed", _("Removed from the structure")
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Two-factor login set up")
    TWO_FACTOR_REMOVED = "two_factor_removed", _("Two-factor login turned off")
    TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor login reset by support")
    RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated", _("New recovery codes")
    RECOVERY_CODE_USED = "recovery_code_used", _("Logged in with a recovery code")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit is append-only.")

    def delete(self):
        raise TypeError("The audit is append-only.")


class AuditEvent(models.Model):
    """Who did what, to whom, in which structure: invitations, joins, role changes, removals,
    and second factors. Rows are only ever added; names are copied so that a row still reads
    after its people are deleted."""

    Kind = AuditKind

    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("what"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_name = models.CharField(_("who"), max_length=300)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("on whom"),
    )
    # The person's name, or the address invited when they have no account yet.
    subject_name = models.CharField(_("on whom"), max_length=300)
    structure = models.ForeignKey(
        Structure,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
        verbose_name=_("structure"),
    )
    # Roles given (``roles``), or before and after a change (``before``, ``after``).
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["structure", "-occurred_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AuditKind.values), name="audit_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name}: {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The audit is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit is append-only.")

    @property
    def roles_given(self) -> str:
        return self._roles_text("roles")

    @property
    def roles_before(self) -> str:
        return self._roles_text("before")

    @property
    def roles_after(self) -> str:
        return self._roles_text("after")

    def _roles_text(self, key: str) -> str:
        roles = self.details.get(key, [])
        return ", ".join(str(Membership.Role(role).label) for role in roles if role in ROLE_VALUES)


class SecondFactorUser(User):
    """People as the back-office shows their second factor, where support resets it."""

    class Meta:
        proxy = True
        verbose_name = _("second factor of a user")
        verbose_name_plural = _("second factors")
        permissions = [("reset_second_factor", _("Can reset a user's second factor"))]
