"""Registering a closed tube at a sampling table (or by a door-to-door team).

One call per closed tube, carrying a client-generated UUID: a retry (the phone lost the answer,
or sends its queue again) returns the first tube and never a second row, also when two retries
race: the tube INSERT is `ON CONFLICT (client_uuid) DO NOTHING`, so the database decides and
the loser reads the winner's tube.

The usual tube (people by person id or person QR code) takes one statement on PostgreSQL and
three on SQLite whatever the number of people (see tubes_write): the tube INSERT, one INSERT …
SELECT of the samples that checks the persons and their scope, the change log INSERT, and a
SELECT of the people's earlier samples in the round (the double-scan warning). References that
need the registry (ID numbers, persons added on the spot) or that turn out wrong take one more
SELECT of the persons first, which also names each bad reference.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from contextlib import nullcontext
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.mask import mask_id, mask_name
from wangge.core.normalize import NormalizationError, normalize_id_number, to_halfwidth
from wangge.core.qr import HOUSEHOLD, BadQrCode, parse_token
from wangge.core.scope import RECORD, VIEW, covers, scope_paths
from wangge.people.models import Person, Residence
from wangge.people.services import add_residence, create_person
from wangge.places.models import Household

from .models import DoorTeam, Round, SamplingTable, Tube
from .tubes_write import (
    insert_change_log,
    insert_samples,
    insert_tube,
    insert_tube_at_once,
    sampled_rows,
)

BARCODE_MAX = 40
_BARCODE_RE = re.compile(r"[\x21-\x7e]+")  # printable ASCII without spaces


@dataclass(frozen=True)
class NewPerson:
    """A person not in the registry, added on the spot into a household of the area."""

    name: str
    household_id: int
    id_number: str = ""
    phone: str = ""


@dataclass(frozen=True)
class PersonRef:
    """One person put in a tube: by Person id, ID number, a scanned QR code, or new."""

    person_id: int | None = None
    id_number: str = ""
    code: str = ""
    new: NewPerson | None = None
    scanned_at: dt.datetime | None = None


@dataclass(frozen=True)
class TubeWarning:
    person_id: int
    barcode: str  # the other tube the person is already in
    message: str


def normalize_barcode(raw) -> str:
    """A tube barcode as stored and matched (result sheets use the same): half-width, no
    spaces, upper case."""
    return re.sub(r"\s+", "", to_halfwidth(str(raw or ""))).upper()


def _clean_barcode(raw) -> str:
    barcode = normalize_barcode(raw)
    if not barcode:
        raise ValidationError({"barcode": [_("请扫描或输入试管条码")]})
    if len(barcode) > BARCODE_MAX:
        raise ValidationError({"barcode": [_("试管条码过长（最多40个字符）")]})
    if not _BARCODE_RE.fullmatch(barcode):
        raise ValidationError({"barcode": [_("试管条码含有非法字符")]})
    return barcode


def tube_place(
    rnd: Round, table: SamplingTable | None, team: DoorTeam | None, actor
) -> tuple[int | None, str]:
    """(point id, scope path) of a tube taken at `table` or by `team`; the actor must be able
    to change there (PermissionDenied otherwise)."""
    if (table is None) == (team is None):
        raise ValidationError({"table_id": [_("请指定采样台或上门采样组（二选一）")]})
    if table is not None:
        if table.point.round_id != rnd.pk:
            raise ValidationError({"table_id": [_("该采样台不属于本轮检测")]})
        point_id, path = table.point_id, table.scope_path
    else:
        if team.round_id != rnd.pk:
            raise ValidationError({"team_id": [_("该上门采样组不属于本轮检测")]})
        point_id, path = None, team.scope_path
    if not covers(actor, path, RECORD):
        raise PermissionDenied
    return point_id, path


def _ref_error(errors: dict, index: int, message: str) -> None:
    errors.setdefault(f"people.{index}", []).append(
        _("第%(n)d人：%(reason)s") % {"n": index + 1, "reason": message}
    )


def _parse_ref(ref: PersonRef, index: int, errors: dict) -> tuple[str, object] | None:
    """("pk", id) or ("id", ID number) for a reference to a registered person; None after an
    error (recorded in `errors`) or for a new person."""
    if ref.new is not None:
        return None
    if ref.person_id is not None:
        return "pk", int(ref.person_id)
    text = (ref.code or ref.id_number or "").strip()
    if not text:
        _ref_error(errors, index, _("缺少人员信息（人员编号、身份证号或二维码）"))
        return None
    try:
        qr = parse_token(text)
    except BadQrCode:
        _ref_error(errors, index, _("二维码无效或已被篡改"))
        return None
    if qr is not None:
        if qr.kind == HOUSEHOLD:
            _ref_error(errors, index, _("这是住户二维码，请从该户人员中选择"))
            return None
        return "pk", qr.pk
    try:
        number = normalize_id_number(text)
    except NormalizationError as exc:
        _ref_error(
            errors, index, _("身份证号 %(id)s 无效：%(reason)s") % {"id": text, "reason": exc}
        )
        return None
    return "id", number


def resolve_people(people: list[PersonRef], actor) -> tuple[dict[int, Person], dict]:
    """The registered persons the references name, by position, in one query within the actor's
    scope, and the errors (one per bad reference) keyed "people.<position>"."""
    errors: dict[str, list[str]] = {}
    keys = {i: k for i, ref in enumerate(people) if (k := _parse_ref(ref, i, errors))}
    pks = {v for kind, v in keys.values() if kind == "pk"}
    numbers = {v for kind, v in keys.values() if kind == "id"}
    by_key: dict[tuple[str, object], Person] = {}
    if keys:
        found = (
            Person.objects.for_user(actor, VIEW)
            .filter(Q(pk__in=pks) | Q(id_number__in=numbers))
            .only("id", "name", "id_number", "scope_path")
        )
        for p in found:
            by_key[("pk", p.pk)] = p
            if p.id_number:
                by_key[("id", p.id_number)] = p
    resolved: dict[int, Person] = {}
    seen: dict[int, int] = {}
    for i, key in keys.items():
        person = by_key.get(key)
        if person is None:
            if key[0] == "id":
                message = _("身份证号 %(id)s 未登记，可现场登记") % {"id": key[1]}
            else:
                message = _("人员 #%(id)s 不存在或不在您的管辖范围") % {"id": key[1]}
            _ref_error(errors, i, message)
        elif person.pk in seen:
            _ref_error(
                errors,
                i,
                _("%(who)s 已在本管第%(m)d位，同一人不能重复放入")
                % {"who": mask_name(person.name), "m": seen[person.pk] + 1},
            )
        else:
            seen[person.pk] = i
            resolved[i] = person
    return resolved, errors


def _warnings(rows) -> list[TubeWarning]:
    return [
        TubeWarning(
            pid,
            barcode,
            _("%(name)s（%(id)s）本轮已在试管 %(barcode)s 中采样")
            % {"name": mask_name(name), "id": mask_id(number), "barcode": barcode},
        )
        for pid, barcode, name, number in rows
    ]


def sampled_warnings(
    rnd: Round, person_ids, *, exclude_tube: Tube | None = None
) -> list[TubeWarning]:
    """One warning per person already sampled in another tube of the round (one query)."""
    exclude = exclude_tube.pk if exclude_tube is not None else None
    return _warnings(sampled_rows(rnd.pk, person_ids, exclude))


def _replay(rnd: Round, client_uuid: uuid.UUID, actor) -> tuple[Tube, list[TubeWarning]] | None:
    """The tube an earlier request with this UUID created, with its warnings; None if none."""
    tube = Tube.objects.filter(client_uuid=client_uuid).first()
    if tube is None:
        return None
    if tube.round_id != rnd.pk or not covers(actor, tube.scope_path, VIEW):
        raise ValidationError({"client_uuid": [_("该 client_uuid 已被使用")]})
    tube.person_ids = list(tube.samples.order_by("position").values_list("person_id", flat=True))
    return tube, sampled_warnings(rnd, tube.person_ids, exclude_tube=tube)


def _create_on_the_spot(index: int, new: NewPerson, actor, errors: dict) -> Person | None:
    """Add a person found at the table to the registry, living in a household of the actor's
    scope (audited by the people services)."""
    household = (
        Household.objects.for_user(actor, RECORD)
        .select_related("building__area")
        .filter(pk=new.household_id)
        .first()
    )
    if household is None:
        _ref_error(errors, index, _("住户不存在或不在您的管辖范围"))
        return None
    if not (str(new.id_number or "").strip() or str(new.phone or "").strip()):
        _ref_error(errors, index, _("现场登记须填写身份证号或联系电话"))
        return None
    try:
        person = create_person(
            actor=actor,
            home_area=household.building.area,
            name=new.name,
            id_number=new.id_number,
            phone=new.phone,
        )
        add_residence(
            person=person,
            household=household,
            actor=actor,
            relation=Residence.Relation.TEMPORARY,
            registered=False,
        )
    except ValidationError as exc:
        for messages in exc.message_dict.values():
            for message in messages:
                _ref_error(errors, index, f"{new.name} {message}")
        return None
    return person


def _aware(value: dt.datetime | None) -> dt.datetime:
    """In UTC, as read back from the database (a retry then answers the same body)."""
    if value is None:
        return timezone.now()
    return (timezone.make_aware(value) if timezone.is_naive(value) else value).astimezone(dt.UTC)


class _Missing(Exception):
    """A referenced person was not found within the actor's scope while inserting."""


def _capacity(rnd: Round, people: list[PersonRef], single: bool) -> int:
    if rnd.status == Round.Status.CLOSED:
        raise ValidationError({"round": [_("本轮检测已结束，不能再登记试管")]})
    if not people:
        raise ValidationError({"people": [_("试管中还没有人员")]})
    capacity = 1 if single else rnd.pool_size
    if len(people) > capacity:
        raise ValidationError(
            {
                "people": [
                    _("试管已满：本轮每管最多%(cap)d人，提交了%(n)d人")
                    % {"cap": capacity, "n": len(people)}
                ]
            }
        )
    return capacity


def _quick_ids(people: list[PersonRef]) -> list[int] | None:
    """The person ids when every reference is a distinct person id or person QR code (the
    phone's usual case):
    then the samples INSERT itself checks the persons, without reading them first."""
    ids = []
    for ref in people:
        if ref.new is not None:
            return None
        if ref.person_id is not None:
            ids.append(int(ref.person_id))
            continue
        try:
            qr = parse_token((ref.code or ref.id_number or "").strip())
        except BadQrCode:
            return None
        if qr is None or qr.kind == HOUSEHOLD:
            return None
        ids.append(qr.pk)
    return ids if len(set(ids)) == len(ids) else None


def _written(tube: Tube, tube_id: int, person_ids: list[int]) -> None:
    tube.pk = tube.id = tube_id
    tube._state.adding = False
    tube.person_ids = person_ids


def _log_after(tube: Tube, person_ids: list[int]) -> dict:
    return {"barcode": tube.barcode, "people": len(person_ids), "person_ids": person_ids}


def _scanned(people: list[PersonRef]) -> list[dt.datetime | None]:
    return [_aware(ref.scanned_at) if ref.scanned_at else None for ref in people]


def _insert(tube: Tube, people: list[PersonRef], person_ids: list[int], actor) -> bool:
    """Write the tube, its samples and its change log in the caller's transaction. False
    when the client UUID was registered before (nothing written); _Missing when a person is
    not within the actor's scope."""
    tube_id = insert_tube(tube)
    if tube_id is None:
        return False
    _written(tube, tube_id, person_ids)
    inserted = insert_samples(tube, person_ids, _scanned(people), scope_paths(actor, VIEW))
    if inserted != len(person_ids):
        raise _Missing
    insert_change_log(actor, tube, _log_after(tube, person_ids))
    return True


def _at_once(rnd: Round, tube: Tube, people: list[PersonRef], person_ids: list[int], actor):
    """PostgreSQL, the usual tube: everything in one statement (tubes_write). The register
    result, or None when a reference is wrong (nothing written; the caller names it)."""
    # In autocommit the statement is its own transaction; inside a caller's transaction a
    # savepoint keeps a barcode conflict from breaking it.
    atomic = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with atomic:
            tube_id, complete, earlier = insert_tube_at_once(
                tube,
                person_ids,
                _scanned(people),
                scope_paths(actor, VIEW),
                actor,
                _log_after(tube, person_ids),
            )
    except IntegrityError:
        return _taken(rnd, tube, actor)
    if tube_id is None:
        return _taken(rnd, tube, actor) if complete else None
    _written(tube, tube_id, person_ids)
    return tube, True, _warnings(earlier)


def _taken(rnd: Round, tube: Tube, actor) -> tuple[Tube, bool, list[TubeWarning]]:
    """After a conflict: the earlier tube with this client UUID (a retry, perhaps racing the
    first request), else the clear error for a barcode already used in the round."""
    replay = _replay(rnd, tube.client_uuid, actor) if tube.client_uuid is not None else None
    if replay is not None:
        return replay[0], False, replay[1]
    if Tube.objects.filter(round=rnd, barcode=tube.barcode).exists():
        raise ValidationError(
            {"barcode": [_("该试管条码本轮已使用：%(barcode)s") % {"barcode": tube.barcode}]}
        )
    raise ValidationError({"client_uuid": [_("该 client_uuid 已被使用")]})


def register_tube(
    rnd: Round,
    *,
    barcode: str,
    people: list[PersonRef],
    client_uuid: uuid.UUID | None = None,
    closed_at: dt.datetime | None = None,
    table: SamplingTable | None = None,
    team: DoorTeam | None = None,
    single: bool = False,
    actor,
) -> tuple[Tube, bool, list[TubeWarning]]:
    """Register one closed tube. Returns (tube, created, warnings); `created` is False when the
    same client UUID was registered before (the first tube is returned, nothing is written).

    Raises ValidationError with Chinese reasons ("people.<i>" names the bad reference),
    PermissionDenied when the actor may not register at this table or team. `single` registers
    a one-person tube whatever the round's pool size (单管复检 after a positive pool). A retry
    answers the first tube even when the request would now be refused (round closed since)."""
    try:
        return _register(rnd, barcode, people, client_uuid, closed_at, table, team, single, actor)
    except (ValidationError, PermissionDenied):
        replay = _replay(rnd, client_uuid, actor) if client_uuid is not None else None
        if replay is None:
            raise
        return replay[0], False, replay[1]


def _register(rnd, barcode, people, client_uuid, closed_at, table, team, single, actor):
    barcode = _clean_barcode(barcode)
    point_id, scope_path = tube_place(rnd, table, team, actor)
    tube = Tube(
        round=rnd,
        barcode=barcode,
        capacity=_capacity(rnd, people, single),
        point_id=point_id,
        table=table,
        team=team,
        client_uuid=client_uuid,
        closed_at=_aware(closed_at),
        received_at=timezone.now(),
        registered_by_id=actor.pk if getattr(actor, "pk", None) else None,
        scope_path=scope_path,
    )
    person_ids = _quick_ids(people)
    if person_ids is not None and connection.vendor == "postgresql":
        registered = _at_once(rnd, tube, people, person_ids, actor)
        if registered is not None:
            return registered
    elif person_ids is not None:
        warnings = sampled_warnings(rnd, person_ids)
        try:
            with transaction.atomic():
                if not _insert(tube, people, person_ids, actor):
                    return _taken(rnd, tube, actor)
            return tube, True, warnings
        except IntegrityError:
            return _taken(rnd, tube, actor)
        except _Missing:
            pass  # name the wrong reference below
    # References that need the registry first: ID numbers, new persons, or a wrong one.
    resolved, errors = resolve_people(people, actor)
    if errors:
        raise ValidationError(errors)
    warnings = sampled_warnings(rnd, [p.pk for p in resolved.values()]) if resolved else []
    try:
        with transaction.atomic():
            for i, ref in enumerate(people):
                if ref.new is not None:
                    person = _create_on_the_spot(i, ref.new, actor, errors)
                    if person is not None:
                        resolved[i] = person
            if errors:
                raise ValidationError(errors)
            person_ids = [resolved[i].pk for i in range(len(people))]
            if not _insert(tube, people, person_ids, actor):
                return _taken(rnd, tube, actor)
    except IntegrityError:
        return _taken(rnd, tube, actor)
    except _Missing:  # moved out of scope or deleted since resolved: ask to scan again
        raise ValidationError({"people": [_("人员信息刚刚发生变化，请重新扫码")]}) from None
    return tube, True, warnings
