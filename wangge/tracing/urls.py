"""Contact-list pages (密接名单): uploads, batches and their reports (imports); the review
queue, the merged list, its export and the hand-over to control (review)."""

from . import urls_imports, urls_review

app_name = "tracing"
urlpatterns = urls_imports.urlpatterns + urls_review.urlpatterns
