"""Scope-test entries of the tracing app, part review: the review queue (a pair, its decision and
reveal), the merged list (day, search, filters), one merged person and its reveal, the CDC export
and the hand-over; the API's pairs and merged list. extra() makes the scenario of
fixtures_review (two sources of world.street, merged people — 张伟 matched to world.zhang —
and review pairs)."""

from __future__ import annotations

OBJECT_ARGS: dict = {
    "tracing:review_decide": lambda w, x: {"pk": x["review_pair"].pk},
    "tracing:review_reveal": lambda w, x: {"pk": x["review_pair"].pk},
    "tracing:merged_detail": lambda w, x: {"pk": x["review_zhang"].pk},
    "tracing:merged_reveal": lambda w, x: {"pk": x["review_zhang"].pk},
}
LIST_QUERIES: dict = {
    "tracing:review": [""],
    "tracing:merged": [
        "",
        "?day=2022-04-02",
        "?day=2022-04-02&new=on",
        "?q=张伟",
        "?q=0001",
        "?q=zw",
        "?area={grid1}",
        "?measure=yes",
        "?kind=secondary",
    ],
    "tracing:merged_export": ["?day=2022-04-02", "?day=2022-04-02&area={street}"],
    "tracing:handover": ["?day=2022-04-02"],
}
API_OBJECTS: dict = {"pair_id": lambda w, x: x["review_pair"].pk}
API_FILTERS: dict = {"day": lambda w, x: "2022-04-02"}


def extra(world) -> dict:
    from .fixtures_review import scenario

    s = scenario(world)
    return {"review_pair": s.p_later, "review_zhang": s.zhang}
