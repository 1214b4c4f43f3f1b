"""Telling a structure's managers that one of its webhook endpoints was disabled: a notice in
the portal and an e-mail, each in its reader's language."""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _
from django.utils.translation import override

from invoices.models import Notification
from portal.languages import language_for_user
from portal.links import absolute_reverse
from structures.models import Membership
from webhooks.models import Endpoint

logger = logging.getLogger(__name__)


def endpoint_disabled_notify(*, endpoint_id: int) -> int:
    """Returns how many managers were told."""
    endpoint = Endpoint.objects.select_related("structure").get(pk=endpoint_id)
    managers = {
        m.user.pk: m.user
        for m in Membership.objects.filter(
            structure=endpoint.structure,
            role=Membership.Role.STRUCTURE_MANAGER,
            user__is_active=True,
        ).select_related("user__profile")
    }.values()
    link = absolute_reverse("webhooks:endpoint", endpoint.structure_id, endpoint.pk)
    notices, mails = [], []
    for user in managers:
        with override(language_for_user(user=user)):
            message = _(
                "The webhook endpoint %(url)s was disabled after repeated failed deliveries. "
                "Its events are kept: enable it again once it answers."
            ) % {"url": endpoint.url}
            body = "\n\n".join([message, _("Open the endpoint: %(link)s") % {"link": link}])
            subject = _("Webhook endpoint disabled")
        notices.append(Notification(user=user, message=message))
        if user.email:
            mails.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    Notification.objects.bulk_create(notices)
    try:
        send_mass_mail(mails)
    except OSError:
        logger.exception("webhook endpoint %s: disabling notice not e-mailed", endpoint.pk)
    return len(notices)
