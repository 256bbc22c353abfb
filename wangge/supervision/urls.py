"""Supervision pages (督查与消杀): inspections and findings (inspections), disinfection places,
log and compliance (disinfection), venues with their states and sweeps (venues)."""

from . import urls_disinfection, urls_inspections, urls_venues

app_name = "supervision"
urlpatterns = urls_inspections.urlpatterns + urls_disinfection.urlpatterns + urls_venues.urlpatterns
