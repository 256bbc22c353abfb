"""Door-to-door pages: my campaigns, their buildings, a building's households, the visit form
and a visit; importing visits typed on paper."""

from django.urls import path

from . import views_door as door
from . import views_import as imports

urlpatterns = [
    path("door/", door.door_home, name="door_home"),
    path("door/<int:pk>/", door.door_campaign, name="door_campaign"),
    path("door/<int:pk>/buildings/<int:building_pk>/", door.door_building, name="door_building"),
    path("door/<int:pk>/households/<int:household_pk>/", door.visit_create, name="visit_create"),
    path("visits/<int:pk>/", door.visit_detail, name="visit_detail"),
    path("door/<int:pk>/import/", imports.visits_import, name="visits_import"),
    path("door/<int:pk>/import/template.xlsx", imports.visits_template, name="visits_template"),
    path("visits/jobs/<int:pk>/", imports.visits_job, name="visits_job"),
    path(
        "visits/jobs/<int:pk>/errors.<str:fmt>", imports.visits_job_errors, name="visits_job_errors"
    ),
]
