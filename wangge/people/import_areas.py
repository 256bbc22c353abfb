"""Where a registry row goes: its 街道/社区/网格 columns resolved below the import's target area.

Every area is loaded once into memory (a city has a few thousand). A row's names are matched
level by level from the target area down; names at or above the target's level must be the
target's own ancestors. Missing areas are created only when the import allows it (the command
line, or a user who may manage the target area), and only once the row is known to be good.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wangge.core.normalize import clean_text
from wangge.places.models import Area
from wangge.places.services import create_area

LEVEL_COLUMNS = (
    (Area.Level.STREET, "street"),
    (Area.Level.COMMUNITY, "community"),
    (Area.Level.GRID, "grid"),
)


def name_key(name: str) -> str:
    return clean_text(name).replace(" ", "")


@dataclass(eq=False)
class PendingArea:
    """An area a row needs that does not exist yet."""

    name: str
    level: int
    parent: Area | PendingArea
    area: Area | None = None
    depth: int = field(default=0)
    error: AreaError | None = None


class AreaError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


class AreaIndex:
    def __init__(self, target: Area | None, *, create: bool, actor) -> None:
        self.target, self.create, self.actor = target, create, actor
        self.by_id: dict[int, Area] = {}
        self.children: dict[tuple[object, str], Area | PendingArea] = {}
        self.by_level: dict[tuple[int, str], list[Area]] = {}
        self.by_code: dict[str, Area] = {}
        for a in Area.objects.only("id", "name", "code", "level", "parent_id", "path"):
            self._add(a)
        if target is not None:
            self.target = self.by_id[target.pk]
        self.pending: list[PendingArea] = []
        self._cache: dict[tuple[str, str, str], Area | PendingArea | AreaError] = {}

    def _add(self, a: Area) -> None:
        key = name_key(a.name)
        self.by_id[a.pk] = a
        self.children[(a.parent_id, key)] = a
        self.by_level.setdefault((a.level, key), []).append(a)
        self.by_code[a.code] = a

    def ancestor_at(self, area: Area, level: int) -> Area | None:
        node: Area | None = area
        while node is not None and node.level > level:
            node = self.by_id.get(node.parent_id) if node.parent_id else None
        return node if node is not None and node.level == level else None

    def names(self, area: Area) -> dict[str, str]:
        """{"street": …, "community": …, "grid": …} of a grid, for export."""
        out = {}
        for level, column in LEVEL_COLUMNS:
            a = self.ancestor_at(area, level)
            out[column] = a.name if a else ""
        return out

    def resolve(self, names: tuple[str, str, str]) -> Area | PendingArea:
        """The grid for a row's (street, community, grid) names; raises AreaError."""
        if names not in self._cache:
            try:
                self._cache[names] = self._resolve(names)
            except AreaError as exc:
                self._cache[names] = exc
        found = self._cache[names]
        if isinstance(found, AreaError):
            raise found
        return found

    def _resolve(self, names: tuple[str, str, str]) -> Area | PendingArea:
        current: Area | PendingArea | None = self.target
        for (level, column), raw in zip(LEVEL_COLUMNS, names, strict=True):
            key = name_key(raw)
            if not key:
                continue
            current = self._step(current, level, column, key, raw)
        if current is None or current.level != Area.Level.GRID:
            raise AreaError(
                "grid", _("楼栋必须属于网格：请填写“网格”列，或选择一个网格作为导入区域")
            )
        return current

    def _step(self, current, level: int, column: str, key: str, raw: str):
        label = Area.Level(level).label
        if current is not None and level <= current.level:
            mine = (
                current
                if level == current.level
                else (self.ancestor_at(current, level) if isinstance(current, Area) else None)
            )
            if mine is None or (name_key(mine.name) != key and getattr(mine, "code", "") != raw):
                target = self.target.name if self.target else ""
                raise AreaError(
                    column, _("“%(name)s”不在导入区域“%(area)s”内") % {"name": raw, "area": target}
                )
            return current
        if current is None:
            found = self.by_level.get((level, key), []) or (
                [self.by_code[raw]]
                if raw in self.by_code and self.by_code[raw].level == level
                else []
            )
            if len(found) > 1:
                raise AreaError(
                    column,
                    _("有多个名为“%(name)s”的%(level)s，请同时填写上级区域，或指定导入区域")
                    % {"name": raw, "level": label},
                )
            if not found:
                raise AreaError(
                    column, _("找不到%(level)s“%(name)s”") % {"level": label, "name": raw}
                )
            return found[0]
        parent_key = current.pk if isinstance(current, Area) else current
        child = self.children.get((parent_key, key))
        if child is not None and child.level == level:
            return child
        if isinstance(current, Area):
            below = [
                a for a in self.by_level.get((level, key), []) if a.path.startswith(current.path)
            ]
            code = self.by_code.get(raw)
            if not below and code and code.level == level and code.path.startswith(current.path):
                below = [code]
            if len(below) == 1:
                return below[0]
            if len(below) > 1:
                raise AreaError(
                    column,
                    _("有多个名为“%(name)s”的%(level)s，请同时填写上级区域")
                    % {"name": raw, "level": label},
                )
        if not self.create:
            raise AreaError(column, _("找不到%(level)s“%(name)s”") % {"level": label, "name": raw})
        if current.level != level - 1:
            above = Area.Level(level - 1).label
            raise AreaError(
                column,
                _("找不到%(level)s“%(name)s”；新建时请同时填写所属%(above)s")
                % {"level": label, "name": raw, "above": above},
            )
        pending = PendingArea(
            clean_text(raw), level, current, depth=getattr(current, "depth", -1) + 1
        )
        self.children[(parent_key, key)] = pending
        self.pending.append(pending)
        return pending

    def materialise(self, wanted: list[PendingArea]) -> None:
        """Create the pending areas the accepted rows need (parents first). An area that cannot
        be created keeps its error, and so do the areas below it."""
        todo: list[PendingArea] = []
        for p in wanted:
            while (
                isinstance(p, PendingArea) and p.area is None and p.error is None and p not in todo
            ):
                todo.append(p)
                p = p.parent
        columns = dict(LEVEL_COLUMNS)
        for p in sorted(todo, key=lambda p: p.depth):
            if isinstance(p.parent, PendingArea) and p.parent.area is None:
                p.error = p.parent.error
                continue
            parent = p.parent.area if isinstance(p.parent, PendingArea) else p.parent
            try:
                area = create_area(name=p.name, level=p.level, parent=parent, actor=self.actor)
            except ValidationError as exc:
                p.error = AreaError(columns.get(p.level, "grid"), "；".join(exc.messages))
                continue
            p.area = area
            self._add(area)


def real(area: Area | PendingArea) -> Area:
    """The created area; raises the AreaError of a pending area that could not be created."""
    if isinstance(area, PendingArea):
        if area.area is None:
            raise area.error or AreaError("grid", _("区域未能创建"))
        return area.area
    return area
