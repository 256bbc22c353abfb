"""Canvass pages: campaigns and questionnaires, door to door, coverage and the daily close,
returnee screening. Each part keeps its own url list."""

from . import urls_campaigns, urls_coverage, urls_door, urls_returnees

app_name = "canvass"
urlpatterns = (
    urls_campaigns.urlpatterns
    + urls_door.urlpatterns
    + urls_coverage.urlpatterns
    + urls_returnees.urlpatterns
)
