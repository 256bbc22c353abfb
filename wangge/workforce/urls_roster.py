"""Workforce pages, part roster: posts, shifts, the day's roster, my shifts and check-in."""

from django.urls import path

from . import views_mine, views_posts, views_roster

urlpatterns: list = [
    path("posts/", views_posts.post_list, name="post_list"),
    path("posts/new/", views_posts.post_create, name="post_create"),
    path("posts/<int:pk>/", views_posts.post_detail, name="post_detail"),
    path("posts/<int:pk>/edit/", views_posts.post_edit, name="post_edit"),
    path("posts/<int:pk>/shifts/new/", views_posts.shift_create, name="shift_create"),
    path("shifts/<int:pk>/", views_roster.shift_detail, name="shift_detail"),
    path("roster/", views_roster.roster, name="roster"),
    path("roster/propose/", views_roster.roster_propose, name="roster_propose"),
    path("roster/publish/", views_roster.roster_publish, name="roster_publish"),
    path("mine/", views_mine.mine, name="mine"),
    path("assignments/<int:pk>/check/", views_mine.checkin, name="checkin"),
]
