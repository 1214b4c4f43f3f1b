from django.utils.functional import SimpleLazyObject

from invoices.notifications.selectors import notification_unread_count


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Counted only if the page shows it (htmx partials do not), once per response.
    return {"notifications_unread": SimpleLazyObject(lambda: notification_unread_count(user=user))}
