"""How each person receives their notices by e-mail: one e-mail per notice, a daily digest, or
none (the notices stay in the portal whatever they choose); and the daily digest itself."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from invoices.models import Notification
from portal.languages import language_for_user
from portal.links import absolute_reverse
from portal.models import UserProfile

DIGEST_TASK = "invoices.notifications_digest"
DIGEST_LISTED = 50  # notices named in one digest; the rest are counted
Choice = UserProfile.NoticeEmails


def notice_emails_for_user(*, user) -> str:
    """The user's choice; immediate e-mails until they choose. Reads a prefetched profile."""
    try:
        return user.profile.notice_emails
    except UserProfile.DoesNotExist:
        return Choice.IMMEDIATE


def notice_emails_set(*, user, choice: str) -> None:
    if choice not in Choice.values:
        raise ValueError(f"unknown choice {choice!r}")
    UserProfile.objects.update_or_create(user=user, defaults={"notice_emails": choice})
    user._state.fields_cache.pop("profile", None)


def mailed_now(user) -> bool:
    """Whether a notice to ``user`` is e-mailed as it happens."""
    return bool(user.email) and notice_emails_for_user(user=user) == Choice.IMMEDIATE


def notice_digest_send(*, now=None) -> list[tuple[str, str, str]]:
    """The daily digests: for each person who chose one, the notices of the last day, in one
    e-mail in their language; (subject, body, address) each, for the caller to send. Safe to
    run twice a day at most: a day's window, not a "sent" flag (a digest lost with a mail
    server outage is not sent again)."""
    now = now or timezone.now()
    since = now - timedelta(days=1)
    users = (
        get_user_model()
        .objects.filter(is_active=True, profile__notice_emails=Choice.DAILY)
        .exclude(email="")
        .select_related("profile")
    )
    notices = {}
    for notice in Notification.objects.filter(
        user__in=users, created_at__gte=since, created_at__lt=now
    ).order_by("created_at"):
        notices.setdefault(notice.user_id, []).append(notice.message)
    link = absolute_reverse("invoices:notifications")
    mails = []
    for user in users:
        messages = notices.get(user.pk)
        if not messages:
            continue
        with override(language_for_user(user=user)):
            count = len(messages)
            subject = ngettext(
                "Your day on the portal: %(count)d notice",
                "Your day on the portal: %(count)d notices",
                count,
            ) % {"count": count}
            listed = [f"- {message}" for message in messages[:DIGEST_LISTED]]
            if count > DIGEST_LISTED:
                listed.append(_("… and %(count)d more.") % {"count": count - DIGEST_LISTED})
            body = "\n".join([*listed, "", _("See them all: %(link)s") % {"link": link}])
        mails.append((subject, body, user.email))
    return mails
