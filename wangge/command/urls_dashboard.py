"""Command pages, part dashboard: the commander's screen and who is not at their post."""

from django.urls import path

from . import views_attendance, views_dashboard

urlpatterns: list = [
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/panel/", views_dashboard.dashboard_panel, name="dashboard_panel"),
    path("attendance/", views_attendance.attendance, name="attendance"),
    path("attendance/export.xlsx", views_attendance.attendance_export, name="attendance_export"),
]
