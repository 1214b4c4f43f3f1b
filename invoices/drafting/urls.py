"""URLs of the editor: the draft, its lines, recipient, commitment, bank accounts, documents.
Concatenated by invoices/urls.py (one namespace)."""

from django.urls import path

from invoices.drafting import views

urlpatterns: list = [
    path("fournisseur/factures/nouvelle/", views.draft_new, name="draft_new"),
    path("factures/<int:invoice_id>/modifier/", views.edit, name="edit"),
    path("factures/<int:invoice_id>/brouillon/", views.draft_save, name="draft_save"),
    path(
        "factures/<int:invoice_id>/brouillon/supprimer/",
        views.draft_delete,
        name="draft_delete",
    ),
    path(
        "factures/<int:invoice_id>/comptes-bancaires/",
        views.bank_accounts,
        name="bank_accounts",
    ),
    path("factures/<int:invoice_id>/lignes/", views.line_add, name="line_add"),
    path(
        "factures/<int:invoice_id>/lignes/<int:line_id>/", views.line_save, name="line_save"
    ),
    path(
        "factures/<int:invoice_id>/lignes/<int:line_id>/supprimer/",
        views.line_remove,
        name="line_remove",
    ),
    path(
        "factures/<int:invoice_id>/destinataire/",
        views.recipient_search,
        name="recipient_search",
    ),
    path(
        "factures/<int:invoice_id>/destinataire/choisir/",
        views.recipient_pick,
        name="recipient_pick",
    ),
    path(
        "factures/<int:invoice_id>/engagement/",
        views.commitment_state,
        name="commitment_state",
    ),
    path(
        "factures/<int:invoice_id>/justificatifs/",
        views.attachments_add,
        name="attachments_add",
    ),
    path(
        "factures/<int:invoice_id>/justificatifs/renommer/",
        views.attachment_rename,
        name="attachment_rename",
    ),
    path(
        "factures/<int:invoice_id>/justificatifs/<int:attachment_id>/supprimer/",
        views.attachment_delete,
        name="attachment_delete",
    ),
]
