"""Area scoping: a user's scope is a set of materialised path prefixes.

Every scoped row carries `scope_path`, the path of where it lives in the chain:
area path (``/1/4/9/``), then ``b<building id>/`` and ``u<unit id>/`` below a grid.
A user sees a row when one of their scope prefixes is a prefix of the row's path.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from wangge.accounts.models import User

# What each action needs; roles grant actions (see accounts.roles).
VIEW, CHANGE, EXPORT, IMPORT, MANAGE = "view", "change", "export", "import", "manage"
# Field records made from a phone (a scan at a sampling table, a visit, a delivery): volunteers
# may make them without the right to change the registry.
RECORD = "record"
# Supervision (督查): recording inspections and verifying that findings were rectified.
INSPECT = "inspect"
ALL_SCOPE = ""  # the empty prefix matches every path


def scope_paths(user: User | None, action: str = VIEW) -> list[str]:
    """The path prefixes in which `user` may perform `action`, cached per user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return [ALL_SCOPE]
    cache = user.__dict__.setdefault("_wangge_scope_cache", {})
    if action not in cache:
        from wangge.accounts.roles import role_allows

        if "_rows" not in cache:  # one query per user object, whatever the actions asked
            cache["_rows"] = list(
                user.role_assignments.filter(active=True).values_list("role", "scope_path")
            )
        paths = {path for role, path in cache["_rows"] if role_allows(role, action)}
        # Drop paths already covered by a shorter one.
        cache[action] = sorted(
            p for p in paths if not any(p != q and p.startswith(q) for q in paths)
        )
    return cache[action]


def path_q(paths: list[str], field: str) -> Q | None:
    """A Q matching rows whose `field` starts with one of `paths`; None for everything."""
    if ALL_SCOPE in paths:
        return None
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths))


def ancestor_paths(path: str) -> list[str]:
    """The paths above a scope path ("/1/2/3/b4/" → "/1/", "/1/2/", "/1/2/3/")."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]


def covers(user: User | None, path: str, action: str = VIEW) -> bool:
    return any(path.startswith(p) for p in scope_paths(user, action))


class ScopedQuerySet(models.QuerySet):
    scope_field = "scope_path"

    def for_user(self, user: User | None, action: str = VIEW) -> ScopedQuerySet:
        paths = scope_paths(user, action)
        if not paths:
            return self.none()
        q = path_q(paths, self.scope_field)
        return self if q is None else self.filter(q)

    def touching(self, user: User | None, action: str = VIEW) -> ScopedQuerySet:
        """Rows in the user's scope, plus rows placed above it: a street-wide round or campaign
        is opened by a grid leader, whose pages then show only their grid's part of it."""
        paths = scope_paths(user, action)
        if not paths:
            return self.none()
        q = path_q(paths, self.scope_field)
        if q is None:
            return self
        above = {a for p in paths for a in ancestor_paths(p)}
        return self.filter(q | Q(**{f"{self.scope_field}__in": above}))

    def within(self, path: str) -> ScopedQuerySet:
        """Rows at or below the node with this path (used for drill-down)."""
        return self.filter(**{f"{self.scope_field}__startswith": path})


class ScopedModel(models.Model):
    """A row that lives somewhere in the chain and is seen only within scope.

    A model whose place is another row's sets `scope_from` to that foreign key's name (an
    area, a unit, a household, a person…): saving copies that row's path. Bulk writes set
    `scope_path` themselves."""

    scope_path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    objects = ScopedQuerySet.as_manager()
    scope_from = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.scope_from:
            self.scope_path = getattr(self, self.scope_from).scope_path
        super().save(*args, **kwargs)


def split_path(path: str) -> tuple[str, int | None]:
    """A row's scope_path (a person's, a household's…) → (grid path, building id or None)."""
    i = path.find("b")
    if i < 0:
        return path, None
    return path[:i], int(path[i + 1 : path.index("/", i)])
