"""Support pages, part requests: the workers' list, filing for a household, one request with
its steps and its delivery photo; the household's public page (no login) and its confirmation."""

from django.urls import path

from . import views_public as public
from . import views_requests as views

urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/action/", views.request_action, name="request_action"),
    path("requests/<int:pk>/photo/", views.request_photo, name="request_photo"),
    path("h/<str:token>/", public.public_household, name="public_household"),
    path("h/<str:token>/<int:pk>/confirm/", public.public_confirm, name="public_confirm"),
]
