"""Scoring for bench/linkage.py: a linkage result against the generated truth.

pairwise        over list rows: true pairs name the same generated person, predicted pairs
                share a cluster → precision, recall, F1
registry_score  each row's registry person against the truth (outsiders' truth is none)
review_score    the review queue: its size, its share of the candidate comparisons, its true
                pairs, and the figures if every pair were decided right
errors          missed and false pairs and wrong registry links by the noise on the rows,
                alone and in combination, with examples
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations


def _c2(n: int) -> int:
    return n * (n - 1) // 2


def _prf(tp: int, predicted: int, true: int) -> dict:
    p = tp / predicted if predicted else 1.0
    r = tp / true if true else 1.0
    return {
        "precision": round(p, 5),
        "recall": round(r, 5),
        "f1": round(2 * p * r / (p + r), 5) if p + r else 0.0,
    }


def pairwise(labels: list, truth: list) -> dict:
    pred = Counter(labels)
    true = Counter(truth)
    both = Counter(zip(labels, truth, strict=True))
    tp = sum(_c2(v) for v in both.values())
    pp, tt = sum(_c2(v) for v in pred.values()), sum(_c2(v) for v in true.values())
    return {"true_pairs": tt, "predicted_pairs": pp, "correct_pairs": tp} | _prf(tp, pp, tt)


def registry_score(reg_link: list, reg_truth: list) -> dict:
    linked = sum(1 for x in reg_link if x is not None)
    true = sum(1 for x in reg_truth if x is not None)
    correct = sum(1 for x, y in zip(reg_link, reg_truth, strict=True) if x is not None and x == y)
    out = {"rows_of_registry_people": true, "rows_linked": linked, "correct": correct}
    return out | _prf(correct, linked, true)


def row_tags(world, rec: dict[str, list]) -> list[tuple[str, ...]]:
    shared = {p for p, k in Counter(world.registry["phone"]).items() if k > 1}
    return [
        tags + (("shared_phone",) if phone in shared else ())
        for tags, phone in zip(world.rows["tags"], rec["phone"], strict=True)
    ]


def errors(labels, reg_link, truth, reg_truth, tags, rec, examples: int) -> dict:
    """Missed / false pairs and wrong registry links by noise kind."""
    by_truth, by_label = defaultdict(list), defaultdict(list)
    for i, (t, c) in enumerate(zip(truth, labels, strict=True)):
        by_truth[t].append(i)
        by_label[c].append(i)
    pairs_with, missed_with, missed_combo, missed_examples = Counter(), Counter(), Counter(), {}
    for rows in by_truth.values():
        for a, b in combinations(rows, 2):
            kinds = set(tags[a]) | set(tags[b]) or {"clean"}
            if not (rec["id_valid"][a] and rec["id_valid"][b]):
                kinds.add("no_common_valid_id")
            pairs_with.update(kinds)
            if labels[a] != labels[b]:
                missed_with.update(kinds)
                combo = "+".join(sorted(kinds - {"no_common_valid_id"}))
                missed_combo[combo] += 1
                missed_examples.setdefault(combo, [_show(rec, tags, a), _show(rec, tags, b)])
    false_with, false_combo, false_examples, giant = Counter(), Counter(), {}, 0
    for rows in by_label.values():
        if len(rows) > 200:
            giant += 1
            continue
        for a, b in combinations(rows, 2):
            if truth[a] == truth[b]:
                continue
            kinds = set(tags[a]) | set(tags[b]) or {"clean"}
            if rec["name"][a] == rec["name"][b]:
                kinds.add("same_name")
            if rec["phone"][a] and rec["phone"][a] == rec["phone"][b]:
                kinds.add("same_phone")
            if rec["birth"][a] and rec["birth"][a] == rec["birth"][b]:
                kinds.add("same_birth")
            false_with.update(kinds)
            combo = "+".join(sorted(kinds))
            false_combo[combo] += 1
            false_examples.setdefault(combo, [_show(rec, tags, a), _show(rec, tags, b)])
    reg_errors = Counter()
    for i, (x, y) in enumerate(zip(reg_link, reg_truth, strict=True)):
        if x != y:
            kind = "missed" if x is None else "spurious" if y is None else "wrong"
            reg_errors.update(f"{kind}:{k}" for k in (tags[i] or ("clean",)))
            reg_errors[kind] += 1
    recall_by_noise = {
        k: {"pairs": v, "missed": missed_with[k], "recall": round(1 - missed_with[k] / v, 4)}
        for k, v in sorted(pairs_with.items(), key=lambda kv: -missed_with[kv[0]])
    }
    return {
        "missed_pairs_by_noise": recall_by_noise,
        "missed_pairs_by_combination": dict(missed_combo.most_common(15)),
        "false_pairs_by_noise": dict(false_with.most_common()),
        "false_pairs_by_combination": dict(false_combo.most_common(10)),
        "clusters_over_200_rows": giant,
        "registry_errors": dict(reg_errors.most_common()),
        "missed_examples": {k: missed_examples[k] for k, _ in missed_combo.most_common(examples)},
        "false_examples": {k: false_examples[k] for k, _ in false_combo.most_common(examples)},
    }


def _show(rec, tags, i) -> str:
    birth = rec["birth"][i]
    return " ".join(
        [rec["name"][i], rec["id_number"][i] or "-", rec["phone"][i] or "-", str(birth or "-")]
        + [rec["address"][i] or "-", "/".join(tags[i])]
    )


def review_score(result: dict, truth: list, index: dict) -> dict:
    """The review queue: its size, how many of its pairs are true (a registry uid is "r<i>",
    the truth's own name for that person), and the figures if every pair were decided right."""
    labels, review = result["labels"], result["review"]
    parent: dict = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x, y) -> None:
        x, y = find(x), find(y)
        if x != y:  # a registry node stays the root
            parent[x if isinstance(y, str) else y] = y if isinstance(y, str) else x

    def node(uid: str):
        return labels[index[uid]] if uid in index else "reg:" + uid

    for label, person in zip(labels, result["reg_link"], strict=True):
        if person:
            union(label, "reg:" + person)
    kinds, true = Counter(), 0
    for a, b, _p in review:
        same = (truth[index[a]] if a in index else a) == (truth[index[b]] if b in index else b)
        kinds[("row-row" if a in index and b in index else "row-registry") + (":true" * same)] += 1
        if same:
            true += 1
            union(node(a), node(b))
    decided = [find(c) for c in labels]
    reg_after = [r[4:] if isinstance(r, str) else None for r in decided]
    n = len(review)
    return {
        "pairs": n,
        "by_kind": dict(kinds),
        "true_pairs_in_queue": true,
        "candidate_pairs": result["candidates"],
        "share_of_candidates": round(n / result["candidates"], 5) if result["candidates"] else None,
        "share_of_true_pairs": round(n / pairwise(labels, truth)["true_pairs"], 5),
        "after_review": {
            "pairs": pairwise(decided, truth),
            "registry": registry_score(reg_after, [t if t[0] == "r" else None for t in truth]),
        },
    }
