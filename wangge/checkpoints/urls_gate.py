"""Checkpoint pages, gate part: the gate phone page, the data it keeps for offline use, and
the green channel."""

from django.urls import path

from . import views_gate

urlpatterns: list = [
    path("<int:pk>/gate/", views_gate.gate, name="gate"),
    path("<int:pk>/gate/data/", views_gate.gate_data_view, name="gate_data"),
    path("<int:pk>/gate/green/", views_gate.green_channel_view, name="green_channel"),
]
