"""Planning the people of the demo street: families per flat, ID numbers, phones, special groups.

Ages are as of REFERENCE_DATE (spring 2022, the Jilin outbreak of the reports), so a seed gives
the same people whatever day the demo is built.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from wangge.core.normalize import id_check_digit

from .layout import VACANT_SHARE, HouseholdPlan, Layout
from .names import NamePicker

REFERENCE_DATE = datetime.date(2022, 4, 1)

# Occupied flats by number of people living there (mean about 2.05).
SIZE_WEIGHTS = {1: 34, 2: 40, 3: 17, 4: 6, 5: 2, 6: 1}

# Share of all people in each special group, and who can be in it.
GROUP_SHARES: dict[str, tuple[float, Callable[[PersonPlan], bool] | None]] = {
    "elderly_alone": (0.03, None),  # chosen with the flats: one old person living alone
    "immobile": (0.01, lambda p: p.age >= 70),
    "pregnant": (0.005, lambda p: p.sex == "F" and 22 <= p.age <= 40),
    "dialysis": (0.0005, lambda p: p.age >= 35),
    "chronic": (0.06, lambda p: p.age >= 45),
    "disabled": (0.015, lambda p: p.age >= 3),
    "online_school": (0.08, lambda p: 6 <= p.age <= 17),
    "no_smartphone": (0.05, lambda p: p.age >= 60),
    "no_id": (0.003, lambda p: p.age >= 70 or p.age == 0),
}

# Where IDs were issued: mostly the district itself, some the rest of Jilin city.
REGION_CODES = {
    "220204": 60,
    "220202": 12,
    "220203": 8,
    "220211": 8,
    "220221": 4,
    "220281": 2,
    "220282": 2,
    "220283": 2,
    "220284": 2,
}
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "180",
    "181",
    "182",
    "183",
    "184",
    "185",
    "186",
    "187",
    "188",
    "189",
)


@dataclass(slots=True)
class PersonPlan:
    name: str
    sex: str
    age: int
    birth_date: datetime.date
    household: int
    relation: str = "member"
    registered: bool = True
    id_number: str | None = None
    phone: str = ""
    has_smartphone: bool = True
    notes: str = ""
    groups: list[str] = field(default_factory=list)


class PhoneBook:
    """Unique 11-digit mobile numbers."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.used:
                self.used.add(number)
                return number


def birth_date_for(age: int, rng: random.Random) -> datetime.date:
    """A birth date making someone exactly `age` on REFERENCE_DATE."""
    latest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age)
    return latest - datetime.timedelta(days=rng.randrange(365))


def household_sizes(n_households: int, n_persons: int, rng: random.Random) -> list[int]:
    """People per flat (0 = vacant), summing to exactly n_persons."""
    occupied = min(n_households - round(n_households * VACANT_SHARE), n_persons)
    cap = max(6, -(-n_persons // max(occupied, 1)) + 1)
    sizes_occ = rng.choices(list(SIZE_WEIGHTS), weights=list(SIZE_WEIGHTS.values()), k=occupied)
    diff = n_persons - sum(sizes_occ)
    while diff:
        i = rng.randrange(occupied)
        if diff > 0 and sizes_occ[i] < cap:
            sizes_occ[i] += 1
            diff -= 1
        elif diff < 0 and sizes_occ[i] > 1:
            sizes_occ[i] -= 1
            diff += 1
    sizes = [0] * n_households
    for flat, size in zip(
        sorted(rng.sample(range(n_households), occupied)), sizes_occ, strict=True
    ):
        sizes[flat] = size
    return sizes


class FamilyMaker:
    """Members of one household, householder first, with ages consistent with their relations."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.names = NamePicker(rng)

    def person(self, sex: str, age: int, surname: str | None = None) -> tuple[str, str, int]:
        return (self.names.full(sex, age, surname), sex, age)

    def couple(self, age: int) -> tuple[list[tuple[str, str, int]], str]:
        rng = self.rng
        husband = max(20, age + rng.randint(-1, 4))
        wife = max(20, age + rng.randint(-3, 1))
        family = self.names.surname()
        h = self.person("M", husband, family)
        w = self.person("F", wife)
        return ([h, w] if rng.random() < 0.75 else [w, h]), family

    def children(self, count: int, parent_age: int, surname: str) -> list[tuple[str, str, int]]:
        top = min(parent_age - 20, 28)
        return [
            self.person(self.rng.choice("MF"), self.rng.randint(0, max(0, top)), surname)
            for _ in range(count)
        ]

    def grandparents(self, count: int, parent_age: int, surname: str) -> list[tuple[str, str, int]]:
        if count == 0:
            return []
        age = min(95, parent_age + self.rng.randint(22, 32))
        if count == 1:
            sex = self.rng.choice("MF")
            return [self.person(sex, age, surname if sex == "M" else None)]
        return [self.person("M", age, surname), self.person("F", max(45, age - 2))]

    def make(self, size: int, elderly_alone: bool) -> list[tuple[str, str, int]]:
        rng = self.rng
        if size == 1:
            if elderly_alone:
                return [self.person("F" if rng.random() < 0.62 else "M", rng.randint(65, 92))]
            return [self.person(rng.choice("MF"), rng.randint(19, 62))]
        r = rng.random()
        if size == 2:
            if r < 0.7:
                age = rng.choice((rng.randint(23, 40), rng.randint(41, 64), rng.randint(65, 86)))
                return self.couple(age)[0]
            if r < 0.85:
                parent_age = rng.randint(28, 50)
                sex = "F" if rng.random() < 0.7 else "M"
                surname = self.names.surname()
                parent = self.person(sex, parent_age, surname)
                return [parent, *self.children(1, parent_age, surname)]
            age = rng.randint(62, 88)
            surname = self.names.surname()
            return [
                self.person(rng.choice("MF"), age, surname),
                self.person(rng.choice("MF"), age - rng.randint(24, 34), surname),
            ]
        parent_age = rng.randint(26, 52)
        if size == 3 and r < 0.1:
            surname = self.names.surname()
            parent = self.person("F" if rng.random() < 0.7 else "M", parent_age, surname)
            return [parent, *self.children(2, parent_age, surname)]
        if size == 3:
            grand = 0 if r < 0.85 else 1
        elif size == 4:
            grand = 0 if r < 0.6 else 1
        else:
            grand = 1 if r < 0.3 else 2
        kids = size - 2 - grand
        adults, surname = self.couple(parent_age)
        return [
            *adults,
            *self.children(kids, parent_age, surname),
            *self.grandparents(grand, parent_age, surname),
        ]


def plan_people(
    lay: Layout, n_persons: int, rng: random.Random, phones: PhoneBook
) -> list[PersonPlan]:
    """Fill every flat with its people (or leave it vacant) and return all persons."""
    sizes = household_sizes(len(lay.households), n_persons, rng)
    singles = [i for i, s in enumerate(sizes) if s == 1]
    want_alone = round(n_persons * GROUP_SHARES["elderly_alone"][0])
    alone = set(rng.sample(singles, min(want_alone, len(singles))))
    maker = FamilyMaker(rng)
    persons: list[PersonPlan] = []
    for h, (hh, size) in enumerate(zip(lay.households, sizes, strict=True)):
        if size == 0:
            hh.vacant = True
            continue
        rented = rng.random() < 0.1
        temporary = size >= 2 and rng.random() < 0.02
        for k, (name, sex, age) in enumerate(maker.make(size, h in alone)):
            p = PersonPlan(
                name=name, sex=sex, age=age, birth_date=birth_date_for(age, rng), household=h
            )
            if rented:
                p.relation, p.registered, p.notes = "tenant", False, "租住"
            elif k == 0:
                p.relation = "householder"
            elif temporary and k == size - 1 and age >= 18:
                p.relation, p.registered, p.notes = "temporary", False, "返乡人员"
            elif rng.random() < 0.03:
                p.registered, p.notes = False, "户籍在外地，实际居住本户"
            if h in alone:
                p.groups.append("elderly_alone")
            if age >= 14 and (age < 80 or rng.random() < 0.5):
                p.phone = phones.mobile()
            hh.people.append(len(persons))
            persons.append(p)
        _fill_household(hh, persons)
    return persons


def _fill_household(hh: HouseholdPlan, persons: list[PersonPlan]) -> None:
    head = persons[hh.people[0]]
    hh.householder_name = head.name
    hh.phone = head.phone or next((persons[i].phone for i in hh.people if persons[i].phone), "")


def assign_groups(persons: list[PersonPlan], rng: random.Random) -> None:
    """Special groups in their shares of the population, drawn from who can be in each."""
    total = len(persons)
    for kind, (share, eligible) in GROUP_SHARES.items():
        if eligible is None:
            continue
        pool = [i for i, p in enumerate(persons) if eligible(p)]
        for i in rng.sample(pool, min(len(pool), round(total * share))):
            persons[i].groups.append(kind)
    for p in persons:
        if p.age <= 2:
            p.groups.append("infant")
        if "no_smartphone" in p.groups:
            p.has_smartphone = False


def assign_ids(persons: list[PersonPlan], rng: random.Random) -> None:
    """Unique valid ID numbers matching birth date and sex; none for the no-ID group."""
    regions = list(REGION_CODES)
    weights = list(REGION_CODES.values())
    used: set[str] = set()
    for p in persons:
        if "no_id" in p.groups:
            continue
        region = rng.choices(regions, weights=weights)[0]
        born = p.birth_date.strftime("%Y%m%d")
        order = rng.randrange(500) * 2 + (1 if p.sex == "M" else 0)
        while True:
            first17 = f"{region}{born}{order:03d}"
            number = first17 + id_check_digit(first17)
            if number not in used:
                break
            order = (order + 2) % 1000
        used.add(number)
        p.id_number = number
