"""The short written summary of a frozen report, in Chinese, from its figures: one sentence per
section that has data ("截至16时，北京路街道：核酸检测应检120人，已采样100人，尚有20人未检；…"),
then the units that had not reported. A section whose figures a report lacks (a report frozen
before a figure existed) is told as its labels and numbers."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import figures as figs
from .missing import GRID, SITE

# One sentence a section, from the section's figures by name (the key after the section's dot).
SENTENCES = {
    "testing": gettext_lazy(
        "核酸检测应检%(expected)d人，已采样%(sampled)d人，尚有%(not_yet)d人未检，"
        "%(no_result)d人已采未出结果，阳性%(positive)d人"
    ),
    "canvass": gettext_lazy(
        "入户排查应排查%(targeted)d户，已排查%(done)d户，尚有%(not_reached)d户未排查到"
    ),
    "returnees": gettext_lazy(
        "今日返来%(today)d人（来自高风险地区%(today_high)d人、中风险地区%(today_medium)d人），"
        "近14天共%(recent)d人"
    ),
    "control": gettext_lazy(
        "在管控%(under)d人（居家隔离%(under_home_quarantine)d人、居家健康监测"
        "%(under_home_monitoring)d人、集中隔离%(under_central_quarantine)d人），今日应随访"
        "%(followups_due)d人次、已随访%(followups_done)d人次，随访逾期%(followups_overdue)d人次，"
        "待转运%(transfer_waiting)d人，发热等预警未处置%(alerts)d条"
    ),
    "checkpoints": gettext_lazy(
        "卡口人员进%(people_in)d人次、出%(people_out)d人次，车辆进%(vehicles_in)d辆、出"
        "%(vehicles_out)d辆，劝返%(turned_back)d人次，绿色通道%(green)d人次"
    ),
    "support": gettext_lazy(
        "居民诉求今日办结%(done)d件，办理中%(in_progress)d件，待分派%(new)d件，超时未办%(overdue)d件"
    ),
    "workforce": gettext_lazy(
        "今日班次%(shifts)d个，满员%(staffed)d个，缺员%(understaffed)d个，到岗%(on_duty)d人，"
        "未到岗%(absent)d人"
    ),
    "supervision": gettext_lazy(
        "今日督查%(inspections)d次，发现问题%(findings)d个；待整改%(open)d个（逾期%(overdue)d个），"
        "已整改待复查%(awaiting)d个"
    ),
    "disinfection": gettext_lazy(
        "消杀点位%(places)d处，按时%(on_schedule)d处，滞后%(behind)d处，今日消杀%(logs)d次"
    ),
    "venues": gettext_lazy(
        "保供超市（市场、药店）%(supply)d家，限流开放%(open_rules)d家，关停%(closed)d家，"
        "恢复营业%(reopened)d家，今日日间巡查%(sweeps_day)d次、夜间巡查%(sweeps_night)d次"
    ),
}


def sentence(section: str, heading: str, items) -> str:
    """The section's sentence from its figures, or its labels and numbers."""
    values = {f.key.split(".", 1)[1]: n for f, _label, n in items if f is not None}
    template = SENTENCES.get(section)
    if template is not None:
        try:
            return str(template) % values
        except KeyError:
            pass
    parts = "、".join(_("%(label)s %(n)d") % {"label": label, "n": n} for _f, label, n in items)
    return _("%(section)s：%(parts)s") % {"section": heading, "parts": parts}


def clock(at: dt.datetime | dt.time | None) -> str:
    """16时, or 16时30分."""
    if at is None:
        return ""
    if at.minute:
        return _("%(h)d时%(m)02d分") % {"h": at.hour, "m": at.minute}
    return _("%(h)d时") % {"h": at.hour}


def grouped(figures: dict) -> list[tuple[str, str, list[tuple[figs.Figure | None, str, int]]]]:
    """[(section key, heading, [(Figure or None, label, n)])] in the order of SECTIONS, each
    figure of `figures` once (keys no longer registered under their section, by key)."""
    known = figs.by_key()
    out = []
    for section, heading in figs.SECTIONS.items():
        items = []
        for f in figs.registry():
            if f.section == section and f.key in figures:
                items.append((f, str(f.label), int(figures[f.key] or 0)))
        for key, n in figures.items():
            if key not in known and key.split(".")[0] == section:
                items.append((None, key, int(n or 0)))
        if items:
            out.append((section, str(heading), items))
    return out


def summary(
    figures: dict,
    *,
    area_name: str,
    day: dt.date,
    at: dt.datetime | None = None,
    missing: list[dict] | None = None,
) -> str:
    """The summary of one area's figures of `day` at `at` (the as-of time)."""
    from django.utils import timezone

    when = clock(timezone.localtime(at)) if at else ""
    head = (
        _("截至%(time)s，%(area)s") % {"time": when, "area": area_name}
        if when
        else _("%(day)s，%(area)s")
        % {"day": _("%(m)d月%(d)d日") % {"m": day.month, "d": day.day}, "area": area_name}
    )
    sentences = []
    for section, heading, items in grouped(figures):
        if any(n for _f, _label, n in items):
            sentences.append(sentence(section, heading, items))
    if sentences:
        text = head + _("：") + _("；").join(sentences) + _("。")
    else:
        text = head + _("各项工作暂无数据。")
    if missing is not None:
        grids = sum(1 for m in missing if m.get("kind") == GRID)
        sites = sum(1 for m in missing if m.get("kind") == SITE)
        if grids or sites:
            left = []
            if grids:
                left.append(_("%(n)d个网格") % {"n": grids})
            if sites:
                left.append(_("%(n)d个隔离点") % {"n": sites})
            text += _("截止时尚有%(units)s未报送。") % {"units": "、".join(left)}
        else:
            text += _("各单位均已按时报送。")
    return text
