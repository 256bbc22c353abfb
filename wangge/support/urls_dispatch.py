"""Support pages, part dispatch: the board and assigning, delivery routes, who is left and the
kinds' deadlines."""

from django.urls import path

from . import views_board, views_left, views_routes, views_settings

urlpatterns = [
    path("", views_board.board, name="board"),
    path("requests/<int:pk>/assign/", views_board.request_assign, name="request_assign"),
    path("routes/", views_routes.route_list, name="route_list"),
    path("routes/new/", views_routes.route_create, name="route_create"),
    path("routes/<int:pk>/", views_routes.route_detail, name="route_detail"),
    path("left/", views_left.left, name="left"),
    path("left/export/", views_left.left_export, name="left_export"),
    path("settings/", views_settings.kind_settings, name="settings"),
]
