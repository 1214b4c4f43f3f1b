"""URLs of the supplier's answers to Chorus Pro; concatenated by invoices/urls.py."""

from django.urls import path

from invoices.answers import views

urlpatterns: list = [
    path("factures/<int:invoice_id>/completer/", views.complete, name="complete"),
    path(
        "factures/<int:invoice_id>/completer/pieces/<int:attachment_id>/retirer/",
        views.completion_attachment_remove,
        name="completion_attachment_remove",
    ),
    path("factures/<int:invoice_id>/recycler/", views.recycle, name="recycle"),
    path("factures/<int:invoice_id>/valideur/", views.validator_correct, name="validator_correct"),
    path(
        "factures/<int:invoice_id>/rejet/prendre-en-compte/",
        views.acknowledge_rejection,
        name="acknowledge_rejection",
    ),
    path(
        "factures/<int:invoice_id>/correction/",
        views.correction_create,
        name="correction_create",
    ),
    path(
        "factures/<int:invoice_id>/avoir/",
        views.credit_note_create,
        name="credit_note_create",
    ),
    path("factures/<int:invoice_id>/action/", views.action_status, name="action_status"),
]
