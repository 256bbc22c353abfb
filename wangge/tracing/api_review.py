"""Contact-list API, part review: the open review pairs (pending first, then those put aside),
a decision on one (merged / distinct / later), and the merged list (?day ?new ?area ?kind).

A pair or person the caller cannot see is a 404; deciding needs CHANGE over the pair (else
403); a pair already decided is a 422."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from wangge.api.access import user_of
from wangge.core.audit import record_access
from wangge.core.scope import CHANGE, VIEW, covers
from wangge.places.api import PAGE, WRITE_RESPONSES, area_path

from .models import ListKind, MatchPair
from .schemas_review import DecisionIn, MergedOut, PairOut, merged_out, pair_out
from .services_merged import describe, merged_rows, queue

router = Router(tags=["tracing-review"])


@router.get(
    "/review",
    response=list[PairOut],
    summary="待核对配对（先待核对，按概率从高到低；再稍后再定的）",
)
@paginate(PageNumberPagination, **PAGE)
def list_pairs(request):
    return _Lazy(queue(user_of(request)), lambda page: [pair_out(p) for p in page])


@router.post(
    "/review/{int:pair_id}",
    response={200: PairOut, **WRITE_RESPONSES},
    summary="核对一对记录：merged 同一人 / distinct 不是同一人 / later 稍后再定",
)
def post_decision(request, pair_id: int, payload: DecisionIn):
    user = user_of(request)
    pair = get_object_or_404(MatchPair.objects.for_user(user, VIEW), pk=pair_id)
    if not covers(user, pair.scope_path, CHANGE):
        raise PermissionDenied
    if pair.status not in (MatchPair.Status.PENDING, MatchPair.Status.LATER):
        raise ValidationError({"decision": [_("该配对已核对")]})
    from .services_decisions import decide

    decide(pair, actor=user, decision=payload.decision)
    pair = MatchPair.objects.select_related("left", "right", "right_person").get(pk=pair.pk)
    return pair_out(pair)


@router.get(
    "/merged",
    response=list[MergedOut],
    summary="合并名单（?day 某日名单，?new 只看当日新增，?area 区域，?kind 名单类型）",
)
@paginate(PageNumberPagination, **PAGE)
def list_merged(
    request,
    day: dt.date | None = None,
    new: bool = False,
    area: int | None = None,
    kind: ListKind | None = None,
):
    user = user_of(request)
    path = ""
    if area is not None:
        path = area_path(area) or "/none/"
    qs = merged_rows(user, day=day, new=new, area=path, kind=kind or "")

    def page(people) -> list[dict]:
        rows = [merged_out(p) for p in describe(people)]
        if rows:
            record_access(user, "api", "tracing.merged", fields="name,masked", rows=len(rows))
        return rows

    return _Lazy(qs, page)


class _Lazy:
    """A queryset the paginator slices, rendered one page at a time (a bounded number of
    queries per page, whatever the page size)."""

    def __init__(self, qs, render):
        self.qs, self.render = qs, render

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, item):
        return self.render(self.qs[item])
