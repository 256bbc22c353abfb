"""The daily letter to residents (致居民的一封信): drafted from the area's latest figures —
the latest frozen report row of the area (`ReportArea`) if there is one, else the live figures
of the registry (`figures.for_area`) — then edited and saved.

The draft has a greeting, then one sentence per part whose figures exist (testing progress,
measures, living support with the hotline, the volunteers), and a closing; a part whose
figures are not in the registry (or not in the frozen row) is left out, never written with a
made-up number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.control.documents import cn_date
from wangge.core.normalize import clean_text
from wangge.core.scope import CHANGE, VIEW, covers
from wangge.core.services import create_object, update_object
from wangge.people.leaders import leaders
from wangge.people.models import LeaderAssignment
from wangge.places.models import Area

from . import figures as registry
from .models import Letter, ReportArea

# The letter's parts, in order: (heading, sections of the registry it reads).
PARTS = (
    ("testing", ("testing",)),
    ("measures", ("control", "canvass", "returnees", "checkpoints")),
    ("support", ("support",)),
    ("volunteers", ("workforce",)),
)


def _headings() -> dict[str, str]:
    return {
        "testing": _("核酸检测进展"),
        "measures": _("防控措施"),
        "support": _("生活保障"),
        "volunteers": _("志愿服务"),
    }


@dataclass
class Source:
    figures: dict
    frozen: bool
    as_of: dt.datetime


def latest_figures(area: Area, at: dt.datetime | None = None) -> Source:
    """The area's figures: its latest frozen report row, else the live figures at `at`."""
    at = at or timezone.now()
    row = (
        ReportArea.objects.filter(area=area, report__as_of__lte=at)
        .select_related("report")
        .order_by("-report__day")
        .first()
    )
    if row is not None:
        return Source(dict(row.figures), True, row.report.as_of)
    return Source(registry.for_area(at, area.path), False, at)


def _number(n) -> str:
    return str(int(n)) if isinstance(n, int | float) and float(n).is_integer() else str(n)


def part_sentences(figures: dict) -> list[tuple[str, str]]:
    """[(part key, sentence)] for the parts with at least one figure in `figures`."""
    known = registry.registry()
    headings = _headings()
    out = []
    for key, sections in PARTS:
        items = [
            _("%(label)s %(n)s") % {"label": f.label, "n": _number(figures[f.key])}
            for f in known
            if f.section in sections and f.key in figures
        ]
        if items:
            out.append(
                (
                    key,
                    _("%(heading)s：%(items)s。")
                    % {
                        "heading": headings[key],
                        "items": "，".join(items),
                    },
                )
            )
    return out


def hotline_of(area: Area) -> str:
    """The grid leader's phone when the area is a grid (residents' first contact)."""
    if area.level != Area.Level.GRID:
        return ""
    found = leaders(LeaderAssignment.Role.GRID, area_id__in=[area.pk]).get(area.pk)
    return found[1] if found else ""


def draft(area: Area, *, at: dt.datetime | None = None, hotline: str = "") -> dict:
    """{"day", "title", "body", "source"} of the letter of `area` at `at`."""
    at = at or timezone.now()
    day = timezone.localdate(at)
    source = latest_figures(area, at)
    hotline = clean_text(hotline) or hotline_of(area)
    lines = [
        _("各位居民朋友："),
        _(
            "今天是%(date)s。感谢大家对疫情防控工作的理解、支持与配合！现将%(area)s的防控情况告诉大家："
        )
        % {"date": cn_date(day), "area": area.name},
    ]
    parts = part_sentences(source.figures)
    for key, sentence in parts:
        if key == "support" and hotline:
            sentence += _(
                "如有买菜、就医、购药等困难，请拨打保障热线 %(phone)s，我们会尽快帮您解决。"
            ) % {"phone": hotline}
        lines.append(sentence)
    if hotline and not any(key == "support" for key, _sentence in parts):
        lines.append(_("如有生活困难，请拨打保障热线 %(phone)s。") % {"phone": hotline})
    lines.append(
        _("请大家继续做好个人防护，不聚集、勤洗手、戴口罩，按楼栋通知有序下楼参加核酸检测。")
    )
    lines.append(_("感谢每一位坚守岗位的工作人员和志愿者！让我们携手同心，共克时艰！"))
    lines.append(_("%(area)s疫情防控指挥部") % {"area": area.name})
    lines.append(cn_date(day))
    if source.frozen:
        note = _("数据来自 %(time)s 冻结的每日报告") % {
            "time": timezone.localtime(source.as_of).strftime("%Y-%m-%d %H:%M")
        }
    else:
        note = _("数据为 %(time)s 的实时数据") % {
            "time": timezone.localtime(source.as_of).strftime("%Y-%m-%d %H:%M")
        }
    return {
        "day": day,
        "title": _("致%(area)s居民的一封信") % {"area": area.name},
        "body": "\n".join(lines),
        "source": note,
    }


# --- writes -----------------------------------------------------------------------------------


def visible_letters(user, action: str = VIEW):
    return Letter.objects.touching(user, action).select_related("area", "created_by")


def _check(area: Area, actor, title: str, body: str) -> None:
    errors = {}
    if not covers(actor, area.path, CHANGE):
        errors["area"] = _("您无权为该区域撰写致居民信")
    if not title:
        errors["title"] = _("请填写标题")
    if not body:
        errors["body"] = _("请填写正文")
    if errors:
        raise ValidationError(errors)


def save_letter(area: Area, *, actor, title: str, body: str, day: dt.date | None = None) -> Letter:
    title, body = " ".join((title or "").split()), (body or "").strip()
    _check(area, actor, title, body)
    with transaction.atomic():
        return create_object(
            Letter(
                area=area,
                day=day or timezone.localdate(),
                title=title,
                body=body,
                created_by=actor,
            ),
            actor=actor,
        )


def update_letter(letter: Letter, *, actor, title: str, body: str) -> bool:
    title, body = " ".join((title or "").split()), (body or "").strip()
    _check(letter.area, actor, title, body)
    with transaction.atomic():
        return update_object(letter, {"title": title, "body": body}, actor=actor)
