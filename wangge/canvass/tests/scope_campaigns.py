"""The campaigns part of the canvass app's scope-test entries (see scope_urls): the campaign and
questionnaire pages, with a campaign and a questionnaire with one question inside world.street."""

from __future__ import annotations

from wangge.canvass.models import Question, Questionnaire

from .conftest import make_campaign

OBJECT_ARGS: dict = {
    "canvass:campaign_detail": lambda w, x: {"pk": x["campaigns_campaign"].pk},
    "canvass:campaign_edit": lambda w, x: {"pk": x["campaigns_campaign"].pk},
    "canvass:questionnaire_detail": lambda w, x: {"pk": x["campaigns_questionnaire"].pk},
    "canvass:questionnaire_copy": lambda w, x: {"pk": x["campaigns_questionnaire"].pk},
    "canvass:questionnaire_export": lambda w, x: {"pk": x["campaigns_questionnaire"].pk},
    "canvass:question_add": lambda w, x: {"pk": x["campaigns_questionnaire"].pk},
    "canvass:question_edit": lambda w, x: {"pk": x["campaigns_question"].pk},
    "canvass:question_delete": lambda w, x: {"pk": x["campaigns_question"].pk},
    "canvass:question_move": lambda w, x: {"pk": x["campaigns_question"].pk},
}
LIST_QUERIES: dict = {
    "canvass:campaign_list": ["", "?q=排查", "?q=阳光小区"],
    "canvass:campaign_create": ["", "?library=returnee"],
    "canvass:questionnaire_list": ["", "?q=阳光小区"],
    "canvass:questionnaire_create": [""],
    "canvass:questionnaire_upload": [""],
    "canvass:questionnaire_template": [""],
}
API_OBJECTS: dict = {}
API_FILTERS: dict = {}


def extra(world) -> dict:
    campaign = make_campaign(world, name="阳光小区排查", area=world.grid1)
    questionnaire = Questionnaire.objects.create(
        name="阳光小区住户问卷", description="第一网格", area=world.community
    )
    question = Question.objects.create(
        questionnaire=questionnaire, position=1, key="phone", kind="text", label="张伟的电话"
    )
    return {
        "campaigns_campaign": campaign,
        "campaigns_questionnaire": questionnaire,
        "campaigns_question": question,
    }
