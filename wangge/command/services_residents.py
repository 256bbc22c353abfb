"""Notices to residents (通告): writing one for an area, and its print — one A4 page per
building of the area, each with the notice, the building, the grid's WeChat group, the grid
leader's and building leader's phones (public contacts for residents) and the QR codes of the
public forms: the returnee self-report page of each unit (canvass.arrival_public) and the
volunteer sign-up of an open recruitment covering the building (workforce.public_signup).

Notices are seen with `touching`: a street's notice is printed by a grid leader for the
buildings of his grid. Printing is logged (leaders' phones are on the pages)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.control.documents import cn_date
from wangge.core.qr import qr_svg, unit_token
from wangge.core.scope import CHANGE, VIEW, covers
from wangge.core.services import create_object
from wangge.people.leaders import leaders
from wangge.people.models import LeaderAssignment
from wangge.places.models import Area, Building, Unit
from wangge.workforce.models import Recruitment
from wangge.workforce.services_recruitment import recruitment_token

from .models import Notice

Role = LeaderAssignment.Role
PRINT_TEMPLATE = "command/residents/notice_print.html"


# --- writing ----------------------------------------------------------------------------------


def visible_notices(user, action: str = VIEW):
    """Notices in the user's scope and those of the areas above it (a street's notice)."""
    return Notice.objects.touching(user, action).select_related("area", "created_by")


def notice_areas(user):
    """The areas the user may publish a notice for (CHANGE), from street down to grid."""
    return Area.objects.for_user(user, CHANGE).filter(
        level__gte=Area.Level.STREET, level__lte=Area.Level.GRID
    )


def create_notice(area: Area, *, actor, title: str, body: str, signed: str = "") -> Notice:
    title, body = " ".join((title or "").split()), (body or "").strip()
    signed = " ".join((signed or "").split())
    errors = {}
    if not covers(actor, area.path, CHANGE):
        errors["area"] = _("您无权在该区域发布通告")
    if not title:
        errors["title"] = _("请填写标题")
    if not body:
        errors["body"] = _("请填写正文")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return create_object(
            Notice(area=area, title=title, body=body, signed=signed, created_by=actor),
            actor=actor,
        )


# --- the print ----------------------------------------------------------------------------------


@dataclass
class Code:
    label: str
    url: str
    svg: str


@dataclass
class NoticePage:
    building: Building
    grid: Area
    wechat_group: str
    grid_leader: tuple[str, str] | None
    building_leader: tuple[str, str] | None
    codes: list[Code] = field(default_factory=list)


def print_buildings(notice: Notice, user, building_pk: int | None = None):
    """The buildings of the notice's area the user may see (one, with ?building=)."""
    qs = (
        Building.objects.for_user(user, VIEW)
        .within(notice.area.path)
        .select_related("area", "estate")
        .order_by("area__code", "estate__name", "sort_key", "number", "pk")
    )
    if building_pk is not None:
        qs = qs.filter(pk=building_pk)
    return list(qs)


def open_recruitments(paths: list[str], now=None) -> list[Recruitment]:
    """Open recruitments whose area holds one of `paths` (a grid's, its community's…),
    deepest area first, then the newest."""
    now = now or timezone.now()
    above: set[int] = set()
    for path in paths:
        above.update(int(p) for p in path.strip("/").split("/") if p.isdigit())
    rows = Recruitment.objects.filter(open=True, ends_at__gt=now, area_id__in=above)
    rows = rows.select_related("area")
    return sorted(rows, key=lambda r: (-len(r.area.path), -r.starts_at.timestamp(), -r.pk))


def notice_pages(
    buildings: list[Building], absolute: Callable[[str], str], *, now=None
) -> list[NoticePage]:
    """The page of each building: a bounded number of queries whatever the number of
    buildings. `absolute` turns a path into the address printed in the QR code."""
    if not buildings:
        return []
    ids = [b.pk for b in buildings]
    grid_leaders = leaders(Role.GRID, area_id__in=list({b.area_id for b in buildings}))
    building_leaders = leaders(Role.BUILDING, building_id__in=ids)
    units: dict[int, list[Unit]] = {}
    for unit in Unit.objects.filter(building_id__in=ids).order_by("sort_key", "number", "pk"):
        units.setdefault(unit.building_id, []).append(unit)
    recruitments = open_recruitments([b.area.path for b in buildings], now=now)
    pages = []
    for b in buildings:
        page = NoticePage(
            building=b,
            grid=b.area,
            wechat_group=b.area.wechat_group,
            grid_leader=grid_leaders.get(b.area_id),
            building_leader=building_leaders.get(b.pk),
        )
        for unit in units.get(b.pk, []):
            url = absolute(reverse("canvass:arrival_public", args=[unit_token(unit)]))
            label = _("%(unit)s单元 返来人员自主申报") % {"unit": unit.number}
            page.codes.append(Code(label, url, qr_svg(url)))
        rec = next((r for r in recruitments if b.scope_path.startswith(r.area.path)), None)
        if rec is not None:
            url = absolute(reverse("workforce:public_signup", args=[recruitment_token(rec)]))
            page.codes.append(
                Code(_("志愿者报名：%(title)s") % {"title": rec.title}, url, qr_svg(url))
            )
        pages.append(page)
    return pages


def render_html(notice: Notice, pages: list[NoticePage], *, pdf: bool = False) -> str:
    return render_to_string(
        PRINT_TEMPLATE,
        {
            "notice": notice,
            "pages": pages,
            "date": cn_date(timezone.localdate(notice.created_at)),
            "pdf": pdf,
        },
    )


def _fetcher():
    from weasyprint.urls import URLFetcher

    class NoFetch(URLFetcher):
        """Refuses every URL: the pages carry everything they need (inline SVG codes)."""

        def fetch(self, url, headers=None):
            raise ValueError(f"no external resources in a notice: {url[:80]}")

    return NoFetch()


def html_to_pdf(html: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf()
