from django.urls import path

from invoices.works import views

urlpatterns = [
    path("travaux/", views.contracts, name="works_contracts"),
    path("travaux/marches/<int:contract_id>/", views.contract, name="works_contract"),
    path(
        "travaux/marches/<int:contract_id>/nouveau-decompte/",
        views.statement_new,
        name="works_statement_new",
    ),
    path("travaux/decomptes/<int:invoice_id>/", views.statement, name="works_statement"),
    path(
        "travaux/decomptes/<int:invoice_id>/pieces-jointes/",
        views.statement_attach,
        name="works_statement_attach",
    ),
    path(
        "travaux/decomptes/<int:invoice_id>/envoyer/",
        views.statement_send,
        name="works_statement_send",
    ),
    path("travaux/a-traiter/", views.queue, name="works_queue"),
    path("moe/", views.queue, name="works_moe_queue"),
    path("travaux/pieces/<int:invoice_id>/", views.piece, name="works_piece"),
    path(
        "travaux/pieces/<int:invoice_id>/prendre-en-compte/",
        views.piece_answer,
        name="works_piece_answer",
    ),
    path("travaux/pieces/<int:invoice_id>/refuser/", views.piece_refuse, name="works_piece_refuse"),
    path(
        "travaux/pieces/<int:invoice_id>/service-moe/",
        views.piece_moe_service,
        name="works_piece_moe_service",
    ),
    path(
        "travaux/pieces/<int:invoice_id>/maitrise-oeuvre/",
        views.piece_fix_moe,
        name="works_piece_fix_moe",
    ),
    path(
        "travaux/pieces/<int:invoice_id>/valider/",
        views.piece_validate,
        name="works_piece_validate",
    ),
    path(
        "travaux/pieces/<int:invoice_id>/demander-complement/",
        views.piece_suspend,
        name="works_piece_suspend",
    ),
    path(
        "travaux/pieces/<int:invoice_id>/completer/",
        views.piece_complete,
        name="works_piece_complete",
    ),
]
