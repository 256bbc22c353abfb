"""Control pages (管控): risk designations, orders and their paperwork, daily follow-ups and
alerts, central quarantine sites, transfers, and who is left. Each part keeps its own url list."""

from . import (
    urls_designations,
    urls_documents,
    urls_followups,
    urls_left,
    urls_orders,
    urls_settings,
    urls_sites,
    urls_transfers,
)

app_name = "control"
urlpatterns = (
    urls_designations.urlpatterns
    + urls_orders.urlpatterns
    + urls_documents.urlpatterns
    + urls_followups.urlpatterns
    + urls_sites.urlpatterns
    + urls_transfers.urlpatterns
    + urls_left.urlpatterns
    + urls_settings.urlpatterns
)
