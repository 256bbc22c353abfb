"""Control pages, settings part: the levels, measures and follow-up rules every street shares."""

from django.urls import path

from . import views_settings

urlpatterns = [
    path("settings/", views_settings.measure_settings, name="settings"),
]
