"""Canvass API, campaigns part: list, read and create campaigns; record visits (idempotent on
client_uuid: a retry answers 200 with the first visit) and list them.

Scoped like the web: a campaign the caller cannot see is a 404, visits are listed within the
caller's scope. Creating a campaign needs CHANGE on its area; recording a visit needs RECORD
on the household (a volunteer may), and correcting the registry at the door needs CHANGE."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import readable, require_action, user_of, writable
from wangge.core.scope import CHANGE, RECORD, VIEW
from wangge.places.api import PAGE, WRITE_RESPONSES, within_area
from wangge.places.models import Area, Building, Estate, Household

from .library import LIBRARY, questionnaire_from_library
from .models import Campaign, Outcome, Questionnaire, Visit
from .queries import visible_campaigns, visible_questionnaires
from .schemas import CampaignDetailOut, CampaignIn, CampaignOut, VisitIn, VisitOut
from .services import Corrections, create_campaign, record_visit

router = Router()


def campaign_of(request, campaign_id: int) -> Campaign:
    """The campaign if the caller may see it, else 404."""
    qs = visible_campaigns(user_of(request)).select_related("area", "questionnaire")
    return get_object_or_404(qs, pk=campaign_id)


def _listed(qs):
    return qs.select_related("area", "questionnaire").prefetch_related(
        "target_estates", "target_buildings"
    )


@router.get("/campaigns", response=list[CampaignOut], summary="排查任务列表")
@paginate(PageNumberPagination, **PAGE)
def list_campaigns(request, area: int | None = None, open: bool | None = None):  # noqa: A002
    qs = within_area(visible_campaigns(user_of(request)), area)
    if open is not None:
        today = timezone.localdate()
        running = {"starts_on__lte": today, "ends_on__gte": today}
        qs = qs.filter(**running) if open else qs.exclude(**running)
    return _listed(qs).order_by("-starts_on", "-pk")


@router.get(
    "/campaigns/{int:campaign_id}",
    response=CampaignDetailOut,
    summary="排查任务详情（含问卷题目及选项）",
)
def get_campaign(request, campaign_id: int):
    campaign = campaign_of(request, campaign_id)
    return _listed(Campaign.objects.filter(pk=campaign.pk)).prefetch_related(
        "questionnaire__questions"
    )[0]


def _visible(model, user, ids: list[int], field: str) -> list:
    wanted = set(ids)
    found = list(model.objects.for_user(user, VIEW).filter(pk__in=wanted))
    missing = sorted(wanted - {o.pk for o in found})
    if missing:
        message = _("编号 #%(id)s 不存在或不在您的范围内")
        raise ValidationError({field: [message % {"id": pk} for pk in missing]})
    return found


def _questionnaire(request, payload: CampaignIn, area: Area) -> tuple[Questionnaire, bool]:
    """(questionnaire, copy it): a new one from the library, or a copy of an existing one."""
    if bool(payload.library) == (payload.questionnaire_id is not None):
        raise ValidationError({"library": [_("请选择问卷库中的问卷或已有问卷（二选一）")]})
    if payload.library:
        if payload.library not in LIBRARY:
            keys = "、".join(LIBRARY)
            message = _("问卷库中没有“%(key)s”，可选：%(keys)s")
            raise ValidationError({"library": [message % {"key": payload.library, "keys": keys}]})
        return questionnaire_from_library(payload.library, area=area, actor=user_of(request)), False
    qs = visible_questionnaires(user_of(request))
    return get_object_or_404(qs, pk=payload.questionnaire_id), True


@router.post(
    "/campaigns", response={201: CampaignDetailOut, **WRITE_RESPONSES}, summary="新建排查任务"
)
@transaction.atomic
def post_campaign(request, payload: CampaignIn):
    user = user_of(request)
    area = writable(Area, request, payload.area_id, CHANGE)
    estates = _visible(Estate, user, payload.estate_ids, "estate_ids")
    buildings = _visible(Building, user, payload.building_ids, "building_ids")
    outside = sorted(b.pk for b in buildings if not b.scope_path.startswith(area.path))
    if outside:
        message = _("楼栋 #%(id)s 不在排查区域内")
        raise ValidationError({"building_ids": [message % {"id": pk} for pk in outside]})
    questionnaire, copy = _questionnaire(request, payload, area)
    skip = {"area_id", "estate_ids", "building_ids", "library", "questionnaire_id"}
    fields = payload.dict(exclude=skip)
    campaign = create_campaign(
        actor=user,
        questionnaire=questionnaire,
        estates=estates,
        buildings=buildings,
        copy=copy,
        area=area,
        **fields,
    )
    return Status(201, get_campaign(request, campaign.pk))


def _visits(request, campaign: Campaign):
    return (
        Visit.objects.for_user(user_of(request), VIEW)
        .filter(campaign=campaign)
        .select_related("household__building__estate", "household__unit")
    )


@router.post(
    "/campaigns/{int:campaign_id}/visits",
    response={200: VisitOut, 201: VisitOut, **WRITE_RESPONSES},
    summary="登记一次走访（client_uuid 幂等：重试返回第一次的记录，状态 200）",
)
def post_visit(request, campaign_id: int, payload: VisitIn):
    user = user_of(request)
    require_action(request, RECORD)
    campaign = campaign_of(request, campaign_id)
    household = readable(Household, request, payload.household_id)
    visited_at = payload.visited_at
    if visited_at is not None and timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    fixes = payload.corrections
    corrections = (
        Corrections(
            people_count=fixes.people_count,
            moved_out=list(fixes.moved_out),
            new_people=[p.model_dump() for p in fixes.new_people],
        )
        if fixes is not None
        else None
    )
    visit, created = record_visit(
        campaign,
        household,
        actor=user,
        method=payload.method,
        outcome=payload.outcome,
        answers=payload.answers,
        note=payload.note,
        visited_at=visited_at,
        worker_name=payload.worker_name,
        source=Visit.Source.API,
        client_uuid=payload.client_uuid,
        corrections=corrections,
    )
    visit = _visits(request, campaign).filter(pk=visit.pk).first() or visit
    return Status(201 if created else 200, visit)


@router.get(
    "/campaigns/{int:campaign_id}/visits",
    response=list[VisitOut],
    summary="走访记录（可按住户、结果、日期筛选）",
)
@paginate(PageNumberPagination, **PAGE)
def list_visits(
    request,
    campaign_id: int,
    household: int | None = None,
    outcome: Outcome | None = None,
    date: dt.date | None = None,
):
    qs = _visits(request, campaign_of(request, campaign_id))
    if household is not None:
        qs = qs.filter(household_id=household)
    if outcome is not None:
        qs = qs.filter(outcome=outcome)
    if date is not None:
        start = timezone.make_aware(dt.datetime.combine(date, dt.time.min))
        qs = qs.filter(visited_at__gte=start, visited_at__lt=start + dt.timedelta(days=1))
    return qs.order_by("-visited_at", "-pk")
