"""Returnee screening pages: the risk-place list, arrivals, their daily report, the stairwell
posters and the public arrival form behind them."""

from django.urls import path

from . import views_arrival_public, views_arrivals, views_riskplaces

urlpatterns = [
    path("riskplaces/", views_riskplaces.riskplace_list, name="riskplace_list"),
    path("riskplaces/new/", views_riskplaces.riskplace_create, name="riskplace_create"),
    path("riskplaces/import/", views_riskplaces.riskplace_import, name="riskplace_import"),
    path("riskplaces/<int:pk>/edit/", views_riskplaces.riskplace_edit, name="riskplace_edit"),
    path("riskplaces/<int:pk>/delete/", views_riskplaces.riskplace_delete, name="riskplace_delete"),
    path("arrivals/", views_arrivals.arrival_list, name="arrival_list"),
    path("arrivals/new/", views_arrivals.arrival_create, name="arrival_create"),
    path("arrivals/report/", views_arrivals.arrival_report, name="arrival_report"),
    path(
        "arrivals/report/export/",
        views_arrivals.arrival_report_export,
        name="arrival_report_export",
    ),
    path("arrivals/<int:pk>/", views_arrivals.arrival_detail, name="arrival_detail"),
    path("arrivals/poster/<int:unit_pk>/", views_arrivals.arrival_poster, name="arrival_poster"),
    path("arrive/<str:token>/", views_arrival_public.arrival_public, name="arrival_public"),
]
