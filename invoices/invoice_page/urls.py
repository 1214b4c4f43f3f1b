"""URLs of the invoice page and of its attachments' downloads. Concatenated by invoices/urls.py (one
namespace)."""

from django.urls import path

from invoices.invoice_page import views

urlpatterns: list = [
    path("factures/<int:invoice_id>/", views.invoice_detail, name="detail"),
    path("pieces-jointes/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
