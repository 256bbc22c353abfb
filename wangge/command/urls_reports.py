"""Command pages, part reports: the daily report frozen at the cut-off, grid reports, settings."""

from django.urls import path

from . import views_grid_reports, views_reports, views_settings

urlpatterns: list = [
    path("reports/", views_reports.report_list, name="report_list"),
    path("reports/freeze/", views_reports.report_freeze, name="report_freeze"),
    path("reports/trend/", views_reports.report_trend, name="report_trend"),
    path("reports/<str:day>/", views_reports.report_detail, name="report_detail"),
    path("reports/<str:day>/xlsx/", views_reports.report_xlsx, name="report_xlsx"),
    path("reports/<str:day>/pdf/", views_reports.report_pdf, name="report_pdf"),
    path("grid-reports/", views_grid_reports.grid_reports, name="grid_reports"),
    path("settings/", views_settings.report_settings, name="settings"),
]
