from django.urls import path

from invoices.answers import urls as urls_actions
from invoices.documents import urls as urls_documents
from invoices.drafting import views as views_editor
from invoices.flows import urls as urls_flows
from invoices.invoice_page import views
from invoices.lists import urls as urls_lists
from invoices.lists import views as views_lists
from invoices.notifications import views as views_notifications
from invoices.sending import views as views_submission
from invoices.treatment import urls as urls_treatment

app_name = "invoices"
urlpatterns = [
    path("fournisseur/", views_lists.supplier_home, name="supplier_home"),
    path("destinataire/", views_lists.recipient_inbox, name="recipient_inbox"),
    path("valideur/", views_lists.validator_queue, name="validator_queue"),
    path("factures/<int:invoice_id>/", views.invoice_detail, name="detail"),
    path("fournisseur/factures/nouvelle/", views_editor.draft_new, name="draft_new"),
    path("factures/<int:invoice_id>/modifier/", views_editor.edit, name="edit"),
    path("factures/<int:invoice_id>/brouillon/", views_editor.draft_save, name="draft_save"),
    path(
        "factures/<int:invoice_id>/brouillon/supprimer/",
        views_editor.draft_delete,
        name="draft_delete",
    ),
    path(
        "factures/<int:invoice_id>/comptes-bancaires/",
        views_editor.bank_accounts,
        name="bank_accounts",
    ),
    path("factures/<int:invoice_id>/lignes/", views_editor.line_add, name="line_add"),
    path(
        "factures/<int:invoice_id>/lignes/<int:line_id>/", views_editor.line_save, name="line_save"
    ),
    path(
        "factures/<int:invoice_id>/lignes/<int:line_id>/supprimer/",
        views_editor.line_remove,
        name="line_remove",
    ),
    path(
        "factures/<int:invoice_id>/destinataire/",
        views_editor.recipient_search,
        name="recipient_search",
    ),
    path(
        "factures/<int:invoice_id>/destinataire/choisir/",
        views_editor.recipient_pick,
        name="recipient_pick",
    ),
    path(
        "factures/<int:invoice_id>/engagement/",
        views_editor.commitment_state,
        name="commitment_state",
    ),
    path(
        "factures/<int:invoice_id>/justificatifs/",
        views_editor.attachments_add,
        name="attachments_add",
    ),
    path(
        "factures/<int:invoice_id>/justificatifs/renommer/",
        views_editor.attachment_rename,
        name="attachment_rename",
    ),
    path(
        "factures/<int:invoice_id>/justificatifs/<int:attachment_id>/supprimer/",
        views_editor.attachment_delete,
        name="attachment_delete",
    ),
    path("factures/<int:invoice_id>/verification/", views_submission.preflight, name="preflight"),
    path("factures/<int:invoice_id>/envoyer/", views_submission.submit, name="submit"),
    path("factures/<int:invoice_id>/corriger/", views_submission.reopen, name="reopen"),
    path("pieces-jointes/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("notifications/", views_notifications.notification_list, name="notifications"),
    path(
        "notifications/<int:notification_id>/lue/",
        views_notifications.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/tout-lu/",
        views_notifications.notification_read_all,
        name="notifications_read_all",
    ),
]
# Each part keeps its own URLs (same namespace).
urlpatterns += (
    urls_actions.urlpatterns
    + urls_flows.urlpatterns
    + urls_lists.urlpatterns
    + urls_treatment.urlpatterns
    + urls_documents.urlpatterns
)
