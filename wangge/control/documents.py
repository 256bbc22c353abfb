"""The printed paperwork of control orders as one PDF: the quarantine notice (告知书), the
commitment form (承诺书) and the door sign (隔离牌), one A4 page per order per kind, in the
order given (an order's pages together, so that a worker takes one household's packet).

The pages are HTML templates with print CSS (templates/control/documents/print.html) drawn by
WeasyPrint with a CJK font from the system (fonts-noto-cjk). Nothing is fetched: the styles are
inline and the URL fetcher refuses every URL, so a page never reaches the network.

The notice and the commitment form name the person in full with the ID number masked; the door
sign, stuck on the door for everyone to see, shows the name masked, the measure, its dates,
the days remaining on `at_day` and the phone of the responsible worker (the order's worker,
else the grid leader).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from wangge.core.mask import mask_id, mask_name
from wangge.core.scope import split_path
from wangge.people.leaders import leaders
from wangge.people.models import LeaderAssignment
from wangge.places.models import Area

from .models import ControlOrder, OrderDocument, OrderType
from .models_sites import Stay

PRINTABLE = (
    OrderDocument.Kind.NOTICE,
    OrderDocument.Kind.COMMITMENT,
    OrderDocument.Kind.DOOR_SIGN,
)
TEMPLATE = "control/documents/print.html"
RELATED = (
    "person",
    "order_type",
    "household__building__estate",
    "household__unit",
    "worker",
)


def cn_date(day: dt.date | None) -> str:
    """2022年4月1日 (the way official papers write a date)."""
    if day is None:
        return ""
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


@dataclass
class Sheet:
    """What one order's pages say."""

    order: ControlOrder
    name: str
    masked_name: str
    masked_id: str
    measure: str
    measure_kind: str
    address: str
    place: str  # where the measure is kept: the home, or the quarantine site
    starts_on: str
    ends_on: str
    days: int
    remaining: int
    worker_name: str
    worker_phone: str
    community: str
    street: str
    issued_on: str

    @property
    def issuer(self) -> str:
        return f"{self.street}{self.community}"


def _area_ids(path: str) -> list[int]:
    grid_path, _building = split_path(path)
    return [int(p) for p in grid_path.strip("/").split("/") if p.isdigit()]


def sheets(orders: Iterable[ControlOrder], *, at_day: dt.date) -> list[Sheet]:
    """The printed facts of each order, with its community and street and the responsible
        worker (the grid leader when the order names none) and, for central quarantine, the site
    of the person's stay: a few queries for any number."""
    orders = list(orders)
    ids = {i for o in orders for i in _area_ids(o.scope_path)}
    areas = {a.pk: a for a in Area.objects.filter(pk__in=ids)}
    grids = {chain[-1] for o in orders if (chain := _area_ids(o.scope_path))}
    grid_leaders = leaders(LeaderAssignment.Role.GRID, area_id__in=list(grids))
    central = [o.pk for o in orders if o.order_type.kind == OrderType.Kind.CENTRAL_QUARANTINE]
    sites = {}
    if central:
        for stay in (
            Stay.objects.filter(order_id__in=central)
            .select_related("site")
            .order_by("checked_in_at", "pk")
        ):
            sites[stay.order_id] = stay.site  # the latest stay wins
    out = []
    for order in orders:
        chain = [areas[i] for i in _area_ids(order.scope_path) if i in areas]
        by_level = {a.level: a.name for a in chain}
        worker_name = order.worker_name or (str(order.worker) if order.worker_id else "")
        worker_phone = order.worker_phone or (order.worker.phone if order.worker_id else "")
        if not worker_phone and chain:
            leader_name, leader_phone = grid_leaders.get(chain[-1].pk, ("", ""))
            if leader_phone:
                worker_name, worker_phone = leader_name, leader_phone
        person = order.person
        address = order.household.address if order.household_id else ""
        if order.order_type.kind != OrderType.Kind.CENTRAL_QUARANTINE:
            place = address
        elif (site := sites.get(order.pk)) is not None:
            place = f"{site.name}（{site.address}）" if site.address else site.name
        else:
            place = _("指定的集中隔离点")
        out.append(
            Sheet(
                order=order,
                name=person.name,
                masked_name=mask_name(person.name),
                masked_id=mask_id(person.id_number),
                measure=order.order_type.name,
                measure_kind=order.order_type.kind,
                address=address,
                place=place,
                starts_on=cn_date(order.starts_on),
                ends_on=cn_date(order.ends_on),
                days=(order.ends_on - order.starts_on).days + 1,
                remaining=order.days_remaining(at_day),
                worker_name=worker_name,
                worker_phone=worker_phone,
                community=by_level.get(Area.Level.COMMUNITY, ""),
                street=by_level.get(Area.Level.STREET, ""),
                issued_on=cn_date(at_day),
            )
        )
    return out


def clean_kinds(kinds: Iterable[str]) -> list[str]:
    """`kinds` in print order, each once; ValueError for one that is not printable."""
    wanted = set()
    for kind in kinds:
        if kind not in PRINTABLE:
            raise ValueError(f"not a printable document: {kind!r}")
        wanted.add(kind)
    return [k for k in PRINTABLE if k in wanted]


def render_html(orders: Iterable[ControlOrder], kinds: Sequence[str], *, at_day: dt.date) -> str:
    kinds = clean_kinds(kinds)
    pages = [(sheet, kind) for sheet in sheets(orders, at_day=at_day) for kind in kinds]
    if not pages:
        raise ValueError("nothing to print")
    return render_to_string(TEMPLATE, {"pages": pages, "at_day": at_day})


def _fetcher():
    from weasyprint.urls import URLFetcher

    class NoFetch(URLFetcher):
        """Refuses every URL: the pages carry everything they need."""

        def fetch(self, url, headers=None):
            raise ValueError(f"no external resources in printed documents: {url[:80]}")

    return NoFetch()


def render_pdf(orders: Iterable[ControlOrder], kinds: Sequence[str], *, at_day: dt.date) -> bytes:
    """One PDF for the selection: for each order (in the order given) one A4 page of each of
    `kinds` (notice, commitment, door_sign; printed in that order). Orders should come with
    their person, type and household (`RELATED`). ValueError when there is nothing to print or
    a kind is unknown."""
    import weasyprint

    html = render_html(orders, kinds, at_day=at_day)
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf()
