"""URLs of the pre-flight page, the sending and the reopening of a refused invoice. Concatenated by
invoices/urls.py (one namespace)."""

from django.urls import path

from invoices.sending import views

urlpatterns: list = [
    path("factures/<int:invoice_id>/verification/", views.preflight, name="preflight"),
    path("factures/<int:invoice_id>/envoyer/", views.submit, name="submit"),
    path("factures/<int:invoice_id>/apercu.pdf", views.preview_pdf, name="preview_pdf"),
    path("factures/<int:invoice_id>/corriger/", views.reopen, name="reopen"),
]
