"""URLs of the invoices app for this part; concatenated by invoices/urls.py."""

from django.urls import path

from invoices.treatment import motive_views, views

urlpatterns = [
    path("factures/<int:invoice_id>/traiter/", views.treat, name="treat"),
    path("factures/<int:invoice_id>/traiter/confirmer/", views.treat_confirm, name="treat_confirm"),
    path("factures/<int:invoice_id>/decision/", views.treatment_panel, name="treatment_panel"),
    path("factures/<int:invoice_id>/valider/", views.validate, name="validate"),
    path("destinataire/traitement-groupe/", views.treat_batch, name="treat_batch"),
    path(
        "destinataire/traitement-groupe/<uuid:batch>/",
        views.treat_batch_progress,
        name="treat_batch_progress",
    ),
    path("destinataire/motifs/", views.reason_templates, name="reason_templates"),
    path("destinataire/motifs/texte/", views.reason_template_text, name="reason_template_text"),
    path(
        "destinataire/motifs/<int:template_id>/supprimer/",
        views.reason_template_remove,
        name="reason_template_remove",
    ),
    path(
        "destinataire/motifs/<int:template_id>/modifier/",
        motive_views.reason_template_edit,
        name="reason_template_edit",
    ),
]
