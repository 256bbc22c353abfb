"""Command pages, part residents: notices per building, the daily letter, call lists. (API)

`GET /notices` (the notices the caller sees, with the areas above its scope), `GET /calls`
(?area or ?building, ?what: one call list as lines and copyable text, names masked; logged)."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from wangge.api.access import user_of
from wangge.core.audit import record_access
from wangge.core.scope import VIEW, covers
from wangge.places.api import PAGE
from wangge.places.models import Area, Building

from . import calls as svc
from .schemas_residents import CallListOut, NoticeOut
from .services_residents import visible_notices

router = Router(tags=["command-residents"])


@router.get("/notices", response=list[NoticeOut], summary="通告列表（含上级区域发布的通告）")
@paginate(PageNumberPagination, **PAGE)
def list_notices(request, area: int | None = None):
    qs = visible_notices(user_of(request))
    if area is not None:
        qs = qs.filter(area_id=area)
    return qs


@router.get("/calls", response=CallListOut, summary="群发名单（按楼栋单元，一户一行，姓名脱敏）")
def get_calls(request, area: int | None = None, building: int | None = None, what: str = "testing"):
    user = user_of(request)
    if what not in svc.WHATS or what == "no_smartphone":
        raise Http404
    prefix = _prefix(user, area, building)
    if prefix is None:  # no place named, or one outside the caller's scope: an empty list
        calls = svc.CallList(what, str(svc.WHATS[what]), empty_reason=_("请指定网格或楼栋"))
        return _out(calls)
    calls = svc.call_list(what, user, prefix)
    if calls.lines:
        record_access(
            user,
            "api",
            _("群发名单：%(label)s") % {"label": calls.label},
            fields="name_masked,room",
            rows=calls.count,
            scope_path=prefix,
        )
    return _out(calls)


def _prefix(user, area: int | None, building: int | None) -> str | None:
    if building is not None:
        b = Building.objects.for_user(user, VIEW).filter(pk=building).first()
        return b.scope_path if b else None
    if area is not None:
        a = Area.objects.filter(pk=area).first()
        return a.path if a and covers(user, a.path, VIEW) else None
    return None


def _out(calls: svc.CallList) -> dict:
    return {
        "what": calls.what,
        "label": calls.label,
        "source": calls.source,
        "empty_reason": calls.empty_reason,
        "count": calls.count,
        "text": calls.text(),
        "lines": [
            {
                "place": line.place,
                "room": line.room,
                "names": line.names,
                "status": line.status,
                "text": line.text(),
            }
            for line in calls.lines
        ],
    }
