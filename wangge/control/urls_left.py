"""Control pages, who-is-left part: the per-grid table and its export."""

from django.urls import path

from . import views_left

urlpatterns = [
    path("", views_left.left_board, name="left"),
    path("left/export.xlsx", views_left.left_export, name="left_export"),
]
