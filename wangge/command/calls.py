"""Call lists for a grid's WeChat group (群发名单): one line per household still to do, by
building and unit, names masked — "【3号楼2单元】501室 张* 未采样" — to copy into the group
when buildings are called down, from the operations' own "who is left" queries:

- testing: persons not sampled in the current (active) round holding the area
  (`testing.whoisleft.person_list(..., "not_yet")`), one line per household;
- canvass: households not reached in the open campaign holding the area
  (`canvass.coverage.campaign_households` in the NOT_REACHED states);
- support: open requests not yet delivered (`SupportRequest.OPEN`), one line per household.

And the residents without a smartphone (SpecialGroup no_smartphone), who must be phoned or
visited: their phone is shown only to users whose CHANGE scope covers them (the page logs it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.canvass.coverage import (
    NOT_REACHED,
    OUTCOME_STATE,
    STATES,
    campaign_households,
    states_q,
)
from wangge.canvass.models import Campaign
from wangge.core.mask import mask_name, mask_phone
from wangge.core.scope import CHANGE, VIEW, covers
from wangge.people.models import Residence, SpecialGroup
from wangge.places.models import Building
from wangge.support.models import SupportRequest
from wangge.testing.models import Round
from wangge.testing.whoisleft import person_list

WHATS = {
    "testing": gettext_lazy("未采样"),
    "canvass": gettext_lazy("未排查"),
    "support": gettext_lazy("诉求未送达"),
    "no_smartphone": gettext_lazy("无智能手机"),
}
HOUSEHOLD_FIELDS = (
    "household_id",
    "household__building__number",
    "household__building__name",
    "household__building__estate__name",
    "household__building__sort_key",
    "household__unit__number",
    "household__unit__sort_key",
    "household__floor",
    "household__room",
)


@dataclass
class Line:
    estate: str
    building: str  # "3号楼" (the building's label)
    unit: str
    room: str
    names: list[str]  # masked
    status: str
    sort: tuple = ()
    # The no-smartphone list only: the person and phone (shown to users covering them).
    person_id: int | None = None
    full_name: str = ""
    phone: str = ""
    scope_path: str = ""
    show_phone: bool = False

    @property
    def place(self) -> str:
        return _("%(building)s%(unit)s单元") % {"building": self.building, "unit": self.unit}

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def text(self, with_estate: bool = False) -> str:
        place = f"{self.estate}{self.place}" if with_estate and self.estate else self.place
        room = _("%(room)s室") % {"room": self.room}
        return f"【{place}】{room} {'、'.join(self.names)} {self.status}".replace("  ", " ")


@dataclass
class CallList:
    what: str
    label: str
    source: str = ""  # the round or campaign the list is of
    empty_reason: str = ""  # no round / campaign to list
    lines: list[Line] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.lines)

    @property
    def with_estate(self) -> bool:
        return len({line.estate for line in self.lines}) > 1

    def groups(self) -> list[tuple[str, list[Line]]]:
        """[(building and unit, its lines)] in list order."""
        out: dict[str, list[Line]] = {}
        for line in self.lines:
            key = f"{line.estate}{line.place}" if self.with_estate else line.place
            out.setdefault(key, []).append(line)
        return list(out.items())

    def text(self, heading: str = "") -> str:
        head = heading or _("%(label)s名单") % {"label": self.label}
        if self.source:
            head = f"{head}（{self.source}）"
        head += _("，共 %(n)s 户：") % {"n": self.count}
        return "\n".join([head, *(line.text(self.with_estate) for line in self.lines)])


def _area_ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p.isdigit()]


def _sorted(lines: list[Line]) -> list[Line]:
    return sorted(lines, key=lambda line: line.sort)


def _household_lines(rows, status: str, names_of=None) -> list[Line]:
    """Lines from HOUSEHOLD_FIELDS tuples (+ a name), one per household, names merged."""
    by_household: dict[int, Line] = {}
    for hid, number, name, estate, b_sort, unit, u_sort, floor, room, person in rows:
        line = by_household.get(hid)
        if line is None:
            line = Line(
                estate=estate or "",
                building=Building.text_of(number, name),
                unit=unit,
                room=room,
                names=[],
                status=status if names_of is None else names_of(hid),
                sort=(estate or "", b_sort, number, u_sort, unit, floor, room, hid),
            )
            by_household[hid] = line
        masked = mask_name(person)
        if masked and masked not in line.names:
            line.names.append(masked)
    return _sorted(list(by_household.values()))


def current_round(prefix: str) -> Round | None:
    """The active round whose area holds `prefix` (a grid's or a building's path)."""
    return (
        Round.objects.filter(status=Round.Status.ACTIVE, area_id__in=_area_ids(prefix))
        .select_related("area")
        .order_by("-date", "-number", "-pk")
        .first()
    )


def open_campaign(prefix: str) -> Campaign | None:
    today = timezone.localdate()
    return (
        Campaign.objects.filter(
            area_id__in=_area_ids(prefix), starts_on__lte=today, ends_on__gte=today
        )
        .order_by("-starts_on", "-pk")
        .first()
    )


def testing_list(user, prefix: str) -> CallList:
    out = CallList("testing", str(WHATS["testing"]))
    rnd = current_round(prefix)
    if rnd is None:
        out.empty_reason = _("当前没有进行中的核酸检测轮次。")
        return out
    out.source = str(rnd.name or _("第%(n)s轮核酸检测") % {"n": rnd.number})
    persons = person_list(rnd, user, "not_yet", prefix)
    rows = (
        Residence.objects.filter(person__in=persons.values("pk"), living=True, until__isnull=True)
        .order_by("household_id", "person_id")
        .values_list(*HOUSEHOLD_FIELDS, "person__name")
    )
    out.lines = _household_lines(rows, out.label)
    return out


def canvass_list(user, prefix: str) -> CallList:
    out = CallList("canvass", str(WHATS["canvass"]))
    campaign = open_campaign(prefix)
    if campaign is None:
        out.empty_reason = _("当前没有进行中的排查任务。")
        return out
    out.source = campaign.name
    qs = campaign_households(campaign, user, prefix).filter(states_q(NOT_REACHED))
    fields = [f.removeprefix("household__") for f in HOUSEHOLD_FIELDS]
    fields[0] = "pk"
    states = {}
    rows = []
    for values in qs.values_list(*fields, "householder_name", "st__outcome"):
        *head, outcome = values
        states[values[0]] = outcome
        rows.append(head)
    labels = {k: str(v) for k, v in STATES.items()}

    def status(hid: int) -> str:
        outcome = states.get(hid)
        return labels[OUTCOME_STATE[outcome]] if outcome else str(WHATS["canvass"])

    out.lines = _household_lines(rows, out.label, names_of=status)
    return out


def support_list(user, prefix: str) -> CallList:
    out = CallList("support", str(WHATS["support"]))
    qs = SupportRequest.objects.for_user(user, VIEW).filter(status__in=SupportRequest.OPEN)
    if prefix:
        qs = qs.within(prefix)
    kinds: dict[int, list[str]] = defaultdict(list)
    rows = []
    for values in qs.order_by("household_id", "pk").values_list(
        *HOUSEHOLD_FIELDS, "household__householder_name", "kind__name"
    ):
        *head, kind = values
        if kind not in kinds[values[0]]:
            kinds[values[0]].append(kind)
        rows.append(head)

    def status(hid: int) -> str:
        return _("%(kinds)s未送达") % {"kinds": "、".join(kinds[hid])}

    out.lines = _household_lines(rows, out.label, names_of=status)
    return out


def no_smartphone_list(user, prefix: str) -> CallList:
    """Residents without a smartphone, one line each, the phone only for those covering them."""
    out = CallList("no_smartphone", str(WHATS["no_smartphone"]))
    groups = SpecialGroup.objects.filter(kind=SpecialGroup.Kind.NO_SMARTPHONE)
    rows = (
        Residence.objects.filter(
            person__in=groups.values("person_id"), living=True, until__isnull=True
        )
        .filter(Q(person__scope_path__startswith=prefix) if prefix else Q())
        .filter(person__in=_scoped_persons(user))
        .order_by("household_id", "person_id")
        .values_list(
            *HOUSEHOLD_FIELDS, "person_id", "person__name", "person__phone", "person__scope_path"
        )
    )
    for hid, number, name, estate, b_sort, unit, u_sort, floor, room, *person in rows:
        pid, pname, phone, path = person
        out.lines.append(
            Line(
                estate=estate or "",
                building=Building.text_of(number, name),
                unit=unit,
                room=room,
                names=[mask_name(pname)],
                status=_("需电话或上门告知"),
                sort=(estate or "", b_sort, number, u_sort, unit, floor, room, hid, pid),
                person_id=pid,
                full_name=pname,
                phone=phone,
                scope_path=path,
                show_phone=covers(user, path, CHANGE),
            )
        )
    out.lines = _sorted(out.lines)
    return out


def _scoped_persons(user):
    from wangge.people.models import Person

    return Person.objects.for_user(user, VIEW).values("pk")


BUILDERS = {
    "testing": testing_list,
    "canvass": canvass_list,
    "support": support_list,
    "no_smartphone": no_smartphone_list,
}


def call_list(what: str, user, prefix: str) -> CallList:
    return BUILDERS[what](user, prefix)
