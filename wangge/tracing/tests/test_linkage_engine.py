"""The linkage engine on in-memory records (no database)."""

from __future__ import annotations

import datetime
import random

from wangge.tracing.linkage_frame import link_frame
from wangge.tracing.linkage_keys import decision_key, identity_key, link_columns, pinyin_key
from wangge.tracing.tests.fixtures_linkage import (
    make_id,
    pair_scores,
    synthetic_lists,
)

RNG = random.Random(3)
ID_A = make_id(RNG, datetime.date(1980, 5, 17), "220102")
ID_B = make_id(RNG, datetime.date(1980, 5, 17), "220102")
PHONE = "13812345678"


def rec(uid, name, id_number="", phone="", address="", source="s1", **kw):
    return {
        "unique_id": uid,
        "name": name,
        "id_number": id_number,
        "phone": phone,
        "address": address,
        "source": source,
        **kw,
    }


def together(links, a, b) -> bool:
    of = links.cluster_of()
    return of[a] == of[b]


def swap(s: str, i: int) -> str:
    return s[:i] + s[i + 1] + s[i] + s[i + 2 :]


def test_keys():
    assert pinyin_key("張偉") == pinyin_key("章伟") == "zhangwei"
    assert identity_key({"name": "张伟", "id_number": ID_A}) == f"id:{ID_A}"
    assert identity_key({"name": "張偉", "phone": PHONE}) == f"pn:{PHONE}:张伟"
    assert identity_key({"name": "张伟", "birth": datetime.date(1980, 1, 2)}) == (
        "n:zhangwei:1980-01-02"
    )
    assert decision_key("b", "a") == ("a", "b")
    cols = link_columns({"name": "张伟", "id_number": swap(ID_A, 14)}, unique_id="x")
    assert cols["id_valid"] is None and cols["birth"] == "1980-05-17"


def test_exact_valid_id_across_sheets():
    links = link_frame(
        [rec("a", "张伟", ID_A, source="s1"), rec("b", "张卫", ID_A, "13900000000", source="s2")]
    )
    assert together(links, "a", "b")
    assert links.how["b"][0] == "id"


def test_exact_phone_and_traditional_name():
    links = link_frame([rec("a", "张伟", phone=PHONE), rec("b", "張偉", phone=PHONE)])
    assert together(links, "a", "b")
    assert links.how["a"][0] == "phone_name"


def test_swapped_id_digit_with_same_name_and_phone_merges():
    bad = swap(ID_A, 9)
    links = link_frame([rec("a", "李娜", ID_A, PHONE), rec("b", "李娜", bad, PHONE)])
    assert together(links, "a", "b")


def test_swapped_id_digit_without_phone_merges_on_name_and_id():
    bad = swap(ID_A, 15)
    links = link_frame([rec("a", "李娜", ID_A), rec("b", "李娜", bad)])
    assert together(links, "a", "b")
    assert links.how["b"][0] == "probabilistic"


def test_name_typo_with_same_id_merges():
    links = link_frame([rec("a", "王建国", ID_A), rec("b", "王建军", ID_A)])
    assert together(links, "a", "b")


def test_homophone_with_same_phone_merges():
    links = link_frame([rec("a", "张伟", phone=PHONE), rec("b", "章伟", phone=PHONE)])
    assert together(links, "a", "b")


def test_grey_zone_goes_to_review():
    # Same phone, surname and a similar given name, nothing else: a relative or a typo.
    links = link_frame([rec("a", "杨燕", phone=PHONE), rec("b", "杨勇", phone=PHONE)])
    assert not together(links, "a", "b")
    assert [(p.a, p.b) for p in links.review] == [("a", "b")]
    assert links.review[0].evidence["phone"] == "exact"


def test_two_valid_ids_never_merge_even_through_a_chain():
    # b has A's phone and name, c has B's valid ID, the same name and phone: a chain a-b-c.
    links = link_frame(
        [
            rec("a", "张伟", ID_A, PHONE),
            rec("b", "张伟", "", PHONE),
            rec("c", "张伟", ID_B, PHONE),
        ]
    )
    assert not together(links, "a", "c")
    assert not links.review or all({p.a, p.b} != {"a", "c"} for p in links.review)


def test_registry_match_and_anchors():
    registry = [rec("p1", "张伟", ID_A, PHONE), rec("p2", "王芳", ID_B, "13700000000")]
    links = link_frame([rec("a", "張偉", "", PHONE), rec("b", "王芳", ID_B)], registry)
    of = links.cluster_of()
    assert links.registry[of["a"]][0] == "p1"
    assert links.registry[of["b"]] == ("p2", "id")


def test_a_row_does_not_fuse_two_existing_people():
    records = [
        rec("c:1", "张伟", "", PHONE, anchor="c:1"),
        rec("c:2", "张伟", "", "13912345678", anchor="c:2"),
        rec("r", "张伟", "", PHONE),
    ]
    records[2]["phone"] = PHONE
    links = link_frame(records)
    assert not together(links, "c:1", "c:2")
    assert together(links, "r", "c:1")


def test_decisions_are_honoured():
    a, b = rec("a", "杨燕", phone=PHONE), rec("b", "杨勇", phone=PHONE)
    key = decision_key(identity_key(a), identity_key(b))
    merged = link_frame([a, b], decisions={key: True})
    assert together(merged, "a", "b") and not merged.review
    apart = link_frame([a, b], decisions={key: False})
    assert not together(apart, "a", "b") and not apart.review


def test_deterministic():
    records, registry, _truth = synthetic_lists(300, 30, 10, seed=5)
    one, two = link_frame(records, registry), link_frame(records, registry)
    assert sorted(map(sorted, one.clusters)) == sorted(map(sorted, two.clusters))
    assert [(p.a, p.b) for p in one.review] == [(p.a, p.b) for p in two.review]


def test_synthetic_accuracy():
    """A regression guard on generated lists with known truth (not a timing)."""
    records, registry, truth = synthetic_lists(3000, 250, 80, seed=11)
    links = link_frame(records, registry)
    precision, recall = pair_scores(links.clusters, truth)
    assert precision >= 0.99, precision
    assert recall >= 0.97, recall
    assert len(links.review) <= 0.02 * len(records)
    # Registry matches: right person for the listed registry people, none for outsiders.
    wrong = missing = 0
    for i, members in enumerate(links.clusters):
        key = truth[members[0]]
        match = links.registry.get(i)
        if match is None:
            missing += not key.startswith("x")
        elif match[0] != key:
            wrong += 1
    assert wrong <= 2 and missing <= 5, (wrong, missing)
