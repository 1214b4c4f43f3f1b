"""URLs of the invoices app for this part; concatenated by invoices/urls.py."""

from django.urls import path

from invoices.flows import views

urlpatterns = [
    path("fournisseur/flux/", views.flow_list, name="flow_list"),
    path("fournisseur/flux/deposer/", views.flow_upload_view, name="flow_upload"),
    path("fournisseur/flux/<int:flow_id>/", views.flow_detail, name="flow_detail"),
]
