"""Planning pages: rounds, points, tables, door teams, the schedule, call-down texts, the point
sheet and the door-to-door lists."""

from django.urls import path

from . import views_plan as v
from . import views_schedule as s

urlpatterns = [
    path("rounds/", v.round_list, name="round_list"),
    path("rounds/new/", v.round_create, name="round_create"),
    path("rounds/<int:pk>/", v.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", v.round_edit, name="round_edit"),
    path("rounds/<int:pk>/status/", v.round_status, name="round_status"),
    path("rounds/<int:pk>/points/new/", v.point_create, name="point_create"),
    path("rounds/<int:pk>/teams/new/", v.team_create, name="team_create"),
    path("rounds/<int:pk>/schedule/", s.schedule, name="schedule"),
    path("rounds/<int:pk>/schedule/propose/", s.schedule_propose, name="schedule_propose"),
    path("rounds/<int:pk>/callouts/", s.callouts, name="callouts"),
    path("rounds/<int:pk>/door/", s.door_list, name="door_list"),
    path("plan/points/<int:pk>/edit/", v.point_edit, name="point_edit"),
    path("plan/points/<int:pk>/delete/", v.point_delete, name="point_delete"),
    path("plan/points/<int:pk>/tables/new/", v.table_create, name="table_create"),
    path("plan/points/<int:pk>/sheet/", s.point_sheet, name="point_sheet"),
    path("plan/tables/<int:pk>/edit/", v.table_edit, name="table_edit"),
    path("plan/tables/<int:pk>/delete/", v.table_delete, name="table_delete"),
    path("plan/teams/<int:pk>/edit/", v.team_edit, name="team_edit"),
    path("plan/teams/<int:pk>/delete/", v.team_delete, name="team_delete"),
    path("plan/slots/<int:pk>/move/", s.slot_move, name="slot_move"),
    path("plan/slots/<int:pk>/notified/", s.slot_notified, name="slot_notified"),
    path("plan/door-visits/<int:pk>/team/", s.visit_team, name="visit_team"),
]
