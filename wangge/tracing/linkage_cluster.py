"""Clustering of linked pairs into people, with constraints that a chain of pairs cannot break.

Plain connected components let one bad pair chain two people together (A≈B by phone, B≈C by
name, so A=C). Here edges are taken strongest first and a union is refused when the two
clusters hold different values of an exclusive attribute:

- "id": two different valid ID numbers are never one person (unless a worker said so);
- an anchor category ("c" an existing merged person, "reg" a registry person, …): a cluster
  holds at most one of each, so a new row never fuses two existing people;
- a worker's "not the same person" between any members of the two clusters.

A worker's "same person" is forced: it merges whatever the constraints say.
"""

from __future__ import annotations


class Clusters:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        # root -> {category: set of values}
        self.tags: dict[str, dict[str, set[str]]] = {}
        # root -> uids its members must stay apart from
        self.apart: dict[str, set[str]] = {}
        # uid -> (how it joined, score)
        self.how: dict[str, tuple[str, float]] = {}

    def add(self, uid: str, tags: dict[str, str]) -> None:
        self.parent[uid] = uid
        clean = {k: {v} for k, v in tags.items() if v}
        if clean:
            self.tags[uid] = clean

    def find(self, uid: str) -> str:
        parent = self.parent
        root = uid
        while parent[root] != root:
            root = parent[root]
        while parent[uid] != root:
            parent[uid], uid = root, parent[uid]
        return root

    def keep_apart(self, a: str, b: str) -> None:
        self.apart.setdefault(self.find(a), set()).add(b)
        self.apart.setdefault(self.find(b), set()).add(a)

    def conflict(self, ra: str, rb: str) -> str:
        """Why the clusters rooted at ra and rb may not merge ("" when they may)."""
        ta, tb = self.tags.get(ra), self.tags.get(rb)
        if ta and tb:
            for cat, values in ta.items():
                other = tb.get(cat)
                if other and not (values & other):
                    return cat
        for root, other in ((ra, rb), (rb, ra)):
            if any(self.find(x) == other for x in self.apart.get(root, ())):
                return "decision"
        return ""

    def union(self, a: str, b: str, how: str, score: float, *, force: bool = False) -> str:
        """Merge the clusters of a and b; returns "" when merged (or already one), else the
        reason it was refused."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ""
        if not force and (why := self.conflict(ra, rb)):
            return why
        # Keep the root with more tags as root (cheap, and stable for small clusters).
        if len(self.tags.get(ra, ())) < len(self.tags.get(rb, ())):
            ra, rb = rb, ra
        self.parent[rb] = ra
        if rb in self.tags:
            mine = self.tags.setdefault(ra, {})
            for cat, values in self.tags.pop(rb).items():
                mine.setdefault(cat, set()).update(values)
        if rb in self.apart:
            self.apart.setdefault(ra, set()).update(self.apart.pop(rb))
        for uid in (a, b):
            self.how.setdefault(uid, (how, score))
        return ""
