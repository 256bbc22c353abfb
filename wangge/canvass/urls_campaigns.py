"""Campaign and questionnaire pages."""

from django.urls import path

from . import views_campaigns as c
from . import views_questionnaires as q

urlpatterns = [
    path("", c.campaign_list, name="campaign_list"),
    path("new/", c.campaign_create, name="campaign_create"),
    path("<int:pk>/", c.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", c.campaign_edit, name="campaign_edit"),
    path("questionnaires/", q.questionnaire_list, name="questionnaire_list"),
    path("questionnaires/new/", q.questionnaire_create, name="questionnaire_create"),
    path("questionnaires/upload/", q.questionnaire_upload, name="questionnaire_upload"),
    path("questionnaires/template/", q.questionnaire_template, name="questionnaire_template"),
    path("questionnaires/<int:pk>/", q.questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<int:pk>/copy/", q.questionnaire_copy, name="questionnaire_copy"),
    path("questionnaires/<int:pk>/export/", q.questionnaire_export, name="questionnaire_export"),
    path("questionnaires/<int:pk>/questions/add/", q.question_add, name="question_add"),
    path("questions/<int:pk>/edit/", q.question_edit, name="question_edit"),
    path("questions/<int:pk>/delete/", q.question_delete, name="question_delete"),
    path("questions/<int:pk>/move/", q.question_move, name="question_move"),
]
