"""The user's notifications: what happened to their invoices, newest first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoices.notifications.forms import NoticeEmailsForm, NoticeFilterForm
from invoices.notifications.preferences import notice_emails_for_user, notice_emails_set
from invoices.notifications.reads import notification_open, notifications_mark_read
from invoices.notifications.selectors import (
    notification_for_user,
    notification_list_for_user,
    notification_page_for_user,
    notifications_grouped,
)
from invoices.notifications.weekly import weekly_recap_offered, weekly_recap_set

SHOWN = 100


@login_required
def notification_list(request):
    filters = NoticeFilterForm(request.GET)
    notifications = notification_page_for_user(user=request.user, limit=SHOWN, **filters.filters())
    emails = NoticeEmailsForm(
        initial={
            "notice_emails": notice_emails_for_user(user=request.user),
            "weekly_recap": getattr(getattr(request.user, "profile", None), "weekly_recap", False),
        },
        recap_offered=weekly_recap_offered(user=request.user),
    )
    context = {
        "notifications": notifications,
        "groups": notifications_grouped(notifications),
        "filters": filters,
        "filtered": any(filters.filters().values()),
        "emails_form": emails,
    }
    return render(request, "invoices/notifications/list.html", context)


@login_required
@require_POST
def notification_emails(request):
    """The person's choice of e-mails: each notice, a daily digest, or none."""
    offered = weekly_recap_offered(user=request.user)
    form = NoticeEmailsForm(request.POST, recap_offered=offered)
    if form.is_valid():
        notice_emails_set(user=request.user, choice=form.cleaned_data["notice_emails"])
        if offered:
            weekly_recap_set(user=request.user, wanted=form.cleaned_data["weekly_recap"])
        messages.success(request, _("Your choice of e-mails is saved."))
    return redirect("invoices:notifications")


@login_required
@require_POST
def notification_read(request, notification_id: int):
    notification = notification_for_user(user=request.user, notification_id=notification_id)
    if notification_open(request=request, notification=notification):
        return redirect("invoices:detail", notification.invoice_id)
    messages.info(request, _("This invoice is no longer visible in your spaces."))
    return redirect("invoices:notifications")


@login_required
@require_POST
def notification_read_all(request):
    notifications_mark_read(notifications=notification_list_for_user(user=request.user))
    return redirect("invoices:notifications")
