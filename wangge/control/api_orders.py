"""Control API, orders part: people under measures (list with filters, one order), placing one
person or a whole household, bulk placement from person ids, extending, releasing, cancelling.

Orders are listed within the caller's scope (an outsider's list is empty; one order outside it
is a 404). Writes need CHANGE: a volunteer gets 403.

Retries: orders carry no client UUID. A create sent twice is refused the second time by the
overlap rule (a person cannot hold two overlapping orders of the same type): 400 with the
existing order's id in `existing_order_id`, so a client that lost the first answer finds its
order. In a household or bulk placement the same shows as a refusal with `existing_order_id`.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from wangge.api.access import require_action, user_of, writable
from wangge.core.scope import CHANGE, VIEW
from wangge.people.models import Person
from wangge.places.api import PAGE, WRITE_RESPONSES, within_area
from wangge.places.models import Household

from . import services, services_orders, services_orders_bulk
from .models import ControlOrder, OrderType
from .schemas_orders import (
    BulkIn,
    CancelIn,
    ExtendIn,
    OrderIn,
    OrderOut,
    OverlapOut,
    PlacementOut,
    ReleaseIn,
)
from .services_orders import visible_orders
from .services_orders_bulk import Candidate, Placement, Refusal

router = Router()
PLACE_RESPONSES = {200: PlacementOut, 201: PlacementOut, 400: OverlapOut, **WRITE_RESPONSES}


@router.get(
    "/orders",
    response=list[OrderOut],
    summary="管控人员（可按状态、措施、区域、人员、到期日筛选）",
)
@paginate(PageNumberPagination, **PAGE)
def list_orders(
    request,
    status: str = "",
    type: str = "",  # noqa: A002 - the query parameter's name
    area: int | None = None,
    person: int | None = None,
    due: dt.date | None = None,
):
    """`status`: active, released or cancelled (another value finds nothing); `due`: orders
    still in force whose end date is that day or earlier (the release list of that day)."""
    qs = within_area(visible_orders(user_of(request), VIEW), area)
    if status.strip():
        qs = qs.filter(status=status.strip())
    if type.strip():
        qs = qs.filter(order_type__code=type.strip())
    if person is not None:
        qs = qs.filter(person_id=person)
    if due is not None:
        qs = qs.filter(status=ControlOrder.Status.ACTIVE, ends_on__lte=due)
    return qs.order_by("ends_on", "pk")


@router.get("/orders/{int:order_id}", response=OrderOut, summary="一项管控措施")
def get_order(request, order_id: int):
    return get_object_or_404(visible_orders(user_of(request), VIEW), pk=order_id)


def _order_type(code: str) -> OrderType:
    found = OrderType.objects.filter(code=code).first()
    if found is None:
        raise ValidationError({"order_type": [_("未知的管控措施：%(code)s") % {"code": code}]})
    return found


def _worker(worker_id: int | None, path: str):
    if worker_id is None:
        return None
    worker = services_orders.workers_for(path).filter(pk=worker_id).first()
    if worker is None:
        raise ValidationError({"worker_id": [_("所选责任人不负责该区域，请重新选择")]})
    return worker


def _fields(payload, order_type: OrderType, worker) -> dict:
    return {
        "order_type": order_type,
        "source": payload.source,
        "source_ref": payload.source_ref.strip(),
        "reason": payload.reason.strip(),
        "starts_on": payload.starts_on,
        "days": payload.days,
        "worker": worker,
        "worker_name": payload.worker_name.strip(),
        "worker_phone": payload.worker_phone.strip(),
    }


def _placement(result: Placement) -> dict:
    ids = [o.pk for o in result.placed]
    placed = ControlOrder.objects.filter(pk__in=ids).select_related(*services_orders.RELATED)
    return {
        "placed": list(placed.order_by("pk")) if ids else [],
        "refused": [
            {
                "person_id": r.person_id,
                "name": r.name,
                "reason": r.reason,
                "existing_order_id": r.existing.pk if r.existing else None,
            }
            for r in result.refused
        ],
    }


@router.post(
    "/orders",
    response=PLACE_RESPONSES,
    summary="下达管控措施：一个人（person_id）或整户（household_id）",
    description="返回已下达（placed）与未下达（refused，含原因）。重复提交同一人员的同类措施"
    "因与已有措施重叠而被拒绝：单人时返回 400 与 existing_order_id，整户时列入 refused。",
)
def post_order(request, payload: OrderIn):
    user = user_of(request)
    require_action(request, CHANGE)
    if (payload.person_id is None) == (payload.household_id is None):
        raise ValidationError({"person_id": [_("person_id 与 household_id 须填写其中一个")]})
    order_type = _order_type(payload.order_type)
    if payload.person_id is not None:
        person = writable(Person, request, payload.person_id, CHANGE)
        fields = _fields(payload, order_type, _worker(payload.worker_id, person.scope_path))
        starts_on = payload.starts_on or timezone.localdate()
        ends_on = starts_on + dt.timedelta(days=(payload.days or order_type.days) - 1)
        clash = services.overlapping(person, order_type, starts_on, ends_on)
        if clash is not None:
            text = _("%(name)s 已有%(type)s（%(start)s 至 %(end)s，编号 %(id)s），不能重复下达")
            detail = text % {
                "name": person.name,
                "type": order_type.name,
                "start": clash.starts_on,
                "end": clash.ends_on,
                "id": clash.pk,
            }
            return Status(400, {"detail": detail, "existing_order_id": clash.pk})
        fields.pop("order_type")
        order = services.place_order(person, order_type, actor=user, **fields)
        return Status(201, _placement(Placement(placed=[order])))
    household = writable(Household, request, payload.household_id, CHANGE)
    fields = _fields(payload, order_type, _worker(payload.worker_id, household.scope_path))
    result = services_orders_bulk.place_candidates(
        services_orders_bulk.household_candidates(household),
        actor=user,
        household=household,
        **fields,
    )
    return Status(201 if result.placed else 200, _placement(result))


@router.post(
    "/orders/bulk",
    response=PLACE_RESPONSES,
    summary="批量下达：按人员 id 列表，逐人报告未下达的原因",
)
def post_orders_bulk(request, payload: BulkIn):
    user = user_of(request)
    require_action(request, CHANGE)
    order_type = _order_type(payload.order_type)
    wanted = list(dict.fromkeys(payload.person_ids))
    changeable = {p.pk: p for p in Person.objects.for_user(user, CHANGE).filter(pk__in=wanted)}
    visible = set(
        Person.objects.for_user(user, VIEW).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    candidates, refused = [], []
    for pk in wanted:
        if pk in changeable:
            candidates.append(Candidate(changeable[pk]))
        elif pk in visible:
            refused.append(Refusal("", _("不在您的管辖范围内"), pk))
        else:
            refused.append(Refusal("", _("未找到该人员"), pk))
    path = services_orders.common_path(c.person.scope_path for c in candidates)
    fields = _fields(payload, order_type, _worker(payload.worker_id, path))
    result = services_orders_bulk.place_candidates(
        candidates, actor=user, refused=refused, **fields
    )
    return Status(201 if result.placed else 200, _placement(result))


def _writable(request, order_id: int) -> ControlOrder:
    qs = ControlOrder.objects.select_related(*services_orders.RELATED)
    return writable(ControlOrder, request, order_id, CHANGE, qs)


@router.post(
    "/orders/{int:order_id}/extend",
    response={200: OrderOut, **WRITE_RESPONSES},
    summary="延长管控（结束日期顺延，随访同时顺延）",
)
def post_extend(request, order_id: int, payload: ExtendIn):
    order = _writable(request, order_id)
    return services.extend(order, payload.days, actor=user_of(request), reason=payload.reason)


@router.post(
    "/orders/{int:order_id}/release",
    response={200: OrderOut, **WRITE_RESPONSES},
    summary="解除管控（期满当日起；提前解除须 early=true 并填写 note）；隔离牌、封条记录撤除",
)
def post_release(request, order_id: int, payload: ReleaseIn):
    order = _writable(request, order_id)
    return services.release(order, actor=user_of(request), note=payload.note, early=payload.early)


@router.post(
    "/orders/{int:order_id}/cancel",
    response={200: OrderOut, **WRITE_RESPONSES},
    summary="撤销误下达的管控措施（须填写原因）",
)
def post_cancel(request, order_id: int, payload: CancelIn):
    order = _writable(request, order_id)
    return services_orders.cancel(order, user_of(request), payload.reason)
