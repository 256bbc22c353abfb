"""Support pages (保供): requests with their closed loop and the households' public page
(requests), the dispatch board, delivery routes, who is left and the kinds' deadlines
(dispatch)."""

from . import urls_dispatch, urls_requests

app_name = "support"
urlpatterns = urls_requests.urlpatterns + urls_dispatch.urlpatterns
