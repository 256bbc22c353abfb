"""The sampling table page (for a table or a door-to-door team) and the printable QR sheets."""

from django.urls import path

from . import views_table

urlpatterns = [
    path("table/<int:pk>/", views_table.table_page, name="table"),
    path("table/team/<int:pk>/", views_table.team_table_page, name="team_table"),
    path("qr-codes/", views_table.qr_sheet, name="qr_sheet"),
]
