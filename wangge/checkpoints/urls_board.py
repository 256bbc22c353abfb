"""Checkpoint pages, board part: the commander's board, a checkpoint's day and its export
(views_board), closed-loop freight (views_freight). Shifts are the workforce roster's."""

from django.urls import path

from . import views_board as v
from . import views_freight as f

urlpatterns: list = [
    path("board/", v.board, name="board"),
    path("<int:pk>/report/", v.checkpoint_report, name="checkpoint_report"),
    path("report/export/", v.report_export, name="report_export"),
    path("freight/", f.freight_list, name="freight_list"),
    path("<int:pk>/freight/new/", f.freight_create, name="freight_create"),
    path("freight/<int:pk>/exit/", f.freight_exit, name="freight_exit"),
]
