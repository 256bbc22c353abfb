"""Supervision pages, part disinfection: places, the log and the compliance view."""

from django.urls import path

from . import views_compliance, views_disinfection

urlpatterns: list = [
    path("places/", views_disinfection.place_list, name="place_list"),
    path("places/new/", views_disinfection.place_create, name="place_create"),
    path("places/<int:pk>/", views_disinfection.place_detail, name="place_detail"),
    path("places/<int:pk>/edit/", views_disinfection.place_edit, name="place_edit"),
    path("disinfections/", views_disinfection.log_list, name="log_list"),
    path("disinfections/new/", views_disinfection.log_create, name="log_create"),
    path("disinfections/export/", views_disinfection.log_export, name="log_export"),
    path("disinfections/<int:pk>/photo/", views_disinfection.log_photo, name="log_photo"),
    path("compliance/", views_compliance.compliance_view, name="compliance"),
    path("compliance/export/", views_compliance.compliance_export, name="compliance_export"),
]
