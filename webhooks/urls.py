from django.urls import path

from webhooks import views

app_name = "webhooks"
base = "<int:structure_id>/webhooks/"
one = base + "<int:endpoint_id>/"
urlpatterns = [
    path(base, views.endpoints, name="endpoints"),
    path(one, views.endpoint_detail, name="endpoint"),
    path(one + "reactiver/", views.endpoint_enable_view, name="endpoint_enable"),
    path(one + "supprimer/", views.endpoint_delete_view, name="endpoint_delete"),
    path(one + "test/", views.endpoint_ping_view, name="endpoint_ping"),
    path(one + "secret/", views.endpoint_secret_view, name="endpoint_secret"),
    path(one + "envois/<int:delivery_id>/", views.delivery_detail, name="delivery"),
    path(
        one + "envois/<int:delivery_id>/rejouer/",
        views.delivery_replay_view,
        name="delivery_replay",
    ),
]
