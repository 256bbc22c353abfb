"""Antigen self-tests (抗原自测): kits delivered to households and results per person.

Writes from phones carry a client UUID, so that a retried request returns the first row and
never creates a second one. A person has at most one result a day: a second report of the same
day updates it (the latest report counts), and reporting the same result again changes nothing.
Every write is audited; reports from the household's public page under the channel "public".
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import record_change, snapshot
from wangge.core.models import ChangeLog
from wangge.core.ratelimit import public_channel
from wangge.people.models import Person, Residence
from wangge.places.models import Household

from .models import AntigenDelivery, AntigenResult, Round

MAX_KITS = 200  # kits handed to one household at once
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
RELATION_ORDER = {rel: i for i, rel in enumerate(Residence.Relation.values)}


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _replayed(model, client_uuid, field: str, owner_pk: int, message: str):
    """The row an earlier request with this client UUID wrote (None if none). A UUID sent again
    for another household or person is refused with `message`."""
    if not client_uuid:
        return None
    row = model.objects.filter(client_uuid=client_uuid).first()
    if row is not None and getattr(row, field) != owner_pk:
        raise ValidationError(message)
    return row


def living_residents(household: Household) -> list[Person]:
    """The people currently living in the household: householder first, each person once."""
    residences = Residence.objects.filter(
        household=household, living=True, until__isnull=True
    ).select_related("person")
    seen: set[int] = set()
    people = []
    for r in sorted(residences, key=lambda r: (RELATION_ORDER.get(r.relation, 9), r.pk)):
        if r.person_id not in seen:
            seen.add(r.person_id)
            people.append(r.person)
    return people


def record_delivery(
    household: Household,
    *,
    count: int,
    date: dt.date,
    delivered_by: str = "",
    rnd: Round | None = None,
    client_uuid: uuid.UUID | None = None,
    actor,
) -> tuple[AntigenDelivery, bool]:
    """Record kits handed to a household. Returns (delivery, created); a request retried with
    the same client UUID returns the first delivery."""
    message = _("该提交编号已用于另一户，请刷新页面后重试。")
    if existing := _replayed(AntigenDelivery, client_uuid, "household_id", household.pk, message):
        return existing, False
    if not 1 <= count <= MAX_KITS:
        raise ValidationError(
            {"count": _("数量应在 1 到 %(max)s 之间。") % {"max": MAX_KITS}}, code="count"
        )
    if date > timezone.localdate():
        raise ValidationError({"date": _("发放日期不能晚于今天。")})
    if rnd is not None and not household.scope_path.startswith(rnd.area.path):
        raise ValidationError(_("该住户不在本轮检测区域内。"))
    delivery = AntigenDelivery(
        household=household,
        round=rnd,
        count=count,
        date=date,
        delivered_by=delivered_by.strip()[:50],
        recorded_by=_actor(actor),
        client_uuid=client_uuid,
    )
    try:
        with transaction.atomic():
            delivery.save()
            record_change(actor, ChangeLog.Action.CREATE, delivery, None, snapshot(delivery))
    except IntegrityError:  # the same request arrived twice at once
        if client_uuid is None:
            raise
        return AntigenDelivery.objects.get(client_uuid=client_uuid), False
    return delivery, True


def record_result(
    person: Person,
    *,
    date: dt.date,
    result: str,
    source: str = AntigenResult.Source.WORKER,
    client_uuid: uuid.UUID | None = None,
    actor,
) -> tuple[AntigenResult, str]:
    """Record a person's antigen result of one day; returns (row, CREATED/UPDATED/UNCHANGED)."""
    if result not in AntigenResult.Result.values:
        raise ValidationError({"result": _("请选择阴性、阳性或无效。")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("检测日期不能晚于今天。")})
    message = _("该提交编号已用于另一人，请刷新页面后重试。")
    if replayed := _replayed(AntigenResult, client_uuid, "person_id", person.pk, message):
        return replayed, UNCHANGED
    for _attempt in range(2):
        with transaction.atomic():
            row = AntigenResult.objects.select_for_update().filter(person=person, date=date).first()
            if row is not None:
                if row.result == result:
                    return row, UNCHANGED
                before = snapshot(row)
                row.result, row.source, row.recorded_by = result, source, _actor(actor)
                row.save(update_fields=["result", "source", "recorded_by"])
                record_change(actor, ChangeLog.Action.UPDATE, row, before, snapshot(row))
                return row, UPDATED
            try:
                with transaction.atomic():
                    row = AntigenResult.objects.create(
                        person=person,
                        date=date,
                        result=result,
                        source=source,
                        recorded_by=_actor(actor),
                        client_uuid=client_uuid,
                    )
            except IntegrityError:  # a concurrent report of the same person and day: update it
                continue
            record_change(actor, ChangeLog.Action.CREATE, row, None, snapshot(row))
            return row, CREATED
    raise ValidationError(_("提交冲突，请重试。"))


def record_household_results(
    household: Household,
    results: dict[int, str],
    *,
    date: dt.date,
    source: str = AntigenResult.Source.WORKER,
    client_uuid: uuid.UUID | None = None,
    actor,
) -> Counter:
    """Record the results of several residents of one household ({person id: result}; an empty
    result skips the person). Only people living in the household are accepted. Returns the
    count of rows created, updated and unchanged."""
    residents = {p.pk: p for p in living_residents(household)}
    if set(results) - set(residents):
        raise ValidationError(_("只能为本户现住人员登记结果。"))
    outcome: Counter = Counter()
    with transaction.atomic():
        for person_id, result in results.items():
            if not result:
                continue
            # One UUID per person derived from the request's, so a retry replays each row.
            row_uuid = uuid.uuid5(client_uuid, str(person_id)) if client_uuid else None
            _row, status = record_result(
                residents[person_id],
                date=date,
                result=result,
                source=source,
                client_uuid=row_uuid,
                actor=actor,
            )
            outcome[status] += 1
    return outcome


def self_report(
    household: Household, results: dict[int, str], *, client_uuid: uuid.UUID | None = None
) -> Counter:
    """Today's results reported by the household itself from its QR page (no user)."""
    with public_channel():
        return record_household_results(
            household,
            results,
            date=timezone.localdate(),
            source=AntigenResult.Source.SELF,
            client_uuid=client_uuid,
            actor=None,
        )
