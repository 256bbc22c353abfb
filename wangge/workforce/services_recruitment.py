"""Recruitment (招募) and the volunteer sign-ups (志愿者报名) it collects: creating, changing and
closing a recruitment, its signed public code, the public sign-up, and approving or declining
a sign-up (an approved volunteer becomes a Worker, or is linked to the one already registered).

Who may do what:
- recruitment posts, deciding sign-ups: CHANGE over their area;
- signing up: anyone holding the recruitment's signed code (the public page), while the
  recruitment is open and has not ended.

Names, phones, ID numbers and skills are cleaned as in services; every write is audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.normalize import clean_text
from wangge.core.scope import VIEW
from wangge.core.services import create_object, update_object
from wangge.places.models import Area

from .models import Recruitment, SignUp, Worker
from .services import _id_number, _name, _phone, _require, _skills

JOIN_SALT = "wangge.workforce.join"


# --- recruitment -----------------------------------------------------------------------------


def recruitment_token(recruitment: Recruitment) -> str:
    return signing.Signer(salt=JOIN_SALT).sign(str(recruitment.pk))


def recruitment_id_from_token(token: str) -> int | None:
    try:
        value = signing.Signer(salt=JOIN_SALT).unsign(token or "")
    except signing.BadSignature:
        return None
    return int(value) if value.isascii() and value.isdigit() else None


def _recruitment_fields(data: dict) -> dict:
    keys = {"title", "description", "starts_at", "ends_at", "needed", "skills", "area"}
    out = {k: v for k, v in data.items() if k in keys}
    if "title" in out:
        out["title"] = clean_text(out["title"])[:100]
        if not out["title"]:
            raise ValidationError({"title": [_("请填写标题，如“今天核酸采样严重缺人”")]})
    if "skills" in out:
        out["skills"] = _skills(out["skills"])
    if "needed" in out and (out["needed"] is None or out["needed"] < 1):
        raise ValidationError({"needed": [_("需要人数至少为 1")]})
    return out


def _check_times(starts_at, ends_at) -> None:
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("结束时间应晚于开始时间")]})


def _set_posts(recruitment: Recruitment, posts, actor) -> None:
    from .models import Post

    posts = list(posts or [])
    allowed = set(Post.objects.touching(actor, VIEW).values_list("pk", flat=True))
    if any(p.pk not in allowed for p in posts):
        raise ValidationError({"posts": [_("所选岗位不存在或不在您的管辖范围内")]})
    recruitment.posts.set(posts)


@transaction.atomic
def create_recruitment(*, actor, area: Area, posts=(), **data) -> Recruitment:
    _require(actor, area.path)
    fields = _recruitment_fields(data)
    _check_times(fields.get("starts_at"), fields.get("ends_at"))
    recruitment = create_object(
        Recruitment(area=area, created_by=actor if getattr(actor, "pk", None) else None, **fields),
        actor=actor,
    )
    _set_posts(recruitment, posts, actor)
    return recruitment


@transaction.atomic
def update_recruitment(recruitment: Recruitment, data: dict, *, actor, posts=None) -> Recruitment:
    _require(actor, recruitment.scope_path)
    fields = _recruitment_fields(data)
    if "area" in fields:
        _require(actor, fields["area"].path)
    _check_times(
        fields.get("starts_at", recruitment.starts_at), fields.get("ends_at", recruitment.ends_at)
    )
    update_object(recruitment, fields, actor=actor)
    if posts is not None:
        _set_posts(recruitment, posts, actor)
    return recruitment


@transaction.atomic
def close_recruitment(recruitment: Recruitment, *, actor, open: bool = False) -> Recruitment:
    """Stop (or, with open=True, resume) taking sign-ups."""
    _require(actor, recruitment.scope_path)
    if open and recruitment.ends_at <= timezone.now():
        message = _("招募已结束，不能重新开放；请修改结束时间或新建招募")
        raise ValidationError({"__all__": [message]})
    update_object(recruitment, {"open": open}, actor=actor)
    return recruitment


def accepting(recruitment: Recruitment, now=None) -> bool:
    return recruitment.open and recruitment.ends_at > (now or timezone.now())


def approved_count(recruitment: Recruitment) -> int:
    return recruitment.signups.filter(status=SignUp.Status.APPROVED).count()


def still_needed(recruitment: Recruitment) -> int:
    return max(recruitment.needed - approved_count(recruitment), 0)


# --- sign-ups --------------------------------------------------------------------------------


def sign_up(
    recruitment: Recruitment,
    *,
    name: str,
    phone: str,
    healthy: bool,
    skills: Iterable[str] = (),
    availability: str = "",
    id_number: str = "",
    note: str = "",
    client_uuid: uuid.UUID | None = None,
) -> tuple[SignUp, bool]:
    """A volunteer's sign-up from the public page. Idempotent: the same client UUID, or the
    same phone for the same recruitment, returns the first sign-up (created False)."""
    if client_uuid is not None:
        first = SignUp.objects.filter(client_uuid=client_uuid).first()
        if first is not None:
            if first.recruitment_id != recruitment.pk:
                raise ValidationError({"client_uuid": [_("该 client_uuid 已被使用")]})
            return first, False
    if not accepting(recruitment):
        raise ValidationError({"__all__": [_("本次招募已结束，感谢您的关注")]})
    errors: dict[str, list[str]] = {}
    fields = {}
    for key, clean in (("name", _name), ("phone", _phone), ("id_number", _id_number)):
        value = {"name": name, "phone": phone, "id_number": id_number}[key]
        try:
            fields[key] = clean(value)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        fields["skills"] = _skills(skills)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not healthy:
        errors["healthy"] = [_("请确认本人身体健康、未处于隔离或居家健康监测期")]
    if errors:
        raise ValidationError(errors)
    same = SignUp.objects.filter(recruitment=recruitment, phone=fields["phone"]).first()
    if same is not None:
        return same, False
    row = SignUp(
        recruitment=recruitment,
        availability=clean_text(availability or "")[:200],
        note=clean_text(note or "")[:200],
        healthy=True,
        client_uuid=client_uuid,
        **fields,
    )
    try:
        with transaction.atomic():
            create_object(row, actor=None)
    except (IntegrityError, ValidationError):
        # A concurrent retry (same UUID or same phone) committed first.
        same = SignUp.objects.filter(recruitment=recruitment, phone=fields["phone"]).first()
        if same is None:
            raise
        return same, False
    return row, True


def _lock_pending(signup: SignUp, actor) -> SignUp:
    _require(actor, signup.scope_path)
    locked = (
        SignUp.objects.select_for_update().select_related("recruitment__area").get(pk=signup.pk)
    )
    if locked.status != SignUp.Status.PENDING:
        raise ValidationError(
            {"__all__": [_("该报名已处理（%(s)s）") % {"s": locked.get_status_display()}]}
        )
    return locked


@transaction.atomic
def approve(signup: SignUp, *, actor) -> Worker:
    """Approve a pending sign-up: the volunteer becomes a Worker of kind volunteer in the
    recruitment's area, or the worker already registered there with that phone is linked (and
    made active). Approving twice is refused."""
    locked = _lock_pending(signup, actor)
    area = locked.recruitment.area
    worker = (
        Worker.objects.select_for_update()
        .filter(phone=locked.phone, scope_path__startswith=area.path)
        .order_by("pk")
        .first()
    )
    if worker is None:
        worker = create_object(
            Worker(
                name=locked.name,
                phone=locked.phone,
                id_number=locked.id_number,
                kind=Worker.Kind.VOLUNTEER,
                area=area,
                skills=list(locked.skills),
                availability=locked.availability,
                health=Worker.Health.GREEN,
                status=Worker.Status.ACTIVE,
            ),
            actor=actor,
        )
    else:
        changes: dict = {"skills": list(dict.fromkeys([*worker.skills, *locked.skills]))}
        if worker.status != Worker.Status.ACTIVE:
            changes["status"] = Worker.Status.ACTIVE
        if not worker.id_number and locked.id_number:
            changes["id_number"] = locked.id_number
        if locked.availability and not worker.availability:
            changes["availability"] = locked.availability
        update_object(worker, changes, actor=actor)
    update_object(
        locked,
        {
            "status": SignUp.Status.APPROVED,
            "worker": worker,
            "decided_by": actor if getattr(actor, "pk", None) else None,
            "decided_at": timezone.now(),
        },
        actor=actor,
    )
    signup.refresh_from_db()
    return worker


@transaction.atomic
def decline(signup: SignUp, *, actor, reason: str) -> SignUp:
    reason = clean_text(reason or "")[:200]
    if not reason:
        _require(actor, signup.scope_path)
        raise ValidationError({"reason": [_("请填写未通过的原因")]})
    locked = _lock_pending(signup, actor)
    update_object(
        locked,
        {
            "status": SignUp.Status.DECLINED,
            "decline_reason": reason,
            "decided_by": actor if getattr(actor, "pk", None) else None,
            "decided_at": timezone.now(),
        },
        actor=actor,
    )
    signup.refresh_from_db()
    return signup
