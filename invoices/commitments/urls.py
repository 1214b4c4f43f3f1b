"""URLs of the commitment panel. Concatenated by invoices/urls.py (one namespace)."""

from django.urls import path

from invoices.commitments import views

urlpatterns: list = [
    path(
        "factures/<int:invoice_id>/engagement/suivi/",
        views.commitment_panel,
        name="commitment_panel",
    ),
]
