"""URLs of the invoice lists: each space's list page and its CSV export. Concatenated by
invoices/urls.py (one namespace)."""

from django.urls import path

from invoices.lists import views

urlpatterns: list = [
    path("fournisseur/", views.supplier_home, name="supplier_home"),
    path("destinataire/", views.recipient_inbox, name="recipient_inbox"),
    path("valideur/", views.validator_queue, name="validator_queue"),
    path("fournisseur/export.csv", views.supplier_export, name="supplier_export"),
    path("destinataire/export.csv", views.recipient_export, name="recipient_export"),
    path("valideur/export.csv", views.validator_export, name="validator_export"),
]
