"""Workforce pages, part registry: workers, organisations, recruitment posts with their
sign-ups, and the public volunteer sign-up page."""

from django.urls import path

from . import views_organizations, views_public, views_recruitment, views_workers

urlpatterns: list = [
    path("workers/", views_workers.worker_list, name="worker_list"),
    path("workers/new/", views_workers.worker_create, name="worker_create"),
    path("workers/export/", views_workers.worker_export, name="worker_export"),
    path("workers/<int:pk>/", views_workers.worker_detail, name="worker_detail"),
    path("workers/<int:pk>/edit/", views_workers.worker_edit, name="worker_edit"),
    path("workers/<int:pk>/link/", views_workers.worker_link, name="worker_link"),
    path("organizations/", views_organizations.organization_list, name="organization_list"),
    path("organizations/new/", views_organizations.organization_create, name="organization_create"),
    path(
        "organizations/<int:pk>/",
        views_organizations.organization_detail,
        name="organization_detail",
    ),
    path(
        "organizations/<int:pk>/edit/",
        views_organizations.organization_edit,
        name="organization_edit",
    ),
    path("recruitments/", views_recruitment.recruitment_list, name="recruitment_list"),
    path("recruitments/new/", views_recruitment.recruitment_create, name="recruitment_create"),
    path("recruitments/<int:pk>/", views_recruitment.recruitment_detail, name="recruitment_detail"),
    path(
        "recruitments/<int:pk>/edit/", views_recruitment.recruitment_edit, name="recruitment_edit"
    ),
    path(
        "recruitments/<int:pk>/poster/",
        views_recruitment.recruitment_poster,
        name="recruitment_poster",
    ),
    path("signups/<int:pk>/decide/", views_recruitment.signup_decide, name="signup_decide"),
    path("join/<str:token>/", views_public.public_signup, name="public_signup"),
]
