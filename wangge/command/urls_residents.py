"""Command pages, part residents: notices per building, the daily letter, call lists."""

from django.urls import path

from . import views_calls, views_letters, views_notices

urlpatterns: list = [
    path("notices/", views_notices.notice_list, name="notice_list"),
    path("notices/new/", views_notices.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views_notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/print/", views_notices.notice_print, name="notice_print"),
    path("letters/", views_letters.letter_list, name="letter_list"),
    path("letters/new/", views_letters.letter_create, name="letter_create"),
    path("letters/<int:pk>/", views_letters.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/edit/", views_letters.letter_edit, name="letter_edit"),
    path("letters/<int:pk>/print/", views_letters.letter_print, name="letter_print"),
    path("calls/", views_calls.calls, name="calls"),
]
