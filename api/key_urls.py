from django.urls import path

from api import key_views

app_name = "api_keys"
urlpatterns = [
    path("structures/<int:structure_id>/cles-api/", key_views.key_list, name="list"),
    path(
        "structures/<int:structure_id>/cles-api/<int:key_id>/revoquer/",
        key_views.key_revoke,
        name="revoke",
    ),
]
