"""URLs of the invoices app for this part; concatenated by invoices/urls.py."""

from django.urls import path

from invoices.flows import views as views_flows

urlpatterns = [
    path("fournisseur/flux/", views_flows.flow_list, name="flow_list"),
    path("fournisseur/flux/deposer/", views_flows.flow_upload_view, name="flow_upload"),
    path("fournisseur/flux/<int:flow_id>/", views_flows.flow_detail, name="flow_detail"),
]
