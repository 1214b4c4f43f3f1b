"""The daily e-mail to structure managers before their technical password expires."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.core.cache import cache
from django.core.mail import send_mail
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.languages import language_for_user
from portal.links import absolute_reverse
from structures.models import ChorusConnection, Membership

logger = logging.getLogger(__name__)

# Days before expiry on which managers get an e-mail (see connection_password_expiry_notify).
PASSWORD_EXPIRY_MAIL_DAYS = (30, 15, 7, 3, 1)


def connection_password_expiry_notify(*, connection: ChorusConnection, today: date) -> int:
    """E-mail the structure's managers when the technical password expires in exactly 30, 15, 7,
    3 or 1 days; return the number of e-mails sent.

    Run once a day (the beat schedule), the exact-day rule sends each reminder once without
    storing anything; a cache marker also stops a second run the same day (a redelivered task)
    from sending it again.
    """
    if connection.password_expires_on is None:
        return 0
    days_left = (connection.password_expires_on - today).days
    if days_left not in PASSWORD_EXPIRY_MAIL_DAYS:
        return 0
    marker = f"chorus-password-mail:{connection.pk}:{connection.password_expires_on}:{days_left}"
    if not cache.add(marker, True, timeout=2 * 24 * 3600):
        return 0
    structure = connection.structure
    managers = (
        Membership.objects.filter(
            structure=structure,
            role=Membership.Role.STRUCTURE_MANAGER,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
    )
    link = absolute_reverse("structures:connection", structure.pk)
    sent = 0
    for membership in managers.select_related("user__profile"):
        with translation.override(language_for_user(user=membership.user)):
            subject = ngettext(
                "Chorus Pro: the technical account password of %(structure)s expires in "
                "%(days)d day",
                "Chorus Pro: the technical account password of %(structure)s expires in "
                "%(days)d days",
                days_left,
            ) % {"structure": structure.name, "days": days_left}
            body = _(
                "The Chorus Pro technical account %(login)s of %(structure)s expires on "
                "%(date)s.\n\n"
                "After that date the portal can no longer send or follow invoices. Renew the "
                "password in Chorus Pro, then enter the new one on the structure's Chorus Pro "
                "connection page in the portal and test the connection."
            ) % {
                "login": connection.login,
                "structure": structure.name,
                "date": formats.date_format(connection.password_expires_on, "SHORT_DATE_FORMAT"),
            }
            body = "\n\n".join([body, _("Open the connection page: %(link)s") % {"link": link}])
        send_mail(subject, body, None, [membership.user.email])
        sent += 1
    return sent


def connection_password_expiry_notify_all(*, today: date | None = None) -> int:
    """The daily reminder for every connection; returns the number of e-mails sent."""
    today = today or timezone.localdate()
    dates = [today + timedelta(days=days) for days in PASSWORD_EXPIRY_MAIL_DAYS]
    sent = 0
    for connection in ChorusConnection.objects.filter(
        password_expires_on__in=dates, structure__is_active=True
    ).select_related("structure"):
        try:
            sent += connection_password_expiry_notify(connection=connection, today=today)
        except Exception:
            # One bad address must not deprive the other structures of their reminder.
            logger.exception("password expiry e-mail failed for connection %s", connection.pk)
    return sent
