from django.urls import path

from . import views_registry as views

app_name = "registry"
urlpatterns = [
    path("", views.upload, name="import"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/errors.<str:fmt>", views.job_errors, name="job_errors"),
    path("export/", views.export, name="export"),
    path("template.xlsx", views.template, name="template"),
]
