"""Telling the supplier's users that an invoice moved: in the portal and by e-mail."""

import functools
import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from invoices.models import ChorusStatus, Invoice, Notification
from structures.models import Membership

logger = logging.getLogger(__name__)
SUPPLIER_ROLES = [Membership.Role.SUPPLIER_AGENT, Membership.Role.STRUCTURE_MANAGER]


def _in_portal_language(function):
    """Notices are stored and mailed in the portal's language, whatever language the request
    or task that recorded the status happened to run in."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


@_in_portal_language
def notify_status_change(*, invoice_id: int, status: str) -> int:
    invoice = Invoice.objects.select_related("supplier", "recipient").get(pk=invoice_id)
    label = ChorusStatus(status).label if status in ChorusStatus.values else status
    message = _("Invoice %(number)s is now: %(status)s.") % {
        "number": invoice.number,
        "status": label,
    }
    users = {
        m.user
        for m in Membership.objects.filter(
            structure=invoice.supplier, role__in=SUPPLIER_ROLES, user__is_active=True
        ).select_related("user")
    }
    Notification.objects.bulk_create(
        Notification(user=user, invoice=invoice, message=message) for user in users
    )
    link = reverse("invoices:detail", args=[invoice.pk])
    try:
        send_mass_mail(
            [
                (message, f"{message}\n\n{link}", settings.DEFAULT_FROM_EMAIL, [user.email])
                for user in users
                if user.email
            ],
        )
    except OSError:
        # The in-app notice is kept; a mail server outage must not undo the status sync.
        logger.exception("status notification e-mail not sent for invoice %s", invoice.pk)
    return len(users)


# --- public entities: what arrived in an inbox or a validation queue ----------------------------
INBOX_ROLES = {
    "recipient": Membership.Role.RECIPIENT_AGENT,
    "validator": Membership.Role.VALIDATOR,
}
INBOX_PAGES = {"recipient": "invoices:recipient_inbox", "validator": "invoices:validator_queue"}
MAIL_LISTED = 20  # invoices named in one e-mail; the rest are counted


@_in_portal_language
def notify_inbox_arrivals(
    *, structure_id: int, side: str, new_ids: Sequence[int], completed_ids: Sequence[int] = ()
) -> int:
    """Tell a public structure's agents (recipients or validators, per ``side``) about invoices
    new to their inbox or queue, and invoices their supplier completed after a suspension.

    One in-app notice per invoice, but one e-mail per agent for the whole cycle, so a sync that
    brings fifty invoices sends fifty notices and one e-mail, not fifty. Returns the users told.
    """
    wanted = [*new_ids, *completed_ids]
    invoices = Invoice.objects.filter(pk__in=wanted).select_related("supplier").order_by("pk")
    messages = []
    for invoice in invoices:
        values = {"number": invoice.number, "supplier": invoice.supplier.name}
        if invoice.pk in completed_ids:
            text = _("Invoice %(number)s from %(supplier)s was completed by the supplier.")
        elif side == "validator":
            text = _("Invoice %(number)s from %(supplier)s awaits your validation.")
        else:
            text = _("New invoice %(number)s from %(supplier)s.")
        messages.append((invoice, text % values))
    users = list(
        {
            m.user
            for m in Membership.objects.filter(
                structure_id=structure_id, role=INBOX_ROLES[side], user__is_active=True
            ).select_related("user")
        }
    )
    if not messages or not users:
        return 0
    Notification.objects.bulk_create(
        (
            Notification(user=user, invoice=invoice, message=text)
            for user in users
            for invoice, text in messages
        ),
        batch_size=1000,
    )
    count = len(messages)
    subject = ngettext(
        "%(count)d invoice to process",
        "%(count)d invoices to process",
        count,
    ) % {"count": count}
    listed = [text for _invoice, text in messages[:MAIL_LISTED]]
    if count > MAIL_LISTED:
        listed.append(_("… and %(count)d more.") % {"count": count - MAIL_LISTED})
    body = "\n".join([*listed, "", reverse(INBOX_PAGES[side])])
    try:
        send_mass_mail(
            [(subject, body, settings.DEFAULT_FROM_EMAIL, [u.email]) for u in users if u.email]
        )
    except OSError:
        # The in-app notices are kept; a mail server outage must not undo the sync.
        logger.exception("inbox notification e-mail not sent for structure %s", structure_id)
    return len(users)
