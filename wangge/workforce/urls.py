"""Workforce pages (工作力量): organisations, workers, recruitment and volunteer sign-up
(registry), posts, shifts, the roster and my shifts (roster), hours, certificates and who is
left (hours)."""

from . import urls_hours, urls_registry, urls_roster

app_name = "workforce"
urlpatterns = urls_registry.urlpatterns + urls_roster.urlpatterns + urls_hours.urlpatterns
