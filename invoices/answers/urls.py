"""URLs of the supplier's answers to Chorus Pro; concatenated by invoices/urls.py."""

from django.urls import path

from invoices.answers import views as views_actions

urlpatterns: list = [
    path("factures/<int:invoice_id>/completer/", views_actions.complete, name="complete"),
    path(
        "factures/<int:invoice_id>/completer/pieces/<int:attachment_id>/retirer/",
        views_actions.completion_attachment_remove,
        name="completion_attachment_remove",
    ),
    path("factures/<int:invoice_id>/recycler/", views_actions.recycle, name="recycle"),
    path(
        "factures/<int:invoice_id>/rejet/prendre-en-compte/",
        views_actions.acknowledge_rejection,
        name="acknowledge_rejection",
    ),
    path(
        "factures/<int:invoice_id>/correction/",
        views_actions.correction_create,
        name="correction_create",
    ),
    path(
        "factures/<int:invoice_id>/avoir/",
        views_actions.credit_note_create,
        name="credit_note_create",
    ),
    path("factures/<int:invoice_id>/action/", views_actions.action_status, name="action_status"),
]
