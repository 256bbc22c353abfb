"""The generated district for bench/linkage.py: a registry, 50 contact-list sheets, the truth.

`generate(registry=1_000_000, rows=200_000, seed=…)` returns a `World`:

- `registry`: column lists (unique_id "r<i>", name, id_number, phone, birth, address, sex) of
  the district's people in households of 1–4 (one surname a household, 15 % of the others
  giving the head's phone), valid 18-digit ID numbers of the district's region codes with the
  birth date and sex they encode, 11-digit mobiles, addresses "阳光12小区3号楼2单元501室";
- `rows`: the list rows as a sheet gives them (raw text, not normalised): sheet, name, id,
  phone, address, birth (only on the sheets that have a birth-date column), with `truth` (the
  generated person: "r<i>" for a registry person, "o<j>" for an outsider), `reg` (the registry
  index or -1) and `tags` (the noise applied to that row, for the error breakdown).

Who is on the lists: 85 % registry people, 15 % outsiders (ID numbers of other regions,
addresses elsewhere or none). Each person is on 1–4 of the 50 sheets (45/30/15/10 %), each
appearance noised independently: traditional characters 8 %, one given-name character
replaced by a homophone 3 %, one by another character (a typo) 3 %; ID missing 15 %, else
15-digit old form 2 % (people born 19xx), else two adjacent digits swapped 3 %; phone missing
10 %, else two adjacent digits swapped 3 %, else written "+86 138-1234-5678" / "138 1234 5678"
5 %; address missing 30 %, else in one of five written forms. A row keeps at least an ID or a
phone (the import rejects a row with neither). Hard negatives: for 1 % of the registry people
on the lists another registry person is made their twin (same name, same birth date, own ID,
phone and address) and put on the lists too, and for 0.5 % an outsider twin.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from import_registry import GIVEN, SURNAMES

SHEETS = (
    [f"{t}镇排查名单" for t in "东西南北中"]
    + [f"{t}街道流调名单{i}" for t in ("新华", "红旗", "站前", "桂林", "重庆") for i in (1, 2, 3)]
    + [f"区疾控密接名单{i}" for i in range(1, 11)]
    + [f"公安大数据推送{i}" for i in range(1, 11)]
    + [f"隔离点{i}入住名单" for i in range(1, 11)]
)
assert len(SHEETS) == 50
BIRTH_COLUMN = frozenset(range(20, 30)) | frozenset(range(40, 50))  # CDC and site rosters
REGIONS = ("220102", "220103", "220104", "220105", "220106")
OTHER_REGIONS = ("110105", "310115", "440305", "220281", "230102", "210102", "370102")
PHONE_PREFIXES = tuple(f"1{a}{b}" for a in "3589" for b in "0123456789")
ESTATES = ("阳光", "和平", "幸福", "锦绣", "丰泽", "长春", "明珠", "富苑", "金桥", "绿园")
STREETS = ("人民大街", "解放路", "同志街", "自由大路", "西安大路", "建设街")
HOMOPHONES = {
    "伟": "维玮炜", "芳": "方舫", "娜": "纳", "敏": "民珉", "静": "晶婧靖", "丽": "莉利俐",
    "强": "蔷墙", "磊": "蕾垒", "军": "君钧", "洋": "阳扬杨", "勇": "永咏", "艳": "燕彦",
    "杰": "洁捷", "娟": "鹃", "涛": "韬滔", "明": "铭鸣", "超": "潮巢", "秀": "绣琇", "霞": "侠",
    "平": "萍苹", "刚": "钢纲", "桂": "贵", "英": "瑛莹", "华": "桦骅", "玉": "钰昱",
    "兰": "岚蓝", "萍": "平苹", "红": "虹鸿", "建": "健剑", "国": "帼", "文": "雯闻",
    "辉": "晖徽", "力": "立莉", "鹏": "朋", "宇": "雨羽", "浩": "昊皓", "然": "冉",
    "欣": "鑫馨", "怡": "仪宜", "子": "梓紫", "涵": "晗含",
}  # fmt: skip
CN_DIGITS = "〇一二三四五六七八九"


@dataclass
class World:
    registry: dict[str, list] = field(default_factory=dict)
    rows: dict[str, list] = field(default_factory=dict)
    persons: int = 0  # distinct people on the lists
    outsiders: int = 0
    twins: int = 0  # hard-negative pairs made


def _id18(first17: str) -> str:
    from wangge.core.normalize import id_check_digit

    return first17 + id_check_digit(first17)


class _Maker:
    def __init__(self, rnd: random.Random):
        self.rnd = rnd
        self.ids: set[str] = set()
        self.phones: set[str] = set()
        self.epoch = dt.date(1940, 1, 1).toordinal()
        self.span = dt.date(2021, 12, 31).toordinal() - self.epoch

    def birth(self) -> dt.date:
        return dt.date.fromordinal(self.epoch + self.rnd.randrange(self.span))

    def id_number(self, born: dt.date, male: bool, regions=REGIONS) -> str:
        rnd = self.rnd
        while True:
            seq = rnd.randrange(500) * 2 + (1 if male else 0)
            first17 = f"{rnd.choice(regions)}{born:%Y%m%d}{seq:03d}"
            if first17 not in self.ids:
                self.ids.add(first17)
                return _id18(first17)

    def phone(self) -> str:
        while True:
            p = self.rnd.choice(PHONE_PREFIXES) + f"{self.rnd.randrange(10**8):08d}"
            if p not in self.phones:
                self.phones.add(p)
                return p

    def given(self) -> str:
        rnd = self.rnd
        return rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < 0.7 else "")


def make_registry(n: int, mk: _Maker) -> dict[str, list]:
    rnd = mk.rnd
    cols: dict[str, list] = {k: [] for k in ("unique_id", "name", "id_number", "phone")}
    cols |= {"birth": [], "address": [], "sex": []}
    household = 0
    while len(cols["name"]) < n:
        household += 1
        estate = f"{ESTATES[household % 10]}{household // 9600 + 1}小区"
        h = household % 9600
        address = (
            f"{estate}{h // 240 + 1}号楼{h // 60 % 4 + 1}单元{h // 2 % 30 + 1}{h % 2 + 1:02d}室"
        )
        surname = rnd.choice(SURNAMES)
        head_phone, names = "", set()
        for i in range(min(rnd.choice((1, 2, 2, 3, 3, 4)), n - len(cols["name"]))):
            male = rnd.random() < 0.5
            born = mk.birth()
            phone = head_phone if i and rnd.random() < 0.15 else mk.phone()
            head_phone = head_phone or phone
            cols["unique_id"].append(f"r{len(cols['name'])}")
            name = surname + mk.given()
            while name in names:  # no two of a household share a name
                name = surname + mk.given()
            names.add(name)
            cols["name"].append(name)
            cols["id_number"].append(mk.id_number(born, male))
            cols["phone"].append(phone)
            cols["birth"].append(born)
            cols["address"].append(address)
            cols["sex"].append("M" if male else "F")
    return cols


def _swap_adjacent(s: str, lo: int, hi: int, rnd: random.Random) -> str:
    """s with two adjacent, different characters in [lo, hi) swapped (s itself if none)."""
    spots = [i for i in range(lo, hi - 1) if s[i] != s[i + 1]]
    if not spots:
        return s
    i = rnd.choice(spots)
    return s[:i] + s[i + 1] + s[i] + s[i + 2 :]


def _address_variant(address: str, rnd: random.Random) -> str:
    """One of the ways a sheet writes the registry address."""
    estate, rest = address.split("小区")
    b, rest = rest.split("号楼")
    u, room = rest.split("单元")
    room = room.rstrip("室")
    form = rnd.randrange(5)
    if form == 0:
        return address
    if form == 1:
        return f"{b}栋{u}单元{room}"
    if form == 2:
        return f"{estate}小区{b}-{u}-{room}"
    if form == 3:
        return f"{b}-{u}-{room}"
    return "".join(CN_DIGITS[int(c)] for c in b) + "号楼" + CN_DIGITS[int(u)] + "单元" + room


class _Noiser:
    def __init__(self, rnd: random.Random):
        import opencc

        self.rnd = rnd
        self.s2t = opencc.OpenCC("s2t").convert

    def name(self, name: str, tags: list[str]) -> str:
        rnd = self.rnd
        if rnd.random() < 0.03:
            spots = [i for i in range(1, len(name)) if name[i] in HOMOPHONES]
            if spots:
                i = rnd.choice(spots)
                name = name[:i] + rnd.choice(HOMOPHONES[name[i]]) + name[i + 1 :]
                tags.append("homophone")
        if rnd.random() < 0.03:
            i = rnd.randrange(1, len(name))
            other = rnd.choice([c for c in GIVEN if c != name[i]])
            name = name[:i] + other + name[i + 1 :]
            tags.append("typo")
        if rnd.random() < 0.08:
            name = self.s2t(name)
            tags.append("traditional")
        return name

    def id_number(self, id18: str, tags: list[str]) -> str:
        rnd = self.rnd
        r = rnd.random()
        if r < 0.15:
            tags.append("id_missing")
            return ""
        if r < 0.17 and id18[6:8] == "19":
            tags.append("id_15")
            return id18[:6] + id18[8:17]
        if r < 0.20:
            swapped = _swap_adjacent(id18, 0, 17, rnd)
            if swapped != id18:
                tags.append("id_swap")
                return swapped
        if rnd.random() < 0.05:
            return f"{id18[:6]} {id18[6:14]} {id18[14:]}".lower()
        return id18

    def phone(self, phone: str, tags: list[str], has_id: bool) -> str:
        rnd = self.rnd
        r = rnd.random()
        if r < 0.10 and has_id:
            tags.append("phone_missing")
            return ""
        if 0.10 <= r < 0.13:
            tags.append("phone_swap")
            return _swap_adjacent(phone, 3, 11, rnd)
        if 0.13 <= r < 0.18:
            return rnd.choice(
                (
                    f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}",
                    f"{phone[:3]} {phone[3:7]} {phone[7:]}",
                )
            )
        return phone

    def address(self, address: str, tags: list[str]) -> str:
        if not address or self.rnd.random() < 0.30:
            return ""
        out = _address_variant(address, self.rnd) if "小区" in address else address
        return self.s2t(out) if "traditional" in tags else out


def generate(registry: int = 1_000_000, rows: int = 200_000, seed: int = 20220409) -> World:
    rnd = random.Random(seed)
    mk = _Maker(rnd)
    world = World(registry=make_registry(registry, mk))
    reg = world.registry
    noiser = _Noiser(rnd)
    out: dict[str, list] = {k: [] for k in ("sheet", "name", "id", "phone", "address", "birth")}
    out |= {"truth": [], "reg": [], "tags": []}
    chosen: set[int] = set()
    pending: list[tuple[str, int, dict]] = []  # twins waiting to be put on the lists

    def outsider(name: str = "", born: dt.date | None = None) -> tuple[str, int, dict]:
        male = rnd.random() < 0.5
        born = born or mk.birth()
        person = {
            "name": name or rnd.choice(SURNAMES) + mk.given(),
            "id_number": mk.id_number(born, male, OTHER_REGIONS),
            "phone": mk.phone(),
            "birth": born,
            "address": f"{rnd.choice(STREETS)}{rnd.randrange(1, 2000)}号"
            if rnd.random() < 0.5
            else "",
        }
        world.outsiders += 1
        return f"o{world.outsiders}", -1, person

    def registry_person(i: int) -> dict:
        return {k: reg[k][i] for k in ("name", "id_number", "phone", "birth", "address")}

    while len(out["name"]) < rows:
        if pending:
            key, ri, person = pending.pop()
            twin = True
        elif rnd.random() < 0.85:
            ri = rnd.randrange(registry)
            if ri in chosen:
                continue
            chosen.add(ri)
            key, person, twin = f"r{ri}", registry_person(ri), False
            r = rnd.random()
            if r < 0.01:  # a registry twin: another registry person renamed and re-born
                j = rnd.randrange(registry)
                if j not in chosen:
                    chosen.add(j)
                    male = reg["sex"][j] == "M"
                    reg["name"][j], reg["birth"][j] = person["name"], person["birth"]
                    reg["id_number"][j] = mk.id_number(person["birth"], male)
                    pending.append((f"r{j}", j, registry_person(j)))
                    world.twins += 1
                    twin = True
            elif r < 0.015:
                pending.append(outsider(person["name"], person["birth"]))
                world.twins += 1
                twin = True
        else:
            (key, ri, person), twin = outsider(), False
        world.persons += 1
        k = rnd.choices((1, 2, 3, 4), (45, 30, 15, 10))[0]
        for sheet in rnd.sample(range(50), k):
            if len(out["name"]) >= rows:
                break
            tags = ["outsider"] if ri < 0 else []
            if twin:
                tags.append("twin")
            name = noiser.name(person["name"], tags)
            id_raw = noiser.id_number(person["id_number"], tags)
            out["sheet"].append(sheet)
            out["name"].append(name)
            out["id"].append(id_raw)
            out["phone"].append(noiser.phone(person["phone"], tags, bool(id_raw)))
            out["address"].append(noiser.address(person["address"], tags))
            out["birth"].append(person["birth"] if sheet in BIRTH_COLUMN else None)
            out["truth"].append(key)
            out["reg"].append(ri)
            out["tags"].append(tuple(tags))
    world.rows = out
    return world
