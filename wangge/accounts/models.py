"""Users, their role assignments (each scoped to an area, building or unit), API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.places.models import Area, Building, Unit, place_path

from .roles import Role


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleAssignment(models.Model):
    """A user's role in one place. scope_path is the place's path: the user's view of the data."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("区域"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单元"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    scope_path = models.CharField(max_length=255, editable=False, db_index=True)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        ordering = ["user_id", "scope_path"]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} @ {self.place_label}"

    def save(self, *args, **kwargs):
        if self.unit_id:
            self.building = self.unit.building
        if self.building_id:
            self.area = self.building.area
        self.scope_path = place_path(self)
        super().save(*args, **kwargs)
        self.user.__dict__.pop("_wangge_scope_cache", None)

    @property
    def place_label(self) -> str:
        if self.unit_id:
            return str(self.unit)
        if self.building_id:
            return str(self.building)
        return str(self.area)


TOKEN_USE_RECORDED_EVERY = dt.timedelta(minutes=1)

# key hash -> (loaded at, token with its user, or None). A phone posts request after request
# with the same token: each worker process keeps the token, its user and (on the user object,
# see core.scope.scope_paths) the user's roles for TOKEN_CACHE_SECONDS instead of reading them
# on every request. Saving or deleting a token, user or role assignment empties it in the
# process where that happens; other processes see the change within TOKEN_CACHE_SECONDS.
TOKEN_CACHE_SECONDS = 5.0
_tokens: dict[str, tuple[float, ApiToken | None]] = {}


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        key = "wg_" + secrets.token_urlsafe(30)
        token = cls.objects.create(user=user, name=name, prefix=key[:8], key_hash=cls.hash_key(key))
        return token, key

    @classmethod
    def authenticate(cls, key: str) -> User | None:
        digest, now_m = cls.hash_key(key), time.monotonic()
        cached = _tokens.get(digest)
        if cached is not None and now_m - cached[0] < TOKEN_CACHE_SECONDS:
            token = cached[1]
        else:
            token = cls.objects.select_related("user").filter(key_hash=digest).first()
            if len(_tokens) > 10_000:
                _tokens.clear()
            _tokens[digest] = (now_m, token)
        if token is None or not token.user.is_active:
            return None
        if token.expires_at and token.expires_at < timezone.now():
            return None
        now = timezone.now()
        # A write on every request would cost each API call a commit: record the use at most
        # once a minute (enough to tell a token in use from a forgotten one).
        if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RECORDED_EVERY:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user


class LoginAttempt(models.Model):
    """Failed sign-ins, counted per username and address for rate limiting (across workers)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.CharField(max_length=45)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")

    def __str__(self) -> str:
        return f"{self.username} {self.ip} {self.at:%Y-%m-%d %H:%M}"


def _forget_tokens(**_kwargs) -> None:
    _tokens.clear()


for _model in (User, RoleAssignment, ApiToken):
    post_save.connect(_forget_tokens, sender=_model, dispatch_uid=f"tokens_{_model.__name__}")
    post_delete.connect(_forget_tokens, sender=_model, dispatch_uid=f"tokens_del_{_model.__name__}")
