"""Telling people that an invoice moved: in the portal and by e-mail, each in their own language.

Notices are written by workers, so each one is written in its reader's language
(portal.languages), and e-mails carry absolute links (PORTAL_BASE_URL): a relative link cannot
be opened from a mail client.
"""

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from invoices.models import ChorusStatus, Invoice, Notification
from invoices.notifications.preferences import mailed_now, notice_digest_send
from invoices.notifications.weekly import weekly_recaps
from invoices.signals import invoices_arrived
from portal.languages import language_for_user
from portal.links import absolute_reverse
from structures.models import Membership

logger = logging.getLogger(__name__)
SUPPLIER_ROLES = [Membership.Role.SUPPLIER_AGENT, Membership.Role.STRUCTURE_MANAGER]


def _members(**filters) -> list:
    """Active users of a structure in the given roles, each once, with their profile."""
    memberships = Membership.objects.filter(user__is_active=True, **filters).select_related(
        "user__profile"
    )
    return list({m.user.pk: m.user for m in memberships.order_by("user_id")}.values())


def _mail(messages: list[tuple[str, str, str]], what: str) -> None:
    """(subject, body, address) each; a mail server outage must not undo the caller's work."""
    try:
        send_mass_mail(
            [(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for subject, body, to in messages]
        )
    except OSError:
        # The in-app notices are kept.
        logger.exception("notification e-mail not sent (%s)", what)


def notify_status_change(*, invoice_id: int, status: str, event_id: int | None = None) -> int:
    """Tell the supplier's users that the invoice is now in ``status``; returns how many were
    told. ``event_id`` is the timeline entry of that change: a person is told of it once, even
    when two workers recorded the change (database constraint)."""
    invoice = Invoice.objects.select_related("supplier").get(pk=invoice_id)
    link = absolute_reverse("invoices:detail", invoice.pk)
    mails = []
    told = 0
    for user in _members(structure=invoice.supplier, role__in=SUPPLIER_ROLES):
        with override(language_for_user(user=user)):
            label = ChorusStatus(status).label if status in ChorusStatus.values else status
            message = _("Invoice %(number)s is now: %(status)s.") % {
                "number": invoice.number,
                "status": label,
            }
            body = "\n\n".join([message, _("Open the invoice: %(link)s") % {"link": link}])
        if not _notice_once(user=user, invoice=invoice, event_id=event_id, message=message):
            continue
        told += 1
        if mailed_now(user):
            mails.append((message, body, user.email))
    _mail(mails, f"invoice {invoice.pk}")
    return told


def _notice_once(*, user, invoice: Invoice, event_id: int | None, message: str) -> bool:
    """Store the notice unless this person was already told of this change."""
    try:
        with transaction.atomic():
            Notification.objects.create(
                user=user, invoice=invoice, status_event_id=event_id, message=message
            )
    except IntegrityError:
        return False
    return True


# --- public entities: what arrived in an inbox or a validation queue ----------------------------
INBOX_ROLES = {
    "recipient": Membership.Role.RECIPIENT_AGENT,
    "validator": Membership.Role.VALIDATOR,
    "project_manager": Membership.Role.PROJECT_MANAGER,
    "works_owner": Membership.Role.RECIPIENT_AGENT,
}
INBOX_PAGES = {
    "recipient": "invoices:recipient_inbox",
    "validator": "invoices:validator_queue",
    "project_manager": "invoices:works_moe_queue",
    "works_owner": "invoices:works_queue",
}
MAIL_LISTED = 20  # invoices named in one e-mail; the rest are counted


def notify_inbox_arrivals(
    *, structure_id: int, side: str, new_ids: Sequence[int], completed_ids: Sequence[int] = ()
) -> int:
    """Tell a public structure's agents (recipients or validators, per ``side``) about invoices
    new to their inbox or queue, and invoices their supplier completed after a suspension.

    One in-app notice per invoice, but one e-mail per agent for the whole cycle, so a sync that
    brings fifty invoices sends fifty notices and one e-mail, not fifty. Returns the users told.
    """
    wanted = [*new_ids, *completed_ids]
    # Integrations hear of arrivals too, whether or not anyone is told in the portal.
    invoices_arrived.send(
        sender=Invoice,
        structure_id=structure_id,
        side=side,
        new_ids=list(new_ids),
        completed_ids=list(completed_ids),
    )
    invoices = list(Invoice.objects.filter(pk__in=wanted).select_related("supplier").order_by("pk"))
    users = _members(structure_id=structure_id, role=INBOX_ROLES[side])
    if not invoices or not users:
        return 0
    link = absolute_reverse(INBOX_PAGES[side])
    notices, mails = [], []
    for user in users:
        with override(language_for_user(user=user)):
            texts = [(invoice, _arrival_text(invoice, side, completed_ids)) for invoice in invoices]
            notices += [Notification(user=user, invoice=i, message=text) for i, text in texts]
            if mailed_now(user):
                mails.append((*_arrivals_mail(texts, link), user.email))
    Notification.objects.bulk_create(notices, batch_size=1000)
    _mail(mails, f"inbox of structure {structure_id}")
    return len(users)


def _arrival_text(invoice: Invoice, side: str, completed_ids: Sequence[int]) -> str:
    values = {"number": invoice.number, "supplier": invoice.supplier.name}
    if invoice.pk in completed_ids:
        return _("Invoice %(number)s from %(supplier)s was completed by the supplier.") % values
    if side == "validator":
        return _("Invoice %(number)s from %(supplier)s awaits your validation.") % values
    if side in ("project_manager", "works_owner"):
        return _("Works statement %(number)s from %(supplier)s awaits you.") % values
    return _("New invoice %(number)s from %(supplier)s.") % values


def _arrivals_mail(texts: list[tuple[Invoice, str]], link: str) -> tuple[str, str]:
    count = len(texts)
    subject = ngettext(
        "%(count)d invoice to process",
        "%(count)d invoices to process",
        count,
    ) % {"count": count}
    listed = [text for _invoice, text in texts[:MAIL_LISTED]]
    if count > MAIL_LISTED:
        listed.append(_("… and %(count)d more.") % {"count": count - MAIL_LISTED})
    return subject, "\n".join([*listed, "", _("Open the list: %(link)s") % {"link": link}])


def notice_digests_send() -> int:
    """Send the daily digests (notifications/preferences.py); returns how many were sent."""
    mails = notice_digest_send()
    _mail(mails, "daily digests")
    return len(mails)


def weekly_recaps_send() -> int:
    """Send the managers' weekly recaps (notifications/weekly.py); returns how many were sent."""
    mails = weekly_recaps()
    _mail(mails, "weekly recaps")
    return len(mails)
