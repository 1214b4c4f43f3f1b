from django.urls import path

from structures import views

app_name = "structures"
urlpatterns = [
    path("annuaire/", views.directory, name="directory"),
    path(
        "annuaire/<int:structure_id>/actualiser/",
        views.directory_refresh,
        name="directory_refresh",
    ),
    path("<int:structure_id>/", views.structure_detail, name="detail"),
    path("<int:structure_id>/chorus-pro/", views.connection_edit, name="connection"),
    path("<int:structure_id>/chorus-pro/test/", views.connection_test, name="connection_test"),
    path("<int:structure_id>/services/", views.services_manage, name="services"),
]
