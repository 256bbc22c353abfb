"""Command pages (指挥调度): the daily report (reports), the commander's dashboard and who is
not at their post (dashboard), notices, letters and call lists for residents (residents)."""

from . import urls_dashboard, urls_reports, urls_residents

app_name = "command"
urlpatterns = urls_reports.urlpatterns + urls_dashboard.urlpatterns + urls_residents.urlpatterns
