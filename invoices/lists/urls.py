"""URLs of the invoice lists' exports; concatenated by invoices/urls.py (the list pages themselves
are declared there)."""

from django.urls import path

from invoices.lists import views as views_lists

urlpatterns: list = [
    path("fournisseur/export.csv", views_lists.supplier_export, name="supplier_export"),
    path("destinataire/export.csv", views_lists.recipient_export, name="recipient_export"),
    path("valideur/export.csv", views_lists.validator_export, name="validator_export"),
]
