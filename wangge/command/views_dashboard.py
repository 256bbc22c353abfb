"""指挥大屏 (the commander's dashboard): one area's figures now, grouped by section; the "who is
left" counts of every operation, each opening its list; the alerts (alert figures not zero, and
the newest items behind them); charts over the last 7 or 14 days from the frozen daily reports.
`?wall=1` is the wall-display mode (dark, large numbers, no menu). The panel (figures, left,
alerts, the time of the data) is the htmx partial `dashboard_panel`, refreshed every 60 s; the
full page asked with HX-Request answers the partial too.

An area outside the user's scope is a 404; the area picker lists only areas the user covers.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from . import alerts as alert_feeds
from . import services_dashboard as svc

PANEL = "command/dashboard/_panel.html"
REFRESH_SECONDS = 60
WALL_TEXT = {"color": "#dee2e6"}


def _panel_context(request: HttpRequest, area, wall: bool) -> dict:
    now = timezone.now()
    board = svc.board(area, now)
    return {
        "area": area,
        "board": board,
        "feeds": alert_feeds.feeds(request.user, area.path, now),
        "wall": wall,
        "refresh": REFRESH_SECONDS,
    }


def _days(request: HttpRequest) -> int:
    ref = request.GET.get("days", "")
    return int(ref) if ref.isdigit() and int(ref) in svc.CHART_DAYS else svc.CHART_DAYS[0]


def _respond(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    area = svc.area_for(request.user, request.GET.get("area", ""))
    wall = request.GET.get("wall") == "1"
    context = _panel_context(request, area, wall)
    if request.headers.get("HX-Request"):
        return _respond(request, PANEL, context)
    days = _days(request)
    charts = svc.charts(svc.frozen_rows(request.user, area, days))
    if wall:
        for chart in charts:
            chart["option"]["textStyle"] = WALL_TEXT
            chart["option"]["legend"]["textStyle"] = WALL_TEXT
    context.update(
        {
            "days": days,
            "day_choices": svc.CHART_DAYS,
            "charts": charts,
            "picker": svc.picker(request.user, area),
        }
    )
    return _respond(request, "command/dashboard/dashboard.html", context)


@login_required
def dashboard_panel(request: HttpRequest) -> HttpResponse:
    area = svc.area_for(request.user, request.GET.get("area", ""))
    wall = request.GET.get("wall") == "1"
    return _respond(request, PANEL, _panel_context(request, area, wall))
