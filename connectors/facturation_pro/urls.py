from django.urls import path

from connectors.facturation_pro import views

app_name = "facturation_pro"
urlpatterns = [
    path("", views.page, name="page"),
    path("connexion/", views.connect, name="connect"),
    path("tester/", views.test, name="test"),
    path("deconnecter/", views.disconnect, name="disconnect"),
    path("actualiser/", views.refresh, name="refresh"),
    path("importer/", views.import_invoices, name="import"),
    path("envoyer/", views.send, name="send"),
    path("clients/<int:customer_id>/service/", views.customer_service, name="customer_service"),
]
