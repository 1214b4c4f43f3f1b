"""What a failed decision means, in plain French, next to Chorus Pro's raw code and libelle."""

from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from invoices.models import ChorusStatus, InvoiceAction


def action_failure_explained(*, action: InvoiceAction) -> str:
    """One sentence for the page; the raw code and libelle are shown beside it."""
    code = action.error_code
    if code == "20002":
        return _forbidden_transition_explained(action)
    explanations = {
        "20001": _(
            "Chorus Pro does not know this invoice for your technical account: check that the "
            "Chorus Pro connection is your structure's own."
        ),
        "20016": _("Chorus Pro refused the motive: it is missing or longer than 255 characters."),
        "20017": _("Chorus Pro refused a value of the request: read its message below."),
        "AUTHENTICATION": _(
            "Chorus Pro refused the technical account: your structure manager must test the "
            "Chorus Pro connection and renew the password if it expired."
        ),
        "NO_CONNECTION": _(
            "Your structure has no Chorus Pro connection: its manager must set one up."
        ),
    }
    return explanations.get(
        code, _("Chorus Pro refused the decision. Its message is below; nothing was changed.")
    )


def _forbidden_transition_explained(action: InvoiceAction) -> str:
    result = action.result or {}
    status = result.get("actual_status")
    if not status:
        return _(
            "Chorus Pro refused: the invoice's status no longer allows this decision. Its "
            "current status is being read again."
        )
    label = ChorusStatus(status).label if status in ChorusStatus.values else status
    since = parse_datetime(result["actual_since"]) if result.get("actual_since") else None
    if since is None:
        return _("Chorus Pro refused: the invoice is now “%(status)s”.") % {"status": label}
    return _("Chorus Pro refused: the invoice is now “%(status)s” since %(since)s.") % {
        "status": label,
        "since": date_format(localtime(since), "SHORT_DATETIME_FORMAT"),
    }
