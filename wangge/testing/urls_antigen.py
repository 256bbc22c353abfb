from django.urls import path

from . import views_antigen, views_antigen_missing, views_antigen_public

urlpatterns = [
    path(
        "rounds/<int:pk>/antigen/",
        views_antigen.antigen_households,
        name="antigen_households",
    ),
    path(
        "antigen/households/<int:pk>/deliver/",
        views_antigen.antigen_delivery_add,
        name="antigen_delivery_add",
    ),
    path(
        "antigen/households/<int:pk>/results/",
        views_antigen.antigen_result_add,
        name="antigen_result_add",
    ),
    path("antigen/missing/", views_antigen_missing.antigen_missing, name="antigen_missing"),
    path(
        "antigen/self/<str:token>/",
        views_antigen_public.household_self_report,
        name="household_self_report",
    ),
]
