"""Writes about users: accounts, passwords, role assignments, API tokens; and sign-in rate limiting.

Every write is audited with the change log. Password hashes and token keys are never logged.
An administrator acts only inside their own scope (the paths where they hold MANAGE).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import change_row, record_change, snapshot
from wangge.core.models import ChangeLog
from wangge.core.normalize import NormalizationError, normalize_phone
from wangge.core.scope import MANAGE, covers, path_q, scope_paths
from wangge.places.models import Area, Building, Unit

from .models import ApiToken, LoginAttempt, RoleAssignment, User
from .roles import Role

USER_AUDIT_FIELDS = ["username", "display_name", "phone", "email", "is_active"]
TOKEN_AUDIT_FIELDS = ["user_id", "name", "prefix", "expires_at"]
LOGIN_WINDOW = dt.timedelta(minutes=15)


# --- sign-in rate limiting -------------------------------------------------------------------


def _login_key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def login_limits() -> tuple[int, int]:
    """Failures allowed per username, and per address (an office shares one address, so more)."""
    per_user = settings.LOGIN_RATE_LIMIT
    return per_user, getattr(settings, "LOGIN_RATE_LIMIT_PER_IP", per_user * 5)


def login_blocked(username: str, ip: str) -> bool:
    """Whether sign-in is refused: too many recent failures for this username or this address."""
    since = timezone.now() - LOGIN_WINDOW
    recent = LoginAttempt.objects.filter(at__gte=since)
    per_user, per_ip = login_limits()
    key = _login_key(username)
    if key and recent.filter(username=key).count() >= per_user:
        return True
    return bool(ip) and recent.filter(ip=ip).count() >= per_ip


def record_login_failure(username: str, ip: str) -> None:
    LoginAttempt.objects.filter(at__lt=timezone.now() - LOGIN_WINDOW).delete()
    LoginAttempt.objects.create(username=_login_key(username), ip=ip or "")


def clear_login_failures(username: str) -> None:
    LoginAttempt.objects.filter(username=_login_key(username)).delete()


# --- who an administrator sees and manages ---------------------------------------------------


def users_created_by(actor) -> QuerySet:
    ids = ChangeLog.objects.filter(
        model="accounts.user", action=ChangeLog.Action.CREATE, actor=actor
    ).values_list("object_id", flat=True)
    return User.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])


def visible_users(actor) -> QuerySet:
    """Users with a role in the actor's MANAGE scope, or without any role and created by them."""
    paths = scope_paths(actor, MANAGE)
    if not paths:
        return User.objects.none()
    q = path_q(paths, "role_assignments__scope_path")
    if q is None:
        return User.objects.all()
    in_scope = User.objects.filter(q).values("pk")
    fresh = users_created_by(actor).filter(role_assignments__isnull=True).values("pk")
    return User.objects.filter(Q(pk__in=in_scope) | Q(pk__in=fresh))


def can_manage_user(actor, target: User) -> bool:
    """An administrator may change a user only when every role the user holds lies in their scope
    (else a password reset would open someone else's area). Superusers are managed by superusers."""
    if actor.is_superuser:
        return True
    if target.is_superuser or not scope_paths(actor, MANAGE):
        return False
    paths = [a.scope_path for a in target.role_assignments.all()]
    if not paths:
        return users_created_by(actor).filter(pk=target.pk).exists()
    return all(covers(actor, p, MANAGE) for p in paths)


def _require_manage(actor, target: User) -> None:
    if not can_manage_user(actor, target):
        raise PermissionDenied(_("您无权管理此用户"))


def _log_user(actor, action: str, user: User, before=None, after=None) -> None:
    if action == ChangeLog.Action.UPDATE and before is not None:
        keys = [k for k in after if before.get(k) != after.get(k)]
        before, after = {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
        if not keys:
            return
    row = change_row(actor, action, user, before, after)
    first = user.role_assignments.values_list("scope_path", flat=True).first()
    manage = scope_paths(actor, MANAGE) if getattr(actor, "pk", None) else []
    row.scope_path = first or (manage[0] if manage else "")
    row.save()


# --- users and passwords ---------------------------------------------------------------------


def _clean_phone(phone: str) -> str:
    try:
        return normalize_phone(phone or "")
    except NormalizationError as exc:
        raise ValidationError({"phone": [str(exc)]}) from exc


@transaction.atomic
def create_user(
    *, username: str, password: str, actor, display_name: str = "", phone: str = "", email: str = ""
) -> User:
    if actor is not None and not actor.is_superuser and not scope_paths(actor, MANAGE):
        raise PermissionDenied(_("您无权新增用户"))
    username = (username or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("该用户名已被使用")]})
    user = User(
        username=username,
        display_name=(display_name or "").strip(),
        phone=_clean_phone(phone),
        email=email or "",
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    _log_user(actor, ChangeLog.Action.CREATE, user, None, snapshot(user, USER_AUDIT_FIELDS))
    return user


@transaction.atomic
def update_user(user: User, data: dict, *, actor) -> bool:
    """Change display name, phone, e-mail or active flag."""
    _require_manage(actor, user)
    editable = {"display_name", "phone", "email", "is_active"}
    allowed = {k: v for k, v in data.items() if k in editable}
    if "phone" in allowed:
        allowed["phone"] = _clean_phone(allowed["phone"])
    if getattr(actor, "pk", None) == user.pk and allowed.get("is_active") is False:
        raise ValidationError({"is_active": [_("不能停用自己的账号")]})
    before = snapshot(user, USER_AUDIT_FIELDS)
    for key, value in allowed.items():
        setattr(user, key, value)
    after = snapshot(user, USER_AUDIT_FIELDS)
    if before == after:
        return False
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(allowed))
    _log_user(actor, ChangeLog.Action.UPDATE, user, before, after)
    return True


@transaction.atomic
def set_password(user: User, password: str, *, actor) -> None:
    """Set a new password (hashed by Django); the log says only that it was changed."""
    if actor is None or actor.pk != user.pk:
        _require_manage(actor, user)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    _log_user(actor, ChangeLog.Action.UPDATE, user, None, {"password_set": True})


# --- roles -----------------------------------------------------------------------------------


@transaction.atomic
def grant_role(
    user: User,
    *,
    role: str,
    actor,
    area: Area,
    building: Building | None = None,
    unit: Unit | None = None,
) -> RoleAssignment:
    """Give `user` a role in a place inside the actor's scope (never above it)."""
    if role not in Role.values:
        raise ValidationError({"role": [_("未知角色")]})
    # Adding a role in one's own area gives the administrator no new power: any user they can
    # see (one with a role in their scope, or created by them) may receive it.
    if not visible_users(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("您无权管理此用户"))
    assignment = RoleAssignment(user=user, role=role, area=area, building=building, unit=unit)
    place = unit or building or area
    path = place.path if isinstance(place, Area) else place.scope_path
    if not covers(actor, path, MANAGE):
        raise PermissionDenied(_("只能在自己的管辖范围内分配角色"))
    if RoleAssignment.objects.filter(user=user, role=role, scope_path=path).exists():
        raise ValidationError({"role": [_("该用户在此范围已有此角色")]})
    assignment.save()
    record_change(actor, ChangeLog.Action.CREATE, assignment, None, snapshot(assignment))
    return assignment


@transaction.atomic
def revoke_role(assignment: RoleAssignment, *, actor) -> None:
    if not covers(actor, assignment.scope_path, MANAGE):
        raise PermissionDenied(_("只能撤销自己管辖范围内的角色"))
    record_change(actor, ChangeLog.Action.DELETE, assignment, snapshot(assignment), None)
    user = assignment.user
    assignment.delete()
    user.__dict__.pop("_wangge_scope_cache", None)


# --- API tokens ------------------------------------------------------------------------------


@transaction.atomic
def issue_token(user: User, name: str, *, actor) -> tuple[ApiToken, str]:
    """A new API token for `user`. Returns the key, which is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("请填写令牌用途")]})
    token, key = ApiToken.issue(user, name)
    record_change(actor, ChangeLog.Action.CREATE, token, None, snapshot(token, TOKEN_AUDIT_FIELDS))
    return token, key


@transaction.atomic
def revoke_token(token: ApiToken, *, actor) -> None:
    record_change(actor, ChangeLog.Action.DELETE, token, snapshot(token, TOKEN_AUDIT_FIELDS), None)
    token.delete()
