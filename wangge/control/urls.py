"""Control measure pages: risk designations of estates, buildings and units."""

from django.urls import path

from . import views

app_name = "control"

urlpatterns = [
    path("designations/", views.designation_list, name="designation_list"),
    path("designations/new/", views.designation_create, name="designation_create"),
    path("designations/<int:pk>/lift/", views.designation_lift, name="designation_lift"),
]
