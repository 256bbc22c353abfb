"""网格日报: which grids have reported a day (not reported first, with the grid leader's name
and phone), and the form where a grid leader reports his grid for today with a note."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.scope import CHANGE, VIEW, scope_paths
from wangge.people.forms import add_service_errors
from wangge.people.leaders import leaders
from wangge.people.models import LeaderAssignment
from wangge.places.models import Area
from wangge.places.paging import paginate

from . import services_reports as svc
from .forms_reports import GridReportForm
from .models import GridReport
from .views_reports import area_param

STATES = ("all", "missing", "reported")


def _day(request: HttpRequest, today: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return today
    return min(day, today)


def _lines(user, day: dt.date, prefix: str, q: str, state: str) -> tuple[list[dict], int, int]:
    grids = Area.objects.for_user(user, VIEW).filter(level=Area.Level.GRID).select_related("parent")
    if prefix:
        grids = grids.within(prefix)
    if q:
        grids = grids.filter(name__icontains=q)
    grids = list(grids.order_by("path"))
    reports = {
        r.area_id: r
        for r in GridReport.objects.filter(day=day, area__in=grids).select_related("reported_by")
    }
    who = leaders(LeaderAssignment.Role.GRID, area_id__in=[g.pk for g in grids])
    lines = [
        {
            "grid": g,
            "report": reports.get(g.pk),
            "leader": who.get(g.pk, ("", ""))[0],
            "phone": who.get(g.pk, ("", ""))[1],
        }
        for g in grids
    ]
    done = sum(1 for line in lines if line["report"])
    if state == "missing":
        lines = [line for line in lines if not line["report"]]
    elif state == "reported":
        lines = [line for line in lines if line["report"]]
    lines.sort(key=lambda line: line["report"] is not None)
    return lines, done, len(grids)


@login_required
def grid_reports(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, VIEW):
        raise Http404
    today = timezone.localdate()
    area = area_param(request)
    day = _day(request, today)
    mine = Area.objects.for_user(user, CHANGE).filter(level=Area.Level.GRID).order_by("path")
    form = None
    status = 200
    if day == today and mine.exists():
        initial = {"grid": mine.first()} if mine.count() == 1 else {}
        form = GridReportForm(request.POST or None, grids=mine, initial=initial)
        if request.method == "POST":
            if form.is_valid():
                try:
                    report, created = svc.report_grid(
                        form.cleaned_data["grid"], actor=user, note=form.cleaned_data["note"]
                    )
                except PermissionDenied:
                    raise Http404 from None
                except ValidationError as exc:
                    add_service_errors(form, exc, rename={"area": "grid"})
                else:
                    text = (
                        _("已报送“%(grid)s”今天的网格日报")
                        if created
                        else _("“%(grid)s”今天已报送，情况说明已更新")
                    )
                    messages.success(request, text % {"grid": report.area.name})
                    return redirect(request.get_full_path())
            status = 400
    elif request.method == "POST":
        raise Http404
    q = request.GET.get("q", "").strip()
    state = request.GET.get("state", "all")
    state = state if state in STATES else "all"
    lines, done, total = _lines(user, day, area.path if area else "", q, state)
    return render(
        request,
        "command/reports/grid_reports.html",
        {
            "form": form,
            "page": paginate(request, lines),
            "done": done,
            "total": total,
            "day": day,
            "today": today,
            "area": area,
            "q": q,
            "state": state,
            "cut_off": svc.cut_off_at(day),
        },
        status=status,
    )
