"""URLs of the notifications page. Concatenated by invoices/urls.py (one namespace)."""

from django.urls import path

from invoices.notifications import views

urlpatterns: list = [
    path("notifications/", views.notification_list, name="notifications"),
    path(
        "notifications/<int:notification_id>/lue/",
        views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/tout-lu/",
        views.notification_read_all,
        name="notifications_read_all",
    ),
    path("notifications/courriels/", views.notification_emails, name="notification_emails"),
]
