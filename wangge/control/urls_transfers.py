"""Transfer pages: the board and its export, requesting, one transfer and its steps, vehicles."""

from django.urls import path

from . import views_transfers as views
from . import views_transfers_board as board
from . import views_vehicles as vehicles

urlpatterns = [
    path("transfers/", board.transfer_board, name="transfer_board"),
    path("transfers/export/", board.transfer_export, name="transfer_export"),
    path("transfers/new/", views.transfer_create, name="transfer_create"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/assign/", views.transfer_assign, name="transfer_assign"),
    path("transfers/<int:pk>/pickup/", views.transfer_pickup, name="transfer_pickup"),
    path("transfers/<int:pk>/handover/", views.transfer_handover, name="transfer_handover"),
    path("transfers/<int:pk>/close/", views.transfer_close, name="transfer_close"),
    path("transfers/<int:pk>/cancel/", views.transfer_cancel, name="transfer_cancel"),
    path("vehicles/", vehicles.vehicle_list, name="vehicle_list"),
    path("vehicles/new/", vehicles.vehicle_create, name="vehicle_create"),
    path("vehicles/<int:pk>/edit/", vehicles.vehicle_edit, name="vehicle_edit"),
    path("vehicles/<int:pk>/on-call/", vehicles.vehicle_toggle, name="vehicle_toggle"),
]
