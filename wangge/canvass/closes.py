"""日查日清: each day at the campaign's close time, the day's figures are frozen per grid — the
ledger as it stands, the visits made and the households reached that day — with the list of
households not reached. `wangge canvass close-due` (run from cron every few minutes) and the
campaign's page make the closes that are due; a commander can close the day by hand too.
A close made late is dated when it was made (`as_of`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from wangge.core.scope import VIEW, covers, split_path

from .coverage import STATES, Counts, household_rows, ledger
from .models import Campaign, DailyClose, HouseholdStatus, Visit


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def _per_grid(rows) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for path, n in rows:
        out[split_path(path)[0]] += n
    return out


def day_figures(campaign: Campaign, day: dt.date) -> dict:
    """The whole campaign's figures for `day` (the system's view: every grid)."""
    start, end = _day_bounds(day)
    visits = _per_grid(
        Visit.objects.filter(campaign=campaign, visited_at__gte=start, visited_at__lt=end)
        .values("scope_path")
        .annotate(n=Count("pk"))
        .values_list("scope_path", "n")
    )
    reached = _per_grid(
        HouseholdStatus.objects.filter(campaign=campaign, reached_at__gte=start, reached_at__lt=end)
        .values("scope_path")
        .annotate(n=Count("pk"))
        .values_list("scope_path", "n")
    )
    board = ledger(campaign, None)
    grids = []
    for line in board.grids:
        grids.append(
            {
                "path": line.path,
                "name": line.label,
                "community": line.parent,
                "leader": line.leader_name,
                "phone": line.leader_phone,
                "visits_today": visits.get(line.path, 0),
                "reached_today": reached.get(line.path, 0),
                **line.counts.as_dict(),
            }
        )
    total = board.total.as_dict()
    total["visits_today"] = sum(visits.values())
    total["reached_today"] = sum(reached.values())
    households = [[row.household_id, row.state] for row in household_rows(campaign, None)]
    return {"total": total, "grids": grids, "households": households}


def close_day(campaign: Campaign, day: dt.date, *, actor=None) -> tuple[DailyClose, bool]:
    """Freeze `day` for `campaign` once; (close, created). A second call returns the first."""
    existing = DailyClose.objects.filter(campaign=campaign, day=day).first()
    if existing is not None:
        return existing, False
    figures = day_figures(campaign, day)
    try:
        with transaction.atomic():
            close = DailyClose(
                campaign=campaign,
                day=day,
                as_of=timezone.now(),
                closed_by=actor if getattr(actor, "pk", None) else None,
                figures=figures,
            )
            close.save()
    except IntegrityError:  # closed by another process meanwhile
        return DailyClose.objects.get(campaign=campaign, day=day), False
    return close, True


def due(
    now: dt.datetime | None = None, *, campaign: Campaign | None = None
) -> list[tuple[Campaign, dt.date]]:
    """(campaign, day) pairs whose close time has passed without a close: today's, once the
    hour is past, and any earlier day of the campaign left unclosed (of one `campaign` only,
    when given)."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    out = []
    campaigns = Campaign.objects.filter(starts_on__lte=today, ends_on__gte=today - dt.timedelta(1))
    if campaign is not None:
        campaigns = campaigns.filter(pk=campaign.pk)
    for one in campaigns.select_related("area"):
        closed = set(one.closes.values_list("day", flat=True))
        day = max(one.starts_on, today - dt.timedelta(days=1))
        last = min(one.ends_on, today)
        while day <= last:
            if day not in closed and (day < today or now.time() >= one.close_time):
                out.append((one, day))
            day += dt.timedelta(days=1)
    return out


def close_due(
    now: dt.datetime | None = None, *, campaign: Campaign | None = None
) -> list[DailyClose]:
    """Make every close that is due (see `due`), of one `campaign` only when given."""
    made = []
    for one, day in due(now, campaign=campaign):
        close, created = close_day(one, day)
        if created:
            made.append(close)
    return made


def close_counts(close: DailyClose, grid_path: str = "") -> Counts:
    """A frozen close's counts for the whole campaign or one grid."""
    figures = close.figures
    source = figures.get("total", {})
    if grid_path:
        source = next((g for g in figures.get("grids", []) if g["path"] == grid_path), {})
    return Counts(**{n: int(source.get(n, 0)) for n in ("targeted", *STATES)})


DAY_FIGURES = ("visits_today", "reached_today")


def visible_grids(figures: dict, user, action: str = VIEW) -> tuple[list[dict], dict]:
    """The frozen grids of a close that `user` may see (VIEW, or EXPORT for an export) and
    their sum: (grids, total), each a dict of counts with not_reached and percent."""
    grids = [g for g in figures.get("grids", []) if covers(user, g.get("path", ""), action)]
    counts = Counts()
    day = dict.fromkeys(DAY_FIGURES, 0)
    for g in grids:
        counts.add(Counts(**{n: int(g.get(n, 0)) for n in ("targeted", *STATES)}))
        for name in DAY_FIGURES:
            day[name] += int(g.get(name, 0))
    return grids, {**counts.as_dict(), **day}
