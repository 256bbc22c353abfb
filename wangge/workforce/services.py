"""Writes of the workforce registry: organisations (派出单位/包保单位), workers, and linking a
worker to a user account with a role. Recruitment and sign-ups are in services_recruitment.

Who may do what:
- organisations, workers: CHANGE over their area;
- linking a worker to an account and giving it a role: MANAGE over the worker's area.

Phones and ID numbers are normalised with wangge.core.normalize; every write is audited.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts import services as accounts
from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.core.normalize import (
    NormalizationError,
    clean_text,
    normalize_id_number,
    normalize_name,
    normalize_phone,
)
from wangge.core.scope import CHANGE, MANAGE, VIEW, covers
from wangge.core.services import create_object, update_object
from wangge.places.models import Area, Estate

from .models import Organization, Worker

SKILLS = set(Worker.Skill.values)
# The role a worker's account gets by default, by the worker's kind.
DEFAULT_ROLE = {
    Worker.Kind.STAFF: Role.COMMUNITY_WORKER,
    Worker.Kind.GRID: Role.GRID_LEADER,
    Worker.Kind.CADRE: Role.CADRE,
    Worker.Kind.VOLUNTEER: Role.VOLUNTEER,
    Worker.Kind.MEDICAL: Role.VOLUNTEER,
    Worker.Kind.OTHER: Role.VOLUNTEER,
}
# Roles a worker's account may be given here (administrators are made on the accounts pages).
LINKABLE_ROLES = [r for r in Role if r != Role.ADMIN]


# --- helpers ---------------------------------------------------------------------------------


def _phone(value, field: str = "phone", *, required: bool = True) -> str:
    try:
        phone = normalize_phone(value or "")
    except NormalizationError as exc:
        raise ValidationError({field: [str(exc)]}) from exc
    if required and not phone:
        raise ValidationError({field: [_("请填写联系电话")]})
    return phone


def _id_number(value, field: str = "id_number") -> str:
    try:
        return normalize_id_number(value or "")
    except NormalizationError as exc:
        raise ValidationError({field: [str(exc)]}) from exc


def _name(value, field: str = "name") -> str:
    name = normalize_name(value or "")
    if not name:
        raise ValidationError({field: [_("请填写姓名")]})
    return name[:50]


def _skills(values: Iterable[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(values or []))
    unknown = [s for s in chosen if s not in SKILLS]
    if unknown:
        raise ValidationError({"skills": [_("未知技能：%(s)s") % {"s": "、".join(unknown)}]})
    return chosen


def _require(actor, path: str, action: str = CHANGE) -> None:
    if not covers(actor, path, action):
        raise PermissionDenied(_("不在您的管辖范围内"))


def _check_links(actor, area: Area, organization, estate) -> None:
    errors = {}
    if organization is not None and not (
        Organization.objects.touching(actor, VIEW).filter(pk=organization.pk).exists()
    ):
        errors["organization"] = [_("所选单位不存在或不在您的管辖范围内")]
    estates = Estate.objects.for_user(actor, VIEW)
    if estate is not None and not estates.filter(pk=estate.pk).exists():
        errors["estate"] = [_("所选小区不存在或不在您的管辖范围内")]
    if errors:
        raise ValidationError(errors)


# --- organisations ---------------------------------------------------------------------------


def _org_fields(data: dict) -> dict:
    out = dict(data)
    if "name" in out:
        out["name"] = clean_text(out["name"])[:100]
        if not out["name"]:
            raise ValidationError({"name": [_("请填写单位名称")]})
    if "contact" in out:
        out["contact"] = normalize_name(out["contact"] or "")[:50]
    if "phone" in out:
        out["phone"] = _phone(out["phone"], required=False)
    return out


def _org_unique(area: Area, name: str, pk=None) -> None:
    if Organization.objects.filter(area=area, name=name).exclude(pk=pk).exists():
        raise ValidationError({"name": [_("本区域已登记同名单位")]})


@transaction.atomic
def create_organization(
    *,
    actor,
    area: Area,
    name: str,
    kind: str = Organization.Kind.GOVERNMENT,
    contact: str = "",
    phone: str = "",
    estates: Iterable[Estate] = (),
) -> Organization:
    _require(actor, area.path)
    data = _org_fields({"name": name, "contact": contact, "phone": phone})
    _org_unique(area, data["name"])
    org = create_object(Organization(area=area, kind=kind, **data), actor=actor)
    _set_estates(org, estates, actor)
    return org


def _set_estates(org: Organization, estates, actor) -> None:
    estates = list(estates or [])
    allowed = set(Estate.objects.for_user(actor, VIEW).values_list("pk", flat=True))
    if any(e.pk not in allowed for e in estates):
        raise ValidationError({"estates": [_("所选小区不存在或不在您的管辖范围内")]})
    org.estates.set(estates)


@transaction.atomic
def update_organization(
    org: Organization, data: dict, *, actor, estates: Iterable[Estate] | None = None
) -> Organization:
    _require(actor, org.scope_path)
    allowed = {k: v for k, v in data.items() if k in {"name", "kind", "contact", "phone", "area"}}
    allowed = _org_fields(allowed)
    if "area" in allowed:
        _require(actor, allowed["area"].path)
    _org_unique(allowed.get("area", org.area), allowed.get("name", org.name), org.pk)
    update_object(org, allowed, actor=actor)
    if estates is not None:
        _set_estates(org, estates, actor)
    return org


# --- workers ---------------------------------------------------------------------------------

WORKER_FIELDS = {
    "name",
    "phone",
    "id_number",
    "kind",
    "area",
    "organization",
    "estate",
    "reserve",
    "skills",
    "availability",
    "health",
    "status",
    "note",
}


def _worker_fields(data: dict) -> dict:
    out = {k: v for k, v in data.items() if k in WORKER_FIELDS}
    if "name" in out:
        out["name"] = _name(out["name"])
    if "phone" in out:
        out["phone"] = _phone(out["phone"])
    if "id_number" in out:
        out["id_number"] = _id_number(out["id_number"])
    if "skills" in out:
        out["skills"] = _skills(out["skills"])
    for key, size in (("availability", 200), ("note", 200)):
        if key in out:
            out[key] = clean_text(out[key] or "")[:size]
    return out


def _worker_unique(area: Area, phone: str, pk=None) -> None:
    same = Worker.objects.filter(area=area, phone=phone).exclude(pk=pk).first()
    if same is not None:
        raise ValidationError(
            {"phone": [_("该电话已登记在本区域的人员“%(name)s”名下") % {"name": same.name}]}
        )


@transaction.atomic
def create_worker(*, actor, area: Area, **data) -> Worker:
    """Register a worker in `area` (CHANGE there). `data` are Worker fields."""
    _require(actor, area.path)
    fields = _worker_fields(data)
    if not fields.get("kind"):
        raise ValidationError({"kind": [_("请选择人员类别")]})
    _check_links(actor, area, fields.get("organization"), fields.get("estate"))
    _worker_unique(area, fields["phone"])
    return create_object(Worker(area=area, **fields), actor=actor)


@transaction.atomic
def update_worker(worker: Worker, data: dict, *, actor) -> Worker:
    _require(actor, worker.scope_path)
    fields = _worker_fields(data)
    area = fields.get("area", worker.area)
    if "area" in fields:
        _require(actor, area.path)
    if "organization" in fields or "estate" in fields:
        _check_links(actor, area, fields.get("organization"), fields.get("estate"))
    _worker_unique(area, fields.get("phone", worker.phone), worker.pk)
    update_object(worker, fields, actor=actor)
    return worker


def may_link(user, worker: Worker) -> bool:
    return covers(user, worker.scope_path, MANAGE)


@transaction.atomic
def link_account(
    worker: Worker,
    *,
    actor,
    role: str,
    user: User | None = None,
    username: str = "",
    password: str = "",
) -> tuple[User, RoleAssignment | None]:
    """Link `worker` to an existing account (`user`) or to a new one (`username`, `password`),
    and give that account `role` in the worker's area. Only users who may manage the worker's
    area may do this. Returns the account and the new role assignment (None when the account
    already had that role there)."""
    if not may_link(actor, worker):
        raise PermissionDenied(_("只有能管理该区域账号的管理员才能关联账号"))
    if role not in {r.value for r in LINKABLE_ROLES}:
        raise ValidationError({"role": [_("请选择角色")]})
    if worker.user_id is not None and (user is None or user.pk != worker.user_id):
        raise ValidationError({"__all__": [_("该人员已关联账号“%(u)s”") % {"u": worker.user}]})
    if user is None:
        if not (username or "").strip():
            raise ValidationError({"username": [_("请选择已有账号，或填写新账号的用户名")]})
        user = accounts.create_user(
            username=username,
            password=password,
            actor=actor,
            display_name=worker.name,
            phone=worker.phone,
        )
    else:
        if not accounts.visible_users(actor).filter(pk=user.pk).exists():
            raise ValidationError({"user": [_("所选账号不存在或您无权管理")]})
        other = Worker.objects.filter(user=user).exclude(pk=worker.pk).first()
        if other is not None:
            raise ValidationError(
                {"user": [_("该账号已关联人员“%(name)s”") % {"name": other.name}]}
            )
    assignment = None
    path = worker.area.path
    if not RoleAssignment.objects.filter(user=user, role=role, scope_path=path).exists():
        assignment = accounts.grant_role(user, role=role, actor=actor, area=worker.area)
    if worker.user_id != user.pk:
        update_object(worker, {"user": user}, actor=actor)
    return user, assignment
