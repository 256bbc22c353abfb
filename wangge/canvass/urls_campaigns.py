"""Campaign and questionnaire pages."""

from django.urls import path

from . import views_campaigns

urlpatterns = [
    path("", views_campaigns.campaign_list, name="campaign_list"),
]
