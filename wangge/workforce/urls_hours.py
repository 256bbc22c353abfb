"""Workforce pages, part hours: hours per worker and per organisation, the certificate of
service, and who is left on the roster."""

from django.urls import path

from . import views_hours, views_left

urlpatterns = [
    path("hours/", views_hours.hours, name="hours"),
    path("hours/organizations/", views_hours.organization_summary, name="organization_summary"),
    path("workers/<int:pk>/certificate.pdf", views_hours.certificate, name="certificate"),
    path("left/", views_left.left, name="left"),
    path("left/export.xlsx", views_left.left_export, name="left_export"),
]
