"""Contact-list pages, part imports: upload (with its mapping step), batches and their
reports, rejected rows, sources and their remembered mappings."""

from django.urls import path

from . import views_imports, views_sources

urlpatterns: list = [
    path("upload/", views_imports.upload, name="upload"),
    path("batches/", views_imports.batch_list, name="batch_list"),
    path("batches/<int:pk>/", views_imports.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/rejects/", views_imports.batch_rejects, name="batch_rejects"),
    path("sources/", views_sources.source_list, name="source_list"),
    path("sources/<int:pk>/", views_sources.source_detail, name="source_detail"),
]
