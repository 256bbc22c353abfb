"""The daily report (每日报告): frozen once a day at the cut-off (default 16:00) for every area
of the chain, from the figures of every operation (figures.compute) and the units that had not
reported (missing). A frozen day never changes: later data, a second freeze or the cron job
running again leave it as it was. `wangge command freeze-due` (cron, every few minutes) makes
the reports that are due; a commander may freeze today by hand ("立即生成").

Also the grids' own daily report (网格日报, `report_grid`) and the cut-off setting."""

from __future__ import annotations

import datetime as dt
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.scope import ALL_SCOPE, CHANGE, VIEW, covers, scope_paths
from wangge.core.services import create_object, update_object
from wangge.places.models import Area
from wangge.places.queries import acts_for_district

from . import figures as figs
from .missing import by_area
from .missing import missing as missing_units
from .models import DailyReport, GridReport, ReportArea, ReportSettings
from .summary import summary  # noqa: F401 - part of this module's contract

EARLIEST_CUT_OFF = dt.time(6, 0)
LATEST_CUT_OFF = dt.time(22, 0)


def cut_off_at(day: dt.date) -> dt.datetime:
    """The cut-off of `day` (ReportSettings), aware, in the local time zone."""
    return timezone.make_aware(dt.datetime.combine(day, ReportSettings.get().cut_off))


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def freeze(day: dt.date, *, actor=None, at: dt.datetime | None = None) -> tuple[DailyReport, bool]:
    """Freeze `day` once: (report, created). The figures are taken at `at` (by default the
    cut-off, or now when called before it); a day already frozen is returned unchanged."""
    existing = DailyReport.objects.filter(day=day).first()
    if existing is not None:
        return existing, False
    started = time.perf_counter()
    now = timezone.now()
    cut = cut_off_at(day)
    at = at or min(now, cut)
    # Counted before the transaction: on SQLite a write transaction holds the database's one
    # write lock from its start, and the scans of the sampling tables and gates must not wait
    # for the count of a district.
    counts = figs.compute(at)
    keys = [f.key for f in figs.registry()]
    below = by_area(missing_units(day, at))
    try:
        with transaction.atomic():
            report = DailyReport.objects.create(
                day=day, cut_off_at=cut, as_of=at, frozen_at=now, made_by=_actor(actor)
            )
            rows = [
                ReportArea(
                    report=report,
                    area_id=area_id,
                    level=level,
                    scope_path=path,
                    figures={k: counts[k].get(path, 0) for k in keys},
                    missing=below.get(path, []),
                )
                for area_id, level, path in Area.objects.order_by("path").values_list(
                    "pk", "level", "path"
                )
            ]
            ReportArea.objects.bulk_create(rows, batch_size=500)
            report.seconds = round(time.perf_counter() - started, 3)
            report.save(update_fields=["seconds"])
    except IntegrityError:  # frozen by another process meanwhile
        return DailyReport.objects.get(day=day), False
    return report, True


def freeze_due(now: dt.datetime | None = None) -> list[DailyReport]:
    """Freeze today once its cut-off has passed; idempotent. A day missed (the server was down
    at its cut-off) is not made afterwards: the figures are those of the moment they are
    counted, and yesterday's counted today would be today's under yesterday's date."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cut = cut_off_at(today)
    if now < cut or DailyReport.objects.filter(day=today).exists():
        return []
    report, created = freeze(today, at=cut)
    return [report] if created else []


def may_freeze(user) -> bool:
    """CHANGE on a street or above (a street's commander or admin)."""
    paths = [p for p in scope_paths(user, CHANGE) if "b" not in p]
    if ALL_SCOPE in paths:
        return True
    return Area.objects.filter(path__in=paths, level__lte=Area.Level.STREET).exists()


def freeze_now(*, actor) -> tuple[DailyReport, bool]:
    """Freeze today by hand, now (the figures as they stand); PermissionDenied without CHANGE
    on a street, ValidationError when today is frozen already."""
    if not may_freeze(actor):
        raise PermissionDenied
    today = timezone.localdate()
    if DailyReport.objects.filter(day=today).exists():
        raise ValidationError(_("今天的日报已生成，不能重复生成"))
    return freeze(today, actor=actor, at=timezone.now())


def visible_rows(user, report: DailyReport | None = None):
    qs = ReportArea.objects.for_user(user, VIEW).select_related("area", "report")
    return qs.filter(report=report) if report is not None else qs


def top_area(user) -> Area | None:
    """The highest area the user sees (the street of a street's commander)."""
    return Area.objects.for_user(user, VIEW).order_by("level", "path").first()


# --- grid reports ---------------------------------------------------------------------------


def report_grid(
    area: Area, *, actor, day: dt.date | None = None, note: str = ""
) -> tuple[GridReport, bool]:
    """A grid leader's daily report of his grid: (report, created). A second report of the same
    day keeps the first time and takes the new note."""
    today = timezone.localdate()
    day = day or today
    if area.level != Area.Level.GRID:
        raise ValidationError({"area": [_("只能为网格报送网格日报")]})
    if not covers(actor, area.path, CHANGE):
        raise PermissionDenied
    if day > today:
        raise ValidationError({"day": [_("不能报送未来日期的网格日报")]})
    if day < today - dt.timedelta(days=7):
        raise ValidationError({"day": [_("只能补报最近 7 天的网格日报")]})
    note = (note or "").strip()
    if len(note) > 1000:
        raise ValidationError({"note": [_("情况说明最多 1000 字")]})
    with transaction.atomic():
        found = GridReport.objects.select_for_update().filter(area=area, day=day).first()
        if found is not None:
            if note and note != found.note:
                update_object(found, {"note": note}, actor=actor)
            return found, False
        report = GridReport(
            area=area, day=day, reported_at=timezone.now(), reported_by=_actor(actor), note=note
        )
        create_object(report, actor=actor)
    return report, True


# --- settings -------------------------------------------------------------------------------


def may_configure(user) -> bool:
    """The cut-off is one for every street: kept at district level or above, like the other
    shared settings."""
    return acts_for_district(user)


def save_settings(cut_off: dt.time, *, actor) -> ReportSettings:
    if not may_configure(actor):
        raise PermissionDenied
    if cut_off is None or not EARLIEST_CUT_OFF <= cut_off <= LATEST_CUT_OFF:
        raise ValidationError(
            {
                "cut_off": [
                    _("截止时间应在 %(start)s～%(end)s 之间")
                    % {
                        "start": EARLIEST_CUT_OFF.strftime("%H:%M"),
                        "end": LATEST_CUT_OFF.strftime("%H:%M"),
                    }
                ]
            }
        )
    obj = ReportSettings.get()
    update_object(obj, {"cut_off": cut_off.replace(second=0, microsecond=0)}, actor=actor)
    return obj
