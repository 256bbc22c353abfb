from django.urls import path

from . import views, views_edit, views_households, views_map, views_print

app_name = "places"
urlpatterns = [
    path("tree/", views.area_tree, name="area_tree"),
    path("areas/<int:pk>/", views.area_detail, name="area_detail"),
    path("areas/<int:parent_pk>/new-child/", views_edit.area_create, name="area_create"),
    path("areas/<int:area_pk>/new-estate/", views_edit.estate_create, name="estate_create"),
    path("areas/<int:pk>/notice/", views_print.leaders_notice_grid, name="leaders_notice_grid"),
    path("estates/<int:pk>/", views.estate_detail, name="estate_detail"),
    path("estates/<int:pk>/edit/", views_edit.estate_edit, name="estate_edit"),
    path("buildings/", views.building_list, name="building_list"),
    path("buildings/new/", views_edit.building_create, name="building_create"),
    path("buildings/<int:pk>/", views.building_detail, name="building_detail"),
    path("buildings/<int:pk>/edit/", views_edit.building_edit, name="building_edit"),
    path("buildings/<int:pk>/map/", views_map.building_map, name="building_map"),
    path("buildings/<int:pk>/notice/", views_print.leaders_notice, name="leaders_notice"),
    path("buildings/<int:building_pk>/new-unit/", views_edit.unit_create, name="unit_create"),
    path(
        "buildings/<int:building_pk>/new-household/",
        views_edit.household_create,
        name="household_create",
    ),
    path("households/", views_households.household_list, name="household_list"),
    path("households/<int:pk>/", views_households.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views_edit.household_edit, name="household_edit"),
    path("households/<int:pk>/reveal/", views_households.household_reveal, name="household_reveal"),
]
