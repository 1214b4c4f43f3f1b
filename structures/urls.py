from django.urls import path

from structures import views

app_name = "structures"
urlpatterns = [
    path("<int:structure_id>/", views.structure_detail, name="detail"),
]
