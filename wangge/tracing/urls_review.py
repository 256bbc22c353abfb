"""Contact-list pages, part review: the review queue (a pair side by side, its decision and a
logged reveal), the merged list, one merged person (and a logged reveal), the CDC export and the
hand-over to control."""

from django.urls import path

from . import views_merged, views_review

urlpatterns = [
    path("review/", views_review.review, name="review"),
    path("review/<int:pk>/decide/", views_review.review_decide, name="review_decide"),
    path("review/<int:pk>/reveal/", views_review.review_reveal, name="review_reveal"),
    path("merged/", views_merged.merged, name="merged"),
    path("merged/<int:pk>/", views_merged.merged_detail, name="merged_detail"),
    path("merged/<int:pk>/reveal/", views_merged.merged_reveal, name="merged_reveal"),
    path("merged/export/", views_merged.merged_export, name="merged_export"),
    path("merged/handover/", views_merged.handover, name="handover"),
]
