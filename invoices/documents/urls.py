"""URLs of the invoices app for this part; concatenated by invoices/urls.py."""

from django.urls import path

from invoices.documents import views

urlpatterns: list = [
    path(
        "factures/<int:invoice_id>/document/",
        views.invoice_document,
        name="invoice_document",
    ),
    path("factures/<int:invoice_id>/document.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("telechargements/", views.download_group, name="download_group"),
    path(
        "telechargements/<int:download_id>/",
        views.download_detail,
        name="download_detail",
    ),
    path(
        "telechargements/<int:download_id>/parties/<int:index>/",
        views.download_part,
        name="download_part",
    ),
    path("fournisseur/flux/<int:flow_id>/fichier/", views.flow_file, name="flow_file"),
]
