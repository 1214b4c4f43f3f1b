"""URLs of the editor: the draft, its lines, recipient, commitment, bank accounts, documents.
Concatenated by invoices/urls.py (one namespace)."""

from django.urls import path

from invoices.drafting import repeat_views, views

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
    path("factures/<int:invoice_id>/lignes/<int:line_id>/", views.line_save, name="line_save"),
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
    path(
        "factures/<int:invoice_id>/dupliquer/",
        repeat_views.invoice_duplicate_view,
        name="invoice_duplicate",
    ),
    path(
        "factures/<int:invoice_id>/lignes/produit/",
        repeat_views.line_from_product,
        name="line_from_product",
    ),
    path(
        "factures/<int:invoice_id>/lignes/<int:line_id>/produit/",
        repeat_views.line_to_product,
        name="line_to_product",
    ),
    path("fournisseur/produits/", repeat_views.products, name="products"),
    path("fournisseur/produits/<int:product_id>/", repeat_views.product_edit, name="product_edit"),
    path(
        "fournisseur/produits/<int:product_id>/supprimer/",
        repeat_views.product_remove,
        name="product_remove",
    ),
]
