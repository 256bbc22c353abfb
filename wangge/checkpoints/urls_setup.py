"""Checkpoint pages, setup part: checkpoints, pass policies and passes."""

from django.urls import path

from . import views_passes as vp
from . import views_setup as v

urlpatterns: list = [
    path("", v.checkpoint_list, name="checkpoint_list"),
    path("new/", v.checkpoint_create, name="checkpoint_create"),
    path("<int:pk>/", v.checkpoint_detail, name="checkpoint_detail"),
    path("<int:pk>/edit/", v.checkpoint_edit, name="checkpoint_edit"),
    path("estates/<int:pk>/policy/", v.policy_edit, name="policy_edit"),
    path("estates/<int:pk>/issue/", vp.pass_issue, name="pass_issue"),
    path("passes/", vp.pass_list, name="pass_list"),
    path("passes/print/", vp.pass_print, name="pass_print"),
    path("passes/revoke-sealed/", vp.pass_revoke_sealed, name="pass_revoke_sealed"),
    path("passes/<int:pk>/revoke/", vp.pass_revoke, name="pass_revoke"),
]
