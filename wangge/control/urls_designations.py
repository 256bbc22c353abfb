"""Risk designation pages: the list, designating an estate, building or unit, lifting."""

from django.urls import path

from . import views_designations as views

urlpatterns = [
    path("designations/", views.designation_list, name="designation_list"),
    path("designations/new/", views.designation_create, name="designation_create"),
    path("designations/<int:pk>/lift/", views.designation_lift, name="designation_lift"),
]
