"""Synthetic contact lists with known truth, for the linkage tests (and usable by a benchmark):
a registry of people with valid IDs and phones, and list rows naming some of them (and people
not in the registry) with the noise seen in real sheets."""

from __future__ import annotations

import datetime
import random

from wangge.core.normalize import id_check_digit

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉鹏飞燕波宁琳晨雪梅斌宇浩凯"
# Traditional forms typed by some sources (opencc turns them back).
TRADITIONAL = dict(
    zip(
        "张刘陈杨黄赵吴孙马郑谢许韩冯邓伟丽强军杰涛刚华兰红国辉鹏飞燕宁晨",
        "張劉陳楊黃趙吳孫馬鄭謝許韓馮鄧偉麗強軍傑濤剛華蘭紅國輝鵬飛燕寧晨",
        strict=True,
    )
)
# Homophones typed by ear (same toneless pinyin).
HOMOPHONES = dict(zip("张伟丽静明华军杰红", "章玮莉婧鸣骅君洁宏", strict=True))
REGIONS = ("220102", "220103", "220104", "220105", "220106", "220112")


def make_id(rng: random.Random, born: datetime.date, region: str) -> str:
    first17 = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_digit(first17)


def make_phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def _swap(s: str, rng: random.Random, start: int = 0) -> str:
    for _ in range(10):
        i = rng.randrange(start, len(s) - 1)
        if s[i] != s[i + 1]:
            return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    return s


def _address(rng: random.Random) -> str:
    building, unit = rng.randrange(1, 40), rng.randrange(1, 6)
    return f"{building}号楼{unit}单元{rng.randrange(1, 7)}0{rng.randrange(1, 5)}"


def registry_people(n: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 70))
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        out.append(
            {
                "unique_id": f"p{i}",
                "name": rng.choice(SURNAMES) + given,
                "id_number": make_id(rng, born, rng.choice(REGIONS)),
                "phone": make_phone(rng),
                "address": _address(rng),
            }
        )
    # Households share a phone: every 5th person takes the previous one's.
    for i in range(5, n, 5):
        out[i]["phone"] = out[i - 1]["phone"]
    return out


def noisy(person: dict, rng: random.Random, uid: str, source: str) -> dict:
    """One list row naming `person`, with the noise of real sheets."""
    name, id_number, phone = person["name"], person["id_number"], person["phone"]
    typo = False
    r = rng.random()
    if r < 0.15:
        name = "".join(TRADITIONAL.get(ch, ch) for ch in name)
    elif r < 0.22 and any(ch in HOMOPHONES for ch in name):
        name = "".join(HOMOPHONES.get(ch, ch) for ch in name)
    elif r < 0.27 and len(name) > 1:
        name, typo = name[:-1] + rng.choice(GIVEN), True  # a typo: only with the ID kept
    r = rng.random()
    if r < 0.25 and not typo:
        id_number = ""
    elif r < 0.33 and not typo:
        id_number = _swap(id_number, rng)
    r = rng.random()
    if r < 0.08:
        phone = _swap(phone, rng, 3)
    elif r < 0.12 and id_number:
        phone = ""
    return {
        "unique_id": uid,
        "name": name,
        "id_number": id_number,
        "phone": phone,
        "address": person["address"] if rng.random() < 0.7 else "",
        "source": source,
    }


def synthetic_lists(
    n_registry: int = 2000, n_people: int = 150, n_outsiders: int = 50, seed: int = 7
) -> tuple[list[dict], list[dict], dict[str, str]]:
    """(records, registry, truth: record uid -> person key). Each listed person appears on
    1–4 sheets; outsiders are on the lists but not in the registry."""
    rng = random.Random(seed)
    registry = registry_people(n_registry, seed)
    extra = registry_people(n_outsiders, seed + 1000)
    people = [(p["unique_id"], p) for p in rng.sample(registry, n_people)] + [
        (f"x{p['unique_id']}", p) for p in extra
    ]
    records, truth = [], {}
    n = 0
    for key, person in people:
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            uid = f"r{n}"
            n += 1
            records.append(noisy(person, rng, uid, f"sheet{rng.randrange(8)}"))
            truth[uid] = key
    rng.shuffle(records)
    return records, registry, truth


def pair_scores(clusters: list[list[str]], truth: dict[str, str]) -> tuple[float, float]:
    """Pairwise precision and recall of `clusters` against `truth`."""
    predicted = set()
    for members in clusters:
        ms = sorted(members)
        predicted.update((a, b) for i, a in enumerate(ms) for b in ms[i + 1 :])
    by_truth: dict[str, list[str]] = {}
    for uid, key in truth.items():
        by_truth.setdefault(key, []).append(uid)
    actual = set()
    for members in by_truth.values():
        ms = sorted(members)
        actual.update((a, b) for i, a in enumerate(ms) for b in ms[i + 1 :])
    tp = len(predicted & actual)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(actual) if actual else 1.0
    return precision, recall


# --- database helpers ---------------------------------------------------------------------


def make_batch(area, source: str = "市疾控", day=None, kind: str = "close", sheet: str = "Sheet1"):
    from wangge.tracing.models import Batch, Source

    src, _ = Source.objects.get_or_create(area=area, name=source)
    day = day or datetime.date(2022, 4, 1)
    return Batch.objects.create(
        source=src,
        area=area,
        day=day,
        kind=kind,
        file_name=f"{source}.xlsx",
        sheet_name=sheet,
        digest=f"{source}{day}{sheet}{random.random()}",
    )


def add_row(batch, name: str, id_number: str = "", phone: str = "", address: str = "", **kw):
    from wangge.tracing.linkage_keys import valid_id
    from wangge.tracing.models import ContactRow

    n = batch.rows.count() + 2
    return ContactRow.objects.create(
        batch=batch,
        row_number=n,
        raw={"姓名": name, "身份证号": id_number, "电话": phone},
        name=name,
        id_number=id_number,
        id_valid=bool(valid_id(id_number)),
        phone=phone,
        address=address,
        **kw,
    )
