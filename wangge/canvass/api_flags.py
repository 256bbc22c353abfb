"""Canvass API, flags part: the people (or households) flagged by the answers or by an arrival,
with the reason and the proposed measure, and the commander's decision on each.

Flags are listed within the caller's scope (an outsider's list is empty); deciding needs CHANGE
on the flag's household (a volunteer gets 403; a flag the caller cannot see is a 404)."""

from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from wangge.api.access import user_of, writable
from wangge.core.scope import CHANGE, VIEW
from wangge.places.api import PAGE, WRITE_RESPONSES, within_area

from .models import Flag
from .schemas import DecisionIn, FlagOut
from .services import decide_flag

router = Router()
RELATED = (
    "household__building__estate",
    "household__building__area",
    "household__unit",
    "arrival__area",
    "decided_by",
)


@router.get(
    "/flags",
    response=list[FlagOut],
    summary="排查发现的人员（可按排查任务、原因代码、是否已决定、区域筛选）",
)
@paginate(PageNumberPagination, **PAGE)
def list_flags(
    request,
    campaign: int | None = None,
    code: str = "",
    decided: bool | None = None,
    area: int | None = None,
):
    qs = within_area(Flag.objects.for_user(user_of(request), VIEW), area)
    if campaign is not None:
        qs = qs.filter(campaign_id=campaign)
    if code.strip():
        qs = qs.filter(code=code.strip())
    if decided is not None:
        qs = qs.exclude(measure="") if decided else qs.filter(measure="")
    return qs.select_related(*RELATED).order_by("-created_at", "-pk")


@router.post(
    "/flags/{int:flag_id}/decision",
    response={200: FlagOut, **WRITE_RESPONSES},
    summary="指挥长决定措施（与建议措施不同时须填写理由）",
)
def post_decision(request, flag_id: int, payload: DecisionIn):
    flag = writable(Flag, request, flag_id, CHANGE, Flag.objects.select_related(*RELATED))
    decide_flag(flag, measure=payload.measure, note=payload.note, actor=user_of(request))
    return Flag.objects.select_related(*RELATED).get(pk=flag.pk)
