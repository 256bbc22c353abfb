"""Command API, part dashboard: one area's figures now (every figure of the registry, with its
section, whether it is a "who is left" count or an alert), the alerts that are not zero with
the newest items behind them, and the time of the data. ?area= (default: the caller's top area)
is a filter like the other lists of the API: an area outside the caller's scope (or a caller
without any) gives an empty answer — no area, no figures — never another street's numbers."""

from django.http import Http404
from django.utils import timezone
from ninja import Router

from wangge.api.access import user_of

from . import alerts as alert_feeds
from . import services_dashboard as svc
from .schemas_dashboard import DashboardOut

router = Router(tags=["command-dashboard"])


@router.get("/dashboard", response=DashboardOut, summary="指挥大屏：区域当前数据和预警")
def get_dashboard(request, area: int | None = None):
    user = user_of(request)
    now = timezone.now()
    try:
        place = svc.area_for(user, "" if area is None else str(area))
    except Http404:
        return {"area": None, "at": now, "figures": [], "alerts": [], "feeds": []}
    board = svc.board(place, now)
    return {
        "area": {"id": place.pk, "name": place.name, "level": place.level},
        "at": now,
        "figures": [f.as_dict() for f in board.figures],
        "alerts": [f.as_dict() for f in board.alerts],
        "feeds": [f.as_dict() for f in alert_feeds.feeds(user, place.path, now)],
    }
