"""Canvass API, coverage part: the "不漏一户" ledger of a campaign (per grid with its leader, per
building, and per unit when asked) and the households not reached, one row each, householder
and phone masked, with the grid leader to call. Both are limited to the caller's scope and,
with ?area=, to an area (its id) or a path prefix (a grid's, a building's or a unit's).
Reading the list of households is logged in the access log."""

from __future__ import annotations

import re
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from wangge.api.access import user_of
from wangge.core.audit import record_access
from wangge.core.scope import VIEW
from wangge.places.models import Area

from .api_campaigns import campaign_of
from .coverage import (
    NOT_REACHED,
    ROW_FIELDS,
    Counts,
    Line,
    grid_leaders_of,
    household_values,
    ledger,
    make_rows,
)
from .schemas import CountsOut, CoverageOut, LineOut, NotReachedOut, NotReachedPage

router = Router()
PATH = re.compile(r"^/(\d+/)+(b\d+/(u\d+/)?)?$")
GRID_ID = ROW_FIELDS.index("building__area_id")
AREA_HELP = "区域 id，或路径前缀（如 /1/2/3/4/5/b7/）"


def area_prefix(request, area: str) -> str:
    """The path prefix named by ?area=: an area the caller can see (404 otherwise) by its id,
    or a path as written; "" for none."""
    area = (area or "").strip()
    if not area:
        return ""
    if area.isdigit():
        return get_object_or_404(Area.objects.for_user(user_of(request), VIEW), pk=int(area)).path
    if PATH.match(area):
        return area
    raise ValidationError({"area": [_("应为区域编号或路径前缀（如 /1/2/3/）")]})


def _counts(c: Counts) -> CountsOut:
    return CountsOut(**c.as_dict())


def _line(line: Line) -> LineOut:
    return LineOut(
        id=line.obj.pk if line.obj is not None else None,
        name=line.label,
        path=line.path,
        community=line.parent,
        leader_name=line.leader_name,
        leader_phone=line.leader_phone,
        counts=_counts(line.counts),
        children=[_line(child) for child in line.children],
    )


@router.get(
    "/campaigns/{int:campaign_id}/coverage",
    response=CoverageOut,
    summary="排查进度台账：每个网格（附网格长及电话）、楼栋（units=true 时含单元）的应查、已查、"
    "需再访、拒绝、空置、搬离、未走访户数",
)
def get_coverage(
    request,
    campaign_id: int,
    area: str = Query("", description=AREA_HELP),
    units: bool = False,
):
    campaign = campaign_of(request, campaign_id)
    board = ledger(campaign, user_of(request), area_prefix(request, area), units=units)
    return CoverageOut(
        campaign_id=campaign.pk,
        total=_counts(board.total),
        grids=[_line(g) for g in board.grids],
    )


class NotReachedFilters(Schema):
    area: str = Field("", description=AREA_HELP)
    state: Literal["revisit", "refused", "not_attempted"] | None = Field(
        None, description="只列一种：revisit 需再访、refused 拒绝、not_attempted 未走访"
    )
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=500)


@router.get(
    "/campaigns/{int:campaign_id}/not-reached",
    response=NotReachedPage,
    summary="未排查住户名单（户主、电话脱敏，分页），按网格、楼栋、单元、楼层、户号排序，附网格长",
)
def get_not_reached(request, campaign_id: int, filters: Query[NotReachedFilters]):
    campaign = campaign_of(request, campaign_id)
    user = user_of(request)
    prefix = area_prefix(request, filters.area)
    states = (filters.state,) if filters.state else NOT_REACHED
    values = household_values(campaign, user, states, prefix)
    count = values.count()
    pages = max(1, -(-count // filters.page_size))
    if filters.page > pages:
        raise Http404
    start = (filters.page - 1) * filters.page_size
    chunk = list(values[start : start + filters.page_size])
    page = list(make_rows(chunk, grid_leaders_of(v[GRID_ID] for v in chunk)))
    if page:
        record_access(
            user,
            "api",
            _("%(campaign)s 未排查住户") % {"campaign": campaign},
            fields="householder_masked,phone_masked,address",
            rows=len(page),
            scope_path=prefix or campaign.area.path,
            object_id=str(campaign.pk),
        )
    items = [
        NotReachedOut(
            household_id=r.household_id,
            grid=r.grid,
            building=r.building,
            unit=r.unit,
            floor=r.floor,
            room=r.room,
            householder=r.masked_householder,
            phone=r.masked_phone,
            state=r.state,
            state_label=r.state_label,
            visits=r.visits,
            last_at=r.last_at,
            grid_leader=r.leader_name,
            grid_leader_phone=r.leader_phone,
        )
        for r in page
    ]
    return NotReachedPage(count=count, items=items)
