"""Coverage pages of the canvass app: the "不漏一户" ledger and the households behind its counts,
the daily closes (日查日清), and the flagged people with the commander's decisions."""

from django.urls import path

from . import views_closes, views_coverage, views_flags

urlpatterns = [
    path("<int:pk>/coverage/", views_coverage.coverage, name="coverage"),
    path("<int:pk>/coverage/households/", views_coverage.coverage_list, name="coverage_list"),
    path("<int:pk>/coverage/export/", views_coverage.coverage_export, name="coverage_export"),
    path("<int:pk>/coverage/print/", views_coverage.coverage_print, name="coverage_print"),
    path("<int:pk>/closes/", views_closes.close_list, name="close_list"),
    path("<int:pk>/closes/run/", views_closes.close_run, name="close_run"),
    path("closes/<int:pk>/", views_closes.close_detail, name="close_detail"),
    path("closes/<int:pk>/export/", views_closes.close_export, name="close_export"),
    path("flags/", views_flags.flag_list, name="flag_list"),
    path("flags/export/", views_flags.flag_export, name="flag_export"),
    path("flags/<int:pk>/decide/", views_flags.flag_decide, name="flag_decide"),
]
