"""Control pages, documents part: the PDF of a selection, one order's paperwork, recording a
selection served, and the list of paperwork not yet served."""

from django.urls import path

from . import views_documents as views

urlpatterns = [
    path("documents/print.pdf", views.documents_pdf, name="documents_pdf"),
    path("documents/serve/", views.documents_serve, name="documents_serve"),
    path("documents/pending/", views.documents_pending, name="documents_pending"),
    path("orders/<int:pk>/documents/", views.order_documents, name="order_documents"),
]
