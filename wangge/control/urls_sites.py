"""Control pages, sites part: central quarantine sites, their rooms and staff, check-in and
checkout, parcels, today's temperature rounds and the 6 a.m. report."""

from django.urls import path

from . import (
    views_site_readings,
    views_site_report,
    views_site_rooms,
    views_stay_checkin,
    views_stays,
)

urlpatterns = [
    path("sites/", views_site_rooms.site_list, name="site_list"),
    path("sites/new/", views_site_rooms.site_create, name="site_create"),
    path("sites/<int:pk>/", views_site_rooms.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", views_site_rooms.site_edit, name="site_edit"),
    path("sites/<int:pk>/rooms/", views_site_rooms.site_rooms, name="site_rooms"),
    path("sites/rooms/<int:pk>/edit/", views_site_rooms.room_edit, name="room_edit"),
    path("sites/<int:pk>/staff/", views_site_rooms.site_staff, name="site_staff"),
    path("sites/<int:pk>/checkin/", views_stay_checkin.site_checkin, name="site_checkin"),
    path("sites/<int:pk>/readings/", views_site_readings.site_readings, name="site_readings"),
    path("sites/<int:pk>/report/", views_site_report.site_report, name="site_report"),
    path(
        "sites/<int:pk>/report.xlsx",
        views_site_report.site_report_xlsx,
        name="site_report_xlsx",
    ),
    path("sites/stays/<int:pk>/", views_stays.stay_detail, name="stay_detail"),
    path("sites/stays/<int:pk>/reveal/", views_stays.stay_reveal, name="stay_reveal"),
    path("sites/stays/<int:pk>/edit/", views_stays.stay_edit, name="stay_edit"),
    path("sites/stays/<int:pk>/checkout/", views_stays.stay_checkout, name="stay_checkout"),
    path("sites/stays/<int:pk>/parcels/new/", views_stays.parcel_add, name="parcel_add"),
    path("sites/parcels/<int:pk>/mark/", views_stays.parcel_mark, name="parcel_mark"),
]
