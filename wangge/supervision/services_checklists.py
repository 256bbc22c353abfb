"""The inspection checklists (督查清单): items per target type, added, edited, reordered and
deactivated on the settings page by users who inspect (INSPECT) at district level or above.
Items are shared by every street; an item deactivated stays on the inspections that answered
it. Each change is written to the change log."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from wangge.core.scope import INSPECT
from wangge.core.services import create_object, update_object
from wangge.places.queries import acts_for_district

from .models import ChecklistItem, TargetType


def may_configure(user) -> bool:
    return acts_for_district(user, INSPECT)


def items_of(target_type: str):
    return ChecklistItem.objects.filter(target_type=target_type).order_by("order", "pk")


def save_item(item: ChecklistItem | None, data: dict, *, actor) -> ChecklistItem:
    """Add an item (target_type, text) at the end of its list, or change one (text, active)."""
    if not may_configure(actor):
        raise PermissionDenied
    text = (data.get("text") or "").strip()
    if not text:
        raise ValidationError({"text": [_("请填写检查内容")]})
    if item is None:
        target_type = data.get("target_type")
        if target_type not in TargetType.values:
            raise ValidationError({"target_type": [_("请选择督查对象类型")]})
        same = items_of(target_type).filter(text=text)
        if same.exists():
            raise ValidationError({"text": [_("该对象类型已有相同的检查内容")]})
        last = items_of(target_type).aggregate(m=Max("order"))["m"]
        obj = ChecklistItem(
            target_type=target_type, text=text[:200], order=0 if last is None else last + 1
        )
        return create_object(obj, actor=actor)
    if items_of(item.target_type).filter(text=text).exclude(pk=item.pk).exists():
        raise ValidationError({"text": [_("该对象类型已有相同的检查内容")]})
    update_object(item, {"text": text[:200], "active": bool(data.get("active"))}, actor=actor)
    return item


def move_item(item: ChecklistItem, step: int, *, actor) -> None:
    """Move an item up (-1) or down (+1) its list; the orders are renumbered 0, 1, 2…"""
    if not may_configure(actor):
        raise PermissionDenied
    with transaction.atomic():
        items = list(items_of(item.target_type).select_for_update())
        i = next(i for i, it in enumerate(items) if it.pk == item.pk)
        j = i + step
        if not 0 <= j < len(items):
            return
        items[i], items[j] = items[j], items[i]
        for order, it in enumerate(items):
            if it.order != order:
                update_object(it, {"order": order}, actor=actor)
