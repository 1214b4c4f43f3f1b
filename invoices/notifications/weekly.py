"""The weekly recap a structure manager may ask for: where their structures' invoices stand, the
figures of each structure's dashboard (invoices/dashboards), in one e-mail in their language."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from invoices.dashboards.selectors import RecipientDashboard, dashboard_for_space
from invoices.templatetags.amounts import amount
from portal.languages import language_for_user
from portal.links import absolute_reverse
from portal.models import UserProfile
from portal.spaces import Space
from structures.models import Membership

WEEKLY_TASK = "invoices.notifications_weekly_recap"


def weekly_recap_set(*, user, wanted: bool) -> None:
    UserProfile.objects.update_or_create(user=user, defaults={"weekly_recap": wanted})
    user._state.fields_cache.pop("profile", None)


def weekly_recap_offered(*, user) -> bool:
    """Only managers are offered the recap (of the structures they manage)."""
    return user.memberships.filter(role=Membership.Role.STRUCTURE_MANAGER).exists()


def weekly_recaps() -> list[tuple[str, str, str]]:
    """(subject, body, address) for each manager who asked for the recap."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, profile__weekly_recap=True)
        .exclude(email="")
        .select_related("profile")
    )
    memberships = Membership.objects.filter(
        user__in=users, role=Membership.Role.STRUCTURE_MANAGER
    ).select_related("structure")
    managed = {}
    for membership in memberships:
        managed.setdefault(membership.user_id, []).append(membership)
    mails = []
    for user in users:
        if user.pk not in managed:
            continue
        with override(language_for_user(user=user)):
            parts = [_structure_lines(membership) for membership in managed[user.pk]]
            body = "\n\n".join(
                [*parts, _("Open the portal: %(link)s") % {"link": absolute_reverse("home")}]
            )
            mails.append((_("Your weekly recap on the portal"), body, user.email))
    return mails


def _structure_lines(membership: Membership) -> str:
    figures = dashboard_for_space(space=Space(membership=membership))
    name = membership.structure.name
    if isinstance(figures, RecipientDashboard):
        lines = [
            ngettext(
                "To pay: %(amount)s (%(count)d invoice)",
                "To pay: %(amount)s (%(count)d invoices)",
                figures.to_pay_count,
            )
            % {"amount": amount(figures.to_pay_amount, "EUR"), "count": figures.to_pay_count},
            _("Past the deadline: %(count)d") % {"count": figures.overdue_count},
            _("Due in the next 7 days: %(count)d") % {"count": figures.due_soon_count},
            _("Suspended, waiting for the supplier: %(count)d")
            % {"count": figures.suspended_count},
            _("Not opened yet: %(count)d") % {"count": figures.new_count},
        ]
    else:
        month = figures.months[-1]
        lines = [
            _("Sent this month: %(amount)s") % {"amount": amount(month.sent, "EUR")},
            _("Paid this month: %(amount)s") % {"amount": amount(month.paid, "EUR")},
            _("Invoices needing your action: %(count)d") % {"count": figures.needs_action_count},
        ]
    return "\n".join([name, *[f"- {line}" for line in lines]])
