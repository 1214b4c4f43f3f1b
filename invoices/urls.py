from django.urls import path

from invoices import views

app_name = "invoices"
urlpatterns = [
    path("fournisseur/", views.supplier_home, name="supplier_home"),
    path("destinataire/", views.recipient_inbox, name="recipient_inbox"),
    path("valideur/", views.validator_queue, name="validator_queue"),
    path("factures/<int:invoice_id>/", views.invoice_detail, name="detail"),
    path("pieces-jointes/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
