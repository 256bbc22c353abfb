"""Supervision pages, part inspections: checklists, inspections and their findings."""

from django.urls import path

from . import views_checklists, views_findings, views_inspections

urlpatterns: list = [
    path("inspections/", views_inspections.inspection_list, name="inspection_list"),
    path("inspections/new/", views_inspections.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", views_inspections.inspection_detail, name="inspection_detail"),
    path("findings/", views_findings.finding_list, name="finding_list"),
    path("findings/export/", views_findings.finding_export, name="finding_export"),
    path("findings/<int:pk>/", views_findings.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/rectify/", views_findings.finding_rectify, name="finding_rectify"),
    path("findings/<int:pk>/verify/", views_findings.finding_verify, name="finding_verify"),
    path(
        "findings/<int:pk>/photo/<str:which>/",
        views_findings.finding_photo,
        name="finding_photo",
    ),
    path("checklists/", views_checklists.checklist_settings, name="checklists"),
]
