"""Scope checks and idempotent creates shared by the routers.

Reads go through ``Model.objects.for_user(user, VIEW)``: out of scope is a 404. Writes need
the action (CHANGE, or MANAGE for areas) somewhere, else 403; the object written, and every
object it points to, must be in that scope: a 403 when the caller can see it but not change
it, a 404 when the caller cannot see it (existence is not revealed).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from wangge.core.scope import CHANGE, VIEW, covers, scope_paths

M = TypeVar("M", bound=models.Model)


def user_of(request: HttpRequest):
    """The authenticated user (token or session)."""
    return request.auth


def readable(model: type[M], request: HttpRequest, pk: int) -> M:
    """The object if the caller may view it, else 404."""
    return get_object_or_404(model.objects.for_user(user_of(request), VIEW), pk=pk)


def require_action(request: HttpRequest, action: str = CHANGE) -> None:
    """403 unless the caller may perform `action` somewhere."""
    if not scope_paths(user_of(request), action):
        raise PermissionDenied


def writable(
    model: type[M],
    request: HttpRequest,
    pk: int | None,
    action: str = CHANGE,
    queryset: models.QuerySet | None = None,
) -> M:
    """The object if the caller may write it; 403 if only visible, 404 if not visible."""
    user = user_of(request)
    require_action(request, action)
    qs = queryset if queryset is not None else model.objects.all()
    obj = qs.for_user(user, action).filter(pk=pk).first() if pk is not None else None
    if obj is not None:
        return obj
    if pk is not None and qs.for_user(user, VIEW).filter(pk=pk).exists():
        raise PermissionDenied
    raise Http404


def check_still_in_scope(request: HttpRequest, path: str, action: str = CHANGE) -> None:
    """After a write: the row must still be where the caller may write (else roll back, 403)."""
    if not covers(user_of(request), path, action):
        raise PermissionDenied


def create_once(
    model: type[M], request: HttpRequest, client_uuid: uuid.UUID | None, create: Callable[..., M]
) -> tuple[M, bool]:
    """Call ``create(**extra)`` once per client UUID (passed in `extra` to be stored on the row):
    a retry returns the first row. Returns (row, created)."""
    if client_uuid is None:
        with transaction.atomic():
            return create(), True
    found = _replay(model, request, client_uuid)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return create(client_uuid=client_uuid), True
    except (IntegrityError, DjangoValidationError):
        # A concurrent retry with the same UUID committed first.
        found = _replay(model, request, client_uuid)
        if found is None:
            raise
        return found, False


def _replay(model: type[M], request: HttpRequest, client_uuid: uuid.UUID) -> M | None:
    first = model.objects.filter(client_uuid=client_uuid).first()
    if first is None:
        return None
    if not model.objects.for_user(user_of(request), VIEW).filter(pk=first.pk).exists():
        raise DjangoValidationError({"client_uuid": [_("该 client_uuid 已被使用")]})
    return first
