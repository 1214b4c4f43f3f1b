"""Invitations to join a structure: sent by a manager, accepted once from the e-mail's link.

1. The manager names an e-mail address and roles; the invitation is stored with the digest of a
   random secret, and the e-mail carries a signed token holding the invitation's id and that
   secret, as an absolute link (PORTAL_BASE_URL), in the invitee's language.
2. Resending draws a new secret (older links stop working) and gives the link its full validity
   again; revoking closes the invitation.
3. Accepting, under a lock on the invitation's row so that a link works once: a person who has
   an account accepts while logged in with it (its address must be the one invited); a newcomer
   chooses a login and a password. Either way they join with the roles the manager chose.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import AuditKind, Invitation
from accounts.services.audit import audit_record, person_name
from accounts.services.members import roles_ordered
from portal.languages import LANGUAGE_CODES, language_chosen_by_user, language_for_user_set
from portal.links import absolute_reverse
from portal.throttle import invitation_send_allow
from structures.models import Membership, Structure

logger = logging.getLogger(__name__)
TOKEN_SALT = "accounts.invitation"  # noqa: S105 - a signing namespace, not a secret


class InvitationRefused(Exception):
    """The invitation cannot be sent or accepted; the message says why, for the person."""


@dataclass(frozen=True)
class InvitationSent:
    invitation: Invitation
    # False when the mail server refused: the invitation is kept and can be resent.
    mailed: bool


def invitation_create(
    *, structure: Structure, email: str, roles: list[str], inviter, language: str
) -> InvitationSent:
    """Invite ``email`` to join ``structure`` in ``roles``, and send the e-mail. ``language``
    is the inviter's, used unless the invitee already chose one on their account."""
    email = email.strip().lower()
    roles = roles_ordered(roles)
    if not roles:
        raise InvitationRefused(_("Choose at least one role."))
    if not invitation_send_allow(inviter_id=inviter.pk):
        raise InvitationRefused(_too_many())
    existing = get_user_model().objects.filter(email__iexact=email).first()
    chosen = language_chosen_by_user(user=existing) if existing is not None else ""
    language = chosen or (language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE)
    secret = secrets.token_urlsafe(24)
    try:
        with transaction.atomic():
            if Membership.objects.filter(structure=structure, user__email__iexact=email).exists():
                raise InvitationRefused(
                    _(
                        "%(email)s is already a member of the structure: change their roles in "
                        "the list of members."
                    )
                    % {"email": email}
                )
            # An invitation left to expire gives way to the new one.
            Invitation.objects.filter(
                structure=structure,
                email=email,
                status=Invitation.Status.PENDING,
                expires_at__lte=timezone.now(),
            ).update(status=Invitation.Status.EXPIRED)
            invitation = Invitation.objects.create(
                structure=structure,
                email=email,
                roles=roles,
                language=language,
                invited_by=inviter,
                expires_at=_expiry(),
                token_digest=_digest(secret),
            )
            audit_record(
                kind=AuditKind.INVITATION_SENT,
                actor=inviter,
                structure=structure,
                subject=existing,
                subject_name=email,
                details={"roles": roles},
            )
    except IntegrityError:
        raise InvitationRefused(
            _(
                "%(email)s is already invited: send the invitation again from the list if it "
                "did not arrive."
            )
            % {"email": email}
        ) from None
    return InvitationSent(invitation, _mail(invitation, secret))


def invitation_resend(*, invitation: Invitation, actor) -> InvitationSent:
    """Send the invitation again with a new link, valid for the full period again."""
    if invitation.status != Invitation.Status.PENDING:
        raise InvitationRefused(_("This invitation is closed: invite the person again."))
    if not invitation_send_allow(inviter_id=actor.pk, invitation_id=invitation.pk):
        raise InvitationRefused(_too_many())
    secret = secrets.token_urlsafe(24)
    with transaction.atomic():
        changed = Invitation.objects.filter(
            pk=invitation.pk, status=Invitation.Status.PENDING
        ).update(token_digest=_digest(secret), sent_at=timezone.now(), expires_at=_expiry())
        if not changed:
            raise InvitationRefused(_("This invitation is closed: invite the person again."))
        audit_record(
            kind=AuditKind.INVITATION_RESENT,
            actor=actor,
            structure=invitation.structure,
            subject_name=invitation.email,
            details={"roles": invitation.roles},
        )
    invitation.refresh_from_db()
    return InvitationSent(invitation, _mail(invitation, secret))


def invitation_revoke(*, invitation: Invitation, actor) -> None:
    with transaction.atomic():
        changed = Invitation.objects.filter(
            pk=invitation.pk, status=Invitation.Status.PENDING
        ).update(status=Invitation.Status.REVOKED, closed_at=timezone.now(), closed_by=actor)
        if not changed:
            raise InvitationRefused(_("This invitation is already closed."))
        audit_record(
            kind=AuditKind.INVITATION_REVOKED,
            actor=actor,
            structure=invitation.structure,
            subject_name=invitation.email,
            details={"roles": invitation.roles},
        )


def invitation_from_token(token: str) -> Invitation:
    """The open invitation this link stands for; InvitationRefused says why not, in words
    the invitee can act on."""
    invitation = _invitation_of_token(token, lock=False)
    _check_open(invitation)
    return invitation


def invitation_accept(*, token: str, user) -> Invitation:
    """``user``, logged in, joins the structure with the invitation's roles."""
    with transaction.atomic():
        invitation = _invitation_of_token(token, lock=True)
        _check_open(invitation)
        if not user.email or user.email.lower() != invitation.email:
            raise InvitationRefused(
                _(
                    "This invitation was sent to %(email)s, not to the address of the account "
                    "you are logged in with. Log out, then open the link again."
                )
                % {"email": invitation.email}
            )
        _join(invitation, user)
    return invitation


def invitation_accept_as_newcomer(
    *, token: str, username: str, first_name: str, last_name: str, password: str
):
    """Create the invitee's account (the invited address, the password they chose, the
    invitation's language) and join the structure; returns the new user."""
    User = get_user_model()
    with transaction.atomic():
        invitation = _invitation_of_token(token, lock=True)
        _check_open(invitation)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationRefused(
                _("An account already uses %(email)s: log in with it to accept the invitation.")
                % {"email": invitation.email}
            )
        if User.objects.filter(username__iexact=username).exists():
            raise InvitationRefused(_("This login is taken: choose another one."))
        user = User.objects.create_user(
            username=username,
            email=invitation.email,
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
        language_for_user_set(user=user, language=invitation.language)
        _join(invitation, user)
    return user


def invitation_link(invitation: Invitation, secret: str) -> str:
    token = signing.dumps([invitation.pk, secret], salt=TOKEN_SALT)
    return absolute_reverse("accounts:invitation", token)


def _join(invitation: Invitation, user) -> None:
    for role in invitation.roles:
        Membership.objects.get_or_create(structure=invitation.structure, user=user, role=role)
    Invitation.objects.filter(pk=invitation.pk).update(
        status=Invitation.Status.ACCEPTED, closed_at=timezone.now(), closed_by=user
    )
    audit_record(
        kind=AuditKind.MEMBER_JOINED,
        actor=user,
        structure=invitation.structure,
        subject=user,
        details={
            "roles": invitation.roles,
            "invited_by": person_name(invitation.invited_by) if invitation.invited_by else "",
        },
    )


def _invitation_of_token(token: str, *, lock: bool) -> Invitation:
    invalid = InvitationRefused(
        _(
            "This invitation link is not valid. Check that it was copied whole, or ask for a new "
            "invitation."
        )
    )
    try:
        invitation_id, secret = signing.loads(token, salt=TOKEN_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise invalid from None
    invitations = Invitation.objects.select_related("structure", "invited_by")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(pk=invitation_id).first()
    if invitation is None:
        raise invalid
    if not hmac.compare_digest(invitation.token_digest, _digest(str(secret))):
        # A link from before a resend.
        raise InvitationRefused(
            _(
                "This invitation link was replaced by a newer one: use the latest e-mail you "
                "received."
            )
        )
    return invitation


def _check_open(invitation: Invitation) -> None:
    if invitation.status == Invitation.Status.ACCEPTED:
        raise InvitationRefused(
            _("This invitation was already accepted. Log in to reach the structure.")
        )
    if invitation.status == Invitation.Status.REVOKED:
        raise InvitationRefused(_("This invitation was withdrawn by the structure's manager."))
    if invitation.is_expired:
        raise InvitationRefused(
            _("This invitation has expired. Ask %(person)s for a new one.")
            % {"person": _inviter_name(invitation)}
        )


def _inviter_name(invitation: Invitation) -> str:
    if invitation.invited_by is None:
        return _("the structure's manager")
    return invitation.invited_by.get_full_name() or invitation.invited_by.get_username()


def _mail(invitation: Invitation, secret: str) -> bool:
    link = invitation_link(invitation, secret)
    expires = timezone.localtime(invitation.expires_at)
    with translation.override(invitation.language):
        subject = _("Invitation to join %(structure)s on the Portail Chorus") % {
            "structure": invitation.structure.name
        }
        body = "\n\n".join(
            [
                _(
                    "%(person)s invites you to join %(structure)s on the Portail Chorus, the "
                    "portal for e-invoicing with the public sector through Chorus Pro, as: "
                    "%(roles)s."
                )
                % {
                    "person": _inviter_name(invitation),
                    "structure": invitation.structure.name,
                    "roles": ", ".join(invitation.role_labels()),
                },
                _("Accept the invitation: %(link)s") % {"link": link},
                _(
                    "This link works once, until %(date)s at %(time)s. If you did not expect "
                    "this invitation, ignore this e-mail."
                )
                % {
                    "date": formats.date_format(expires, "DATE_FORMAT"),
                    "time": formats.time_format(expires, "TIME_FORMAT"),
                },
            ]
        )
    try:
        send_mail(subject, body, None, [invitation.email])
    except OSError:  # smtplib's errors included
        # The invitation stays; the manager is told and can send it again.
        logger.exception("invitation e-mail not sent (invitation %s)", invitation.pk)
        return False
    return True


def _expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


def _too_many() -> str:
    return _("Too many invitations sent in the last hour: try again later.")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
