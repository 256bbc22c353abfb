"""Data of the review part's tests, made with the ORM directly (not through the import or the
linkage engine): two sources of world.street sending lists on PREV and DAY, merged people and
review pairs.

`scenario(world)` makes, all received by world.street:
- zhao: 赵六, not in the registry, on PREV's 市疾控 list and again on DAY's 派出所 list (not new);
- sun: 孙七, not in the registry, new on DAY (密接, no household);
- sun2: 孙7 (another record of 孙七? — a pending pair with sun, score 0.93);
- zhang: 张伟 matched to world.zhang and household h101, new on DAY (次密接);
- li: 李娜 matched to world.li, new on DAY, already under an active 居家隔离;
- pairs: sun ~ sun2 pending 0.93, zhao ~ world.wang (registry) pending 0.71, zhang ~ li
  put aside ("later").
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from conftest import make_id
from wangge.control.models import ControlOrder, OrderType
from wangge.tracing.models import Batch, ContactPerson, ContactRow, ListKind, MatchPair, Source

PREV = dt.date(2022, 4, 1)
DAY = dt.date(2022, 4, 2)
T0 = timezone.make_aware(dt.datetime(2022, 4, 2, 23, 30))
SUN_ID = make_id(31, birth="19900202")


def source(area, name: str, kind=ListKind.CLOSE) -> Source:
    return Source.objects.create(area=area, name=name, default_kind=kind)


def batch(src: Source, day: dt.date, kind=ListKind.CLOSE, sheet: str = "Sheet1") -> Batch:
    return Batch.objects.create(
        source=src,
        area=src.area,
        day=day,
        kind=kind,
        file_name=f"{src.name}{day:%m%d}.xlsx",
        sheet_name=sheet,
        digest=f"{src.pk}-{day}-{sheet}",
        status=Batch.Status.LINKED,
    )


def contact(
    rows: list[tuple[Batch, dict]],
    *,
    name: str,
    id_number: str = "",
    phone: str = "",
    address: str = "",
    kind=ListKind.CLOSE,
    person=None,
    household=None,
) -> ContactPerson:
    """A merged person and the rows naming them ((batch, fields) each; the row number is the
    next free one of its batch)."""
    days = [b.day for b, _fields in rows]
    scope = household.scope_path if household is not None else rows[0][0].scope_path
    cp = ContactPerson.objects.create(
        name=name,
        id_number=id_number,
        phone=phone,
        address=address,
        kind=kind,
        first_day=min(days),
        last_day=max(days),
        rows_count=len(rows),
        person=person,
        household=household,
        person_match="id" if person is not None else "",
        scope_path=scope,
    )
    for b, fields in rows:
        n = ContactRow.objects.filter(batch=b).count() + 2
        raw = {"姓名": name, "身份证号": id_number, "联系电话": phone, "住址": address}
        ContactRow.objects.create(
            batch=b,
            row_number=n,
            raw=raw,
            name=name,
            id_number=id_number,
            id_valid=bool(id_number),
            phone=phone,
            address=address,
            entity=cp,
            link="new",
            **fields,
        )
    return cp


def pair(left, right=None, *, person=None, score=0.9, status=MatchPair.Status.PENDING, **kw):
    return MatchPair.objects.create(
        left=left,
        right=right,
        right_person=person,
        score=score,
        evidence={"name": "exact", "phone": "differs"},
        status=status,
        **kw,
    )


def active_order(person) -> ControlOrder:
    kind = OrderType.objects.get(code="home_quarantine")
    start = timezone.localdate() - dt.timedelta(days=2)
    return ControlOrder.objects.create(
        person=person,
        order_type=kind,
        starts_on=start,
        ends_on=start + dt.timedelta(days=13),
        source=ControlOrder.Source.MANUAL,
        reason="核酸阳性密接",
    )


def scenario(w) -> SimpleNamespace:
    cdc = source(w.street, "市疾控")
    police = source(w.street, "北京路派出所", kind=ListKind.SECONDARY)
    cdc_prev = batch(cdc, PREV)
    cdc_day = batch(cdc, DAY)
    police_day = batch(police, DAY, kind=ListKind.SECONDARY, sheet="次密接")
    zhao = contact(
        [(cdc_prev, {"note": "同车"}), (police_day, {"sex": "M"})],
        name="赵六",
        phone="13611110006",
        address="阳光小区5号楼",
    )
    sun = contact(
        [(cdc_day, {"exposure": "同餐", "note": "已电话通知"})],
        name="孙七",
        id_number=SUN_ID,
        phone="13611110007",
        address="北京路18号",
    )
    sun2 = contact([(police_day, {})], name="孙7", phone="13611110077", kind=ListKind.SECONDARY)
    zhang = contact(
        [(police_day, {})],
        name="张伟",
        id_number=w.zhang.id_number,
        phone=w.zhang.phone,
        kind=ListKind.SECONDARY,
        person=w.zhang,
        household=w.h101,
    )
    li = contact(
        [(cdc_day, {})],
        name="李娜",
        id_number=w.li.id_number,
        phone=w.li.phone,
        person=w.li,
        household=w.h201,
    )
    order = active_order(w.li)
    p_sun = pair(sun, sun2, score=0.93)
    p_zhao = pair(zhao, person=w.wang, score=0.71)
    p_later = pair(
        zhang,
        li,
        score=0.95,
        status=MatchPair.Status.LATER,
        decided_at=T0,
    )
    return SimpleNamespace(
        cdc=cdc,
        police=police,
        cdc_prev=cdc_prev,
        cdc_day=cdc_day,
        police_day=police_day,
        zhao=zhao,
        sun=sun,
        sun2=sun2,
        zhang=zhang,
        li=li,
        order=order,
        p_sun=p_sun,
        p_zhao=p_zhao,
        p_later=p_later,
    )
