"""Taking in lab results: one tube by hand, many from a sheet or the API, and what a positive
tube sets off. The retest list is derived (see whoisleft.status_exprs); the notices to the grid
leaders (`Notice`) are written here, one per positive tube and grid, never twice.

Every result written is logged in the change log with its before/after; writing the result a
tube already has (same file imported again) changes nothing and logs nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import change_row, record_change, snapshot
from wangge.core.models import ChangeLog
from wangge.core.normalize import NormalizationError, clean_text
from wangge.core.scope import CHANGE, VIEW, covers
from wangge.people.models import LeaderAssignment, Person, Residence
from wangge.places.models import Area

from .models import Notice, Round, Sample, Tube
from .whoisleft import leaders, split_path

R = Tube.Result
RESULT_WORDS = {
    "阴性": R.NEGATIVE,
    "阴": R.NEGATIVE,
    "negative": R.NEGATIVE,
    "neg": R.NEGATIVE,
    "-": R.NEGATIVE,
    "阳性": R.POSITIVE,
    "阳": R.POSITIVE,
    "弱阳性": R.POSITIVE,
    "弱阳": R.POSITIVE,
    "positive": R.POSITIVE,
    "pos": R.POSITIVE,
    "+": R.POSITIVE,
    "无效": R.INVALID,
    "invalid": R.INVALID,
}
RESULTS = (R.NEGATIVE, R.POSITIVE, R.INVALID)


def parse_result(raw) -> str:
    """阴性/阳性/无效 (also 阴/阳, negative/positive, 弱阳 → positive) → a Tube.Result value."""
    text = clean_text(str(raw or "")).lower().strip("()（）[]【】 ")
    if text in RESULTS:
        return text
    if text in RESULT_WORDS:
        return RESULT_WORDS[text]
    raise NormalizationError(
        _("无法识别的检测结果“%(value)s”，应为阴性、阳性或无效") % {"value": raw}
    )


_TIME_RE = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[T\s]*(\d{1,2})[:时点](\d{1,2})分?(?::?(\d{1,2}(?:\.\d+)?)秒?)?)?$"
)
EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - a local wall-clock time


def parse_time(raw) -> dt.datetime:
    """A result time as written in lab sheets (2022-04-05 14:30, 2022/4/5 14:30:00,
    2022年4月5日 14时30分, ISO with an offset, an Excel serial number) → an aware datetime."""
    if isinstance(raw, dt.datetime):
        value = raw
    else:
        text = clean_text(str(raw or "")).strip()
        value = None
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            match = _TIME_RE.match(text)
            if match:
                y, mo, d, h, mi, s = match.groups()
                try:
                    value = dt.datetime(  # noqa: DTZ001 - made aware below
                        int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(float(s or 0))
                    )
                except ValueError:
                    value = None
            elif re.fullmatch(r"\d{5}(\.\d+)?", text) and 30000 < float(text) < 80000:
                value = EXCEL_EPOCH + dt.timedelta(days=float(text))
        if value is None:
            raise NormalizationError(_("无法识别的时间“%(value)s”") % {"value": raw})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value.year < 2000 or value > timezone.now() + dt.timedelta(days=1):
        raise NormalizationError(_("时间超出合理范围"))
    return value


NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


def apply_results(items: list[tuple[Tube, str, dt.datetime | None]], *, actor) -> list[str]:
    """Write results to tubes (callers checked scope and hold a transaction). Returns, per
    item, NEW (a pending tube got its result), CHANGED or UNCHANGED. Bounded statements: one
    UPDATE batch, one INSERT for the change log, and the notices of tubes turned positive."""
    now = timezone.now()
    outcomes, changed, logs, turned_positive = [], [], [], []
    for tube, result, at in items:
        before = {"result": tube.result, "result_at": tube.result_at}
        if result == tube.result and (at is None or at == tube.result_at):
            outcomes.append(UNCHANGED)
            continue
        outcomes.append(NEW if tube.result == R.PENDING else CHANGED)
        if tube.result != R.POSITIVE and result == R.POSITIVE:
            turned_positive.append(tube)
        tube.result, tube.result_at = result, at or now
        changed.append(tube)
        after = {"result": tube.result, "result_at": tube.result_at}
        logs.append(
            change_row(
                actor, ChangeLog.Action.UPDATE, tube, snapshot_of(before), snapshot_of(after)
            )
        )
    if changed:
        Tube.objects.bulk_update(changed, ["result", "result_at"], batch_size=500)
        ChangeLog.objects.bulk_create(logs, batch_size=500)
    if turned_positive:
        notify_positive(turned_positive, actor=actor)
    return outcomes


def snapshot_of(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in values.items()}


def record_result(tube: Tube, result: str, at: dt.datetime | None = None, *, actor) -> bool:
    """Enter one tube's result by hand (阴性/阳性/无效); returns whether anything changed."""
    if result not in RESULTS:
        raise ValidationError({"result": [_("请选择检测结果")]})
    if actor is not None and not covers(actor, tube.scope_path, CHANGE):  # None: the system
        raise PermissionDenied
    with transaction.atomic():
        tube = Tube.objects.select_for_update().select_related("round__area").get(pk=tube.pk)
        return apply_results([(tube, result, at)], actor=actor)[0] != UNCHANGED


# --- notices ---------------------------------------------------------------------------------


def _places(units: dict[int, set[tuple[str, str]]], buildings: dict[int, str]) -> str:
    """阳光小区 1号楼（1单元、2单元）；…"""
    parts = []
    for building_id, label in sorted(buildings.items(), key=lambda kv: kv[1]):
        numbers = sorted(units.get(building_id, set()))
        unit_text = "、".join(_("%(n)s单元") % {"n": n} for _i, n in numbers)
        parts.append(f"{label}（{unit_text}）" if unit_text else label)
    return "；".join(parts) or _("住址未登记")


def notice_text(rnd: Round, tube: Tube, people: int, places: str, leader) -> str:
    kind = _("混管") if tube.capacity > 1 else _("单管")
    name, phone = leader or (_("未登记"), "")
    if tube.capacity > 1:
        action = _("本管人员均需单管复核，请立即通知到人、就地等候复核。")
    else:
        action = _("请立即落实管控措施。")
    return _(
        "%(round)s %(kind)s试管 %(barcode)s 检测结果为阳性，涉及本网格 %(n)d 人，"
        "位于：%(places)s。%(action)s网格长：%(leader)s %(phone)s"
    ) % {
        "round": rnd,
        "kind": kind,
        "barcode": tube.barcode,
        "n": people,
        "places": places,
        "action": action,
        "leader": name,
        "phone": phone,
    }


def notify_positive(tubes: list[Tube], *, actor) -> list[Notice]:
    """One notice per positive tube and grid of the people in it (none twice): the tube
    barcode, how many people, their buildings and units, and the grid leader's name and
    phone. Seven queries for any number of tubes."""
    by_id = {t.pk: t for t in tubes}
    samples = list(Sample.objects.filter(tube_id__in=by_id).values_list("tube_id", "person_id"))
    person_ids = {pid for _t, pid in samples}
    paths = dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "scope_path"))
    homes: dict[int, tuple] = {}
    rows = (
        Residence.objects.filter(person_id__in=person_ids, living=True, until__isnull=True)
        .order_by("-registered", "id")
        .values_list(
            "person_id",
            "household__building_id",
            "household__building__number",
            "household__building__name",
            "household__building__estate__name",
            "household__unit__sort_key",
            "household__unit__number",
        )
    )
    for pid, *home in rows:
        homes.setdefault(pid, tuple(home))
    grid_of = {pid: split_path(path)[0] for pid, path in paths.items()}
    areas = {a.path: a for a in Area.objects.filter(path__in=set(grid_of.values()))}
    grid_leaders = leaders(LeaderAssignment.Role.GRID, area_id__in=[a.pk for a in areas.values()])
    existing = set(Notice.objects.filter(tube_id__in=by_id).values_list("tube_id", "area_id"))
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for tube_id, pid in samples:
        area = areas.get(grid_of.get(pid, ""))
        if area is not None and (tube_id, area.pk) not in existing:
            groups[(tube_id, area.pk)].append(pid)
    by_area = {a.pk: a for a in areas.values()}
    rounds = {r.pk: r for r in Round.objects.filter(pk__in={t.round_id for t in tubes})}
    notices = []
    for (tube_id, area_id), pids in groups.items():
        buildings: dict[int, str] = {}
        units: dict[int, set[tuple[str, str]]] = defaultdict(set)
        for pid in pids:
            if pid in homes:
                b_id, number, name, estate, unit_key, unit_no = homes[pid]
                label = name or _("%(number)s号楼") % {"number": number}
                buildings[b_id] = f"{estate} {label}" if estate else label
                units[b_id].add((f"{unit_key:09d}", unit_no))
        tube = by_id[tube_id]
        text = notice_text(
            rounds[tube.round_id],
            tube,
            len(pids),
            _places(units, buildings),
            grid_leaders.get(area_id),
        )
        notices.append(
            Notice(
                area=by_area[area_id],
                round_id=tube.round_id,
                tube=tube,
                text=text,
                scope_path=by_area[area_id].path,
            )
        )
    Notice.objects.bulk_create(notices)
    if notices:
        ChangeLog.objects.bulk_create(
            [change_row(actor, ChangeLog.Action.CREATE, n, None, {"text": n.text}) for n in notices]
        )
    return notices


def unread_notices(user, rnd: Round | None = None):
    qs = Notice.objects.for_user(user, VIEW).filter(read_at__isnull=True)
    if rnd is not None:
        qs = qs.filter(round=rnd)
    return qs.select_related("area", "round__area", "tube")


def mark_notice_read(notice: Notice, *, actor) -> None:
    """The grid's leader (anyone who may change there) has seen the notice."""
    if not covers(actor, notice.scope_path, CHANGE):
        raise PermissionDenied
    if notice.read_at is not None:
        return
    before = snapshot(notice, ["read_at"])
    notice.read_at = timezone.now()
    notice.save(update_fields=["read_at"])
    record_change(actor, ChangeLog.Action.UPDATE, notice, before, snapshot(notice, ["read_at"]))
