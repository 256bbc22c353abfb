from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("logs/changes/", views.changelog, name="changelog"),
    path("logs/access/", views.accesslog, name="accesslog"),
]
