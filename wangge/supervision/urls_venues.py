"""Supervision pages, part venues: the register, states and sweeps."""

from django.urls import path

from . import views_venues as views

urlpatterns = [
    path("venues/", views.venue_list, name="venue_list"),
    path("venues/new/", views.venue_create, name="venue_create"),
    path("venues/export/", views.venue_export, name="venue_export"),
    path("venues/summary/", views.venue_summary, name="venue_summary"),
    path("venues/<int:pk>/", views.venue_detail, name="venue_detail"),
    path("venues/<int:pk>/edit/", views.venue_edit, name="venue_edit"),
    path("venues/<int:pk>/state/", views.venue_state, name="venue_state"),
]
