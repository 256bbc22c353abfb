"""Who is left in control measures (还剩谁), per grid: people under each measure, follow-ups
overdue, paperwork not yet served, releases due today, transfers waiting and fevers not yet
handled — each with the person responsible (the order's worker, or the grid leader).

Counts come from grouped queries on scope paths; the lists behind them are rows of `Item`, the
same for the page, the .xlsx export and `wangge control overdue`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.exports import XlsxColumn
from wangge.core.mask import mask_name, mask_phone
from wangge.core.scope import VIEW, split_path
from wangge.people.leaders import grids_with_leaders, per_grid, within
from wangge.places.models import Area

from . import services_followups
from .models import ControlOrder, OrderDocument, OrderType
from .models_transfers import Transfer

# The lists of who is left, in the order of the page. Measures come first, one column a type.
KINDS = {
    "overdue": gettext_lazy("随访逾期"),
    "unserved": gettext_lazy("文书未送达"),
    "release": gettext_lazy("今日应解除"),
    "transfer": gettext_lazy("待转运"),
    "alert": gettext_lazy("预警未处置"),
}
WAITING = (Transfer.Status.REQUESTED, Transfer.Status.ASSIGNED)


def active_orders(today: dt.date) -> QuerySet[ControlOrder]:
    return ControlOrder.objects.filter(status=ControlOrder.Status.ACTIVE, starts_on__lte=today)


def unserved_orders(today: dt.date) -> QuerySet[ControlOrder]:
    """Active orders whose notice is not served, or (at home) whose door sign is not up."""
    docs = OrderDocument.objects.filter(order=OuterRef("pk"))
    home = ~Q(order_type__kind=OrderType.Kind.CENTRAL_QUARANTINE)
    return (
        active_orders(today)
        .annotate(
            notice=Exists(docs.filter(kind=OrderDocument.Kind.NOTICE)),
            sign=Exists(docs.filter(kind=OrderDocument.Kind.DOOR_SIGN)),
        )
        .filter(Q(notice=False) | (home & Q(sign=False)))
    )


def querysets(at: dt.datetime) -> dict[str, QuerySet]:
    """The rows behind each list, before scope."""
    today = timezone.localdate(at)
    return {
        "overdue": services_followups.overdue(at),
        "unserved": unserved_orders(today),
        "release": ControlOrder.objects.filter(
            status=ControlOrder.Status.ACTIVE, ends_on__lte=today
        ),
        "transfer": Transfer.objects.filter(status__in=WAITING),
        "alert": services_followups.open_alerts(),
    }


@dataclass
class GridLine:
    path: str
    area: Area | None
    leader_name: str = ""
    leader_phone: str = ""
    measures: dict[int, int] = field(default_factory=dict)  # order type id → people
    counts: dict[str, int] = field(default_factory=dict)  # KINDS key → rows

    def cells(self, types: list[OrderType]) -> None:
        """Lists for the template: people per measure in `types` order, then each list's count."""
        self.measure_cells = [self.measures.get(t.pk, 0) for t in types]
        self.kind_cells = [(kind, self.counts.get(kind, 0)) for kind in KINDS]

    @property
    def label(self) -> str:
        return self.area.name if self.area else _("未分配网格")

    @property
    def community(self) -> str:
        return self.area.parent.name if self.area and self.area.parent_id else ""


@dataclass
class Board:
    types: list[OrderType]
    lines: list[GridLine]
    total: GridLine


def board(user, prefix: str = "", at: dt.datetime | None = None) -> Board:
    """The per-grid table for `user` (None: everything, for the command line) below `prefix`."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    types = list(OrderType.objects.all())
    measures: dict[str, dict[int, int]] = defaultdict(dict)
    orders = within(active_orders(today), user, prefix).order_by()
    for row in orders.values("scope_path", "order_type_id").annotate(
        n=Count("person", distinct=True)
    ):
        grid = measures[split_path(row["scope_path"])[0]]
        grid[row["order_type_id"]] = grid.get(row["order_type_id"], 0) + row["n"]
    counts = {kind: per_grid(within(qs, user, prefix)) for kind, qs in querysets(at).items()}
    paths = set(measures) | {p for per in counts.values() for p in per}
    areas, grid_leaders = grids_with_leaders(paths)
    lines = []
    total = GridLine("", None)
    for path in sorted(paths, key=lambda p: (areas[p].code, p) if p in areas else ("~", p)):
        area = areas.get(path)
        name, phone = grid_leaders.get(area.pk, ("", "")) if area else ("", "")
        line = GridLine(path, area, name, phone, measures.get(path, {}))
        line.counts = {kind: counts[kind].get(path, 0) for kind in KINDS}
        for type_id, n in line.measures.items():
            total.measures[type_id] = total.measures.get(type_id, 0) + n
        for kind, n in line.counts.items():
            total.counts[kind] = total.counts.get(kind, 0) + n
        lines.append(line)
    for line in [*lines, total]:
        line.cells(types)
    return Board(types, lines, total)


@dataclass
class Item:
    """One row of a who-is-left list."""

    kind: str
    grid: str
    address: str
    name: str  # masked
    detail: str
    when: str
    responsible: str
    phone: str  # masked
    url_name: str = ""
    pk: int | None = None

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, self.kind))

    def line(self) -> list[str]:
        return [
            self.kind_label,
            self.grid,
            self.address,
            self.name,
            self.detail,
            self.when,
            self.responsible,
            self.phone,
        ]


def columns() -> list[XlsxColumn]:
    return [
        XlsxColumn(_("事项"), 12),
        XlsxColumn(_("网格"), 14),
        XlsxColumn(_("地址"), 28),
        XlsxColumn(_("姓名"), 10),
        XlsxColumn(_("情况"), 30),
        XlsxColumn(_("时间"), 17),
        XlsxColumn(_("责任人"), 10),
        XlsxColumn(_("责任人电话"), 14, text=True),
    ]


def _grid_names(paths) -> dict[str, str]:
    return dict(Area.objects.filter(path__in=set(paths)).values_list("path", "name"))


def _when(value) -> str:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat() if value else ""


def _address(household) -> str:
    return household.address if household is not None else ""


ORDER_RELATED = ("person", "order_type", "household__building__estate", "household__unit")


def items(
    user, kind: str, prefix: str = "", at: dt.datetime | None = None, action: str = VIEW
) -> Iterator[Item]:
    """The rows of one list (`kind` among KINDS) that `user` may see (or export: `action`),
    oldest first."""
    at = at or timezone.now()
    qs = within(querysets(at)[kind], user, prefix, action)
    if kind == "overdue":
        qs = qs.select_related(*(f"order__{r}" for r in ORDER_RELATED)).order_by("due_at", "pk")
    elif kind in ("unserved", "release"):
        qs = qs.select_related(*ORDER_RELATED).order_by("ends_on", "starts_on", "pk")
    elif kind == "transfer":
        qs = qs.select_related("person", "household__building__estate", "household__unit", "site")
        qs = qs.order_by("requested_at", "pk")
    else:
        qs = qs.select_related("person", *(f"order__{r}" for r in ORDER_RELATED[2:]))
        qs = qs.order_by("created_at", "pk")
    rows = list(qs)
    grids = _grid_names(split_path(r.scope_path)[0] for r in rows)
    for row in rows:
        yield _item(kind, row, grids.get(split_path(row.scope_path)[0], ""), at)


def _order_item(kind: str, order: ControlOrder, grid: str, detail: str, when) -> Item:
    return Item(
        kind,
        grid,
        _address(order.household),
        mask_name(order.person.name),
        detail,
        _when(when),
        order.worker_name,
        mask_phone(order.worker_phone),
        "control:order_detail",
        order.pk,
    )


def _item(kind: str, row, grid: str, at: dt.datetime) -> Item:
    if kind == "overdue":
        late = max(int((at - row.due_at).total_seconds() // 60), 0)
        detail = _("%(label)s，已逾期 %(h)d 小时 %(m)d 分") % {
            "label": row.label,
            "h": late // 60,
            "m": late % 60,
        }
        item = _order_item(kind, row.order, grid, detail, row.due_at)
        item.responsible = row.assignee_name or item.responsible
        return item
    if kind == "unserved":
        return _order_item(
            kind, row, grid, _("%(type)s：文书未送达") % {"type": row.order_type}, row.starts_on
        )
    if kind == "release":
        return _order_item(
            kind,
            row,
            grid,
            _("%(type)s 于 %(end)s 期满") % {"type": row.order_type, "end": row.ends_on},
            row.ends_on,
        )
    if kind == "transfer":
        person = row.person.name if row.person_id else row.household.householder_name
        target = row.site.name if row.site_id else row.hospital
        return Item(
            kind,
            grid,
            row.from_address,
            mask_name(person),
            _("%(status)s（%(urgency)s）→ %(to)s")
            % {
                "status": row.get_status_display(),
                "urgency": row.get_urgency_display(),
                "to": target,
            },
            _when(row.requested_at),
            row.driver_name,
            mask_phone(row.driver_phone),
            "control:transfer_detail",
            row.pk,
        )
    item = _order_item(kind, row.order, grid, row.detail, row.created_at)
    item.name = mask_name(row.person.name)
    return item


def all_items(
    user, prefix: str = "", at: dt.datetime | None = None, action: str = VIEW
) -> Iterator[Item]:
    """Every list, one after another (the export and the command line)."""
    at = at or timezone.now()
    for kind in KINDS:
        yield from items(user, kind, prefix, at, action)
