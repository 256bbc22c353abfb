"""Workforce, checkpoints and support for bench/daily_report_data.py: organisations, workers
and recruitments, the posts the other operations collect with their shifts and check-ins, a gate
per estate with passes and the day's passages, and support requests."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from canvass_coverage import name, phone
from daily_report_base import CUT_OFF, Day, Registry, fill

# --- workforce --------------------------------------------------------------------------------


def build_workforce(day: Day, reg: Registry, rnd) -> dict[str, int]:
    """Organisations and workers; posts, shifts and assignments come with their operations."""
    from wangge.workforce.models import Organization, Recruitment, SignUp, Worker

    org_rows = [
        (c, f"{n + 1}号社区志愿者队", "volunteers", c, p)
        for n, (c, p) in enumerate(reg.communities)
    ]
    counts = {"organizations": fill(day, Organization, "id name kind area_id scope_path", org_rows)}
    w_rows, wid = [], 0
    reg.workers = defaultdict(list)  # grid index → worker ids (2 grid workers, 9 volunteers)
    reg.cadres = defaultdict(list)  # community id → cadre ids
    for g, (gid, gpath, cid) in enumerate(reg.grids):
        for k in range(11):
            wid += 1
            kind, org = ("grid", None) if k < 2 else ("volunteer", cid)
            w_rows.append((wid, name(rnd), phone(rnd), kind, gid, org, gpath))
            reg.workers[g].append(wid)
    for cid, cpath in reg.communities:
        for _ in range(10):
            wid += 1
            w_rows.append((wid, name(rnd), phone(rnd), "cadre", cid, None, cpath))
            reg.cadres[cid].append(wid)
    reg.worker_names = {w[0]: (w[1], w[2]) for w in w_rows}
    columns = "id name phone kind area_id organization_id scope_path"
    counts["workers"] = fill(day, Worker, columns, w_rows)
    r_rows = [
        (n + 1, "今日核酸采样招募志愿者", s, day.t(-12 * 60), day.t(20 * 60), 50, p)
        for n, (s, p) in enumerate(reg.streets)
    ]
    columns = "id title area_id starts_at ends_at needed scope_path"
    counts["recruitments"] = fill(day, Recruitment, columns, r_rows)
    s_rows = []
    for r in r_rows:
        for _ in range(20):
            status = rnd.choice(["pending", "pending", "approved", "declined"])
            s_rows.append(
                (
                    len(s_rows) + 1,
                    r[0],
                    name(rnd),
                    phone(rnd),
                    status,
                    True,
                    day.t(rnd.randrange(-600, 900)),
                    r[6],
                )
            )
    columns = "id recruitment_id name phone status healthy created_at scope_path"
    counts["signups"] = fill(day, SignUp, columns, s_rows)
    reg.posts, reg.shifts = [], []  # appended to by the operations, written at the end
    return counts


def staff(day: Day, reg: Registry, rnd) -> dict[str, int]:
    """The posts collected by the operations, the day's shifts and who is on them."""
    from wangge.workforce.models import Assignment, Post, Shift

    columns = "id name kind area_id place headcount checkpoint_id sampling_point_id site_id"
    counts = {"posts": fill(day, Post, columns + " scope_path", reg.posts)}
    s_rows, a_rows = [], []
    busy: dict[int, int] = defaultdict(int)  # worker id → shifts (one a day, two at most)
    for pid, start, end, needed, pool in reg.shifts:
        sid = len(s_rows) + 1
        path = reg.posts[pid - 1][-1]
        s_rows.append((sid, pid, day.t(start), day.t(end), needed, day.t(-6 * 60), path))
        for _ in range(needed):
            free = [w for w in pool if busy[w] == 0] or [w for w in pool if busy[w] == 1]
            if not free or rnd.random() < 0.03:
                continue  # a place left unfilled
            w = free[0]
            busy[w] += 1
            started, ended = start < CUT_OFF, end < CUT_OFF
            late = rnd.random() < 0.05
            cin = None if late or not started else start + rnd.randint(-10, 10)
            cout = end + rnd.randint(0, 15) if cin is not None and ended else None
            a_rows.append((len(a_rows) + 1, sid, w, day.t(cin), day.t(cout), day.t(-6 * 60), path))
    columns = "id post_id starts_at ends_at needed published_at scope_path"
    counts["shifts"] = fill(day, Shift, columns, s_rows)
    columns = "id shift_id worker_id checked_in_at checked_out_at created_at scope_path"
    counts["assignments"] = fill(day, Assignment, columns, a_rows)
    return counts


def add_post(
    reg: Registry, name_, kind, area, path, headcount, shifts, pool, *, cp=None, sp=None, site=None
) -> int:
    pid = len(reg.posts) + 1
    reg.posts.append((pid, name_, kind, area, "", headcount, cp, sp, site, path))
    for start, end in shifts:
        reg.shifts.append((pid, start, end, headcount, pool))
    return pid


# --- checkpoints ------------------------------------------------------------------------------


def build_checkpoints(day: Day, reg: Registry, rnd) -> dict[str, int]:
    from wangge.checkpoints import models as k

    cp_rows, through, policies = [], [], []
    reg.checkpoint_of = {}  # grid index → checkpoint id
    for eid, ename, epath in reg.estates:
        if eid not in reg.estate_grid:
            continue
        gid = reg.estate_grid[eid]
        g = reg.grid_index[gid]
        gpath = reg.grids[g][1]
        cp_rows.append((eid, f"{ename}正门", "estate_gate", gid, gpath))
        through.append((eid, eid, eid))
        policies.append((eid, eid, 1, 1, day.d(-10), epath))
        reg.checkpoint_of.setdefault(g, eid)
        add_post(
            reg,
            f"{ename}门岗",
            "checkpoint",
            gid,
            gpath,
            2,
            [(6 * 60, 14 * 60), (14 * 60, 22 * 60)],
            reg.workers[g],
            cp=eid,
        )
    counts = {"checkpoints": fill(day, k.Checkpoint, "id name kind area_id scope_path", cp_rows)}
    fill(day, k.Checkpoint.estates.through, "id checkpoint_id estate_id", through)
    columns = "id estate_id persons period_days starts_on scope_path"
    counts["pass_policies"] = fill(day, k.PassPolicy, columns, policies)
    members = defaultdict(list)
    for pid, hid, _path in reg.residents:
        members[hid].append(pid)
    passes, passages = [], []
    temp = Decimal("36.4")

    def passage(cp, minute, direction, outcome, hid=None, pid=None, card=None, path="", **kw):
        passages.append(
            (
                len(passages) + 1,
                cp,
                day.t(minute),
                direction,
                outcome,
                kw.get("code", ""),
                kw.get("reason", ""),
                hid,
                pid,
                card,
                kw.get("plate", ""),
                temp if pid else None,
                "green" if pid else "",
                kw.get("green", ""),
                kw.get("escort", ""),
                day.t(minute),
                path,
            )
        )

    for hid, _u, bid, hpath, vacant, _room in reg.households:
        if vacant or not members[hid]:
            continue
        passes.append((len(passes) + 1, hid, f"P{hid:09d}", day.d(-10), day.d(20), hpath))
        cp = reg.buildings[bid - 1][1]
        gpath = reg.grids[reg.grid(hpath)][1]
        if rnd.random() < 0.40:
            out, who = rnd.randrange(7 * 60, 15 * 60), rnd.choice(members[hid])
            passage(cp, out, "out", "allowed", hid, who, len(passes), gpath)
            if rnd.random() < 0.85:
                passage(
                    cp, out + rnd.randrange(60, 300), "in", "allowed", hid, who, len(passes), gpath
                )
            if rnd.random() < 0.075:
                passage(
                    cp,
                    out + 30,
                    "out",
                    "refused",
                    hid,
                    rnd.choice(members[hid]),
                    len(passes),
                    gpath,
                    code="quota",
                    reason="本户今日已有人外出",
                )
    for cp, _name, _kind, _gid, gpath in cp_rows:
        passage(
            cp,
            rnd.randrange(7 * 60, CUT_OFF),
            "in",
            "turned_back",
            path=gpath,
            code="outsider",
            reason="非本小区居民",
        )
        truck = rnd.randrange(7 * 60, 15 * 60)
        passage(cp, truck, "in", "allowed", path=gpath, plate=f"吉B{cp:05d}")
        passage(cp, truck + 40, "out", "allowed", path=gpath, plate=f"吉B{cp:05d}")
    for cp, _name, _kind, _gid, gpath in rnd.sample(cp_rows, min(20, len(cp_rows))):
        passage(
            cp,
            rnd.randrange(0, CUT_OFF),
            "out",
            "green",
            path=gpath,
            green=rnd.choice(["dialysis", "labour", "emergency"]),
            escort="网格员",
        )
    columns = "id household_id number valid_from valid_until scope_path"
    counts["passes"] = fill(day, k.Pass, columns, passes)
    columns = "id checkpoint_id at direction outcome code reason household_id person_id"
    columns += " pass_card_id plate temperature health_code green escort received_at scope_path"
    counts["passages"] = fill(day, k.Passage, columns, passages)
    freight = []
    for cp, _name, _kind, _gid, gpath in rnd.sample(cp_rows, min(50, len(cp_rows))):
        entered = rnd.randrange(8 * 60, 15 * 60)
        left = entered + rnd.randrange(30, 100) if rnd.random() < 0.7 else None
        freight.append(
            (
                len(freight) + 1,
                cp,
                cp if left else None,
                f"吉A{len(freight):05d}",
                name(rnd),
                phone(rnd),
                "生活物资",
                "吉林市保供仓",
                "小区集散点",
                day.t(entered),
                day.t(left),
                gpath,
            )
        )
    columns = "id checkpoint_in_id checkpoint_out_id plate driver_name driver_phone cargo origin"
    counts["freight"] = fill(
        day, k.FreightVehicle, columns + " destination entered_at exited_at scope_path", freight
    )
    reg.members = members
    return counts


# --- support ----------------------------------------------------------------------------------

STATUSES = ["new"] * 10 + ["assigned"] * 10 + ["accepted"] * 10 + ["on_way"] * 10
STATUSES += ["delivered"] * 20 + ["confirmed"] * 15 + ["closed"] * 20 + ["cancelled"] * 5
STEPS = ["new", "assigned", "accepted", "on_way", "delivered", "confirmed", "closed"]


def build_support(day: Day, reg: Registry, rnd) -> dict[str, int]:
    from wangge.support.models import DeliveryRoute, SupportKind, SupportRequest

    kinds = {
        code: (pk, minutes)
        for pk, minutes, code in SupportKind.objects.values_list("pk", "deadline_minutes", "code")
    }
    weighted = [
        k
        for k, w in (
            ("groceries", 40),
            ("medicine", 25),
            ("medical", 10),
            ("garbage", 10),
            ("counselling", 5),
            ("other", 10),
        )
        for _ in range(w)
    ]
    occupied = [h for h in reg.households if not h[4] and reg.members[h[0]]]
    rows = []
    for n, h in enumerate(rnd.sample(occupied, max(8, len(reg.households) * 3 // 1000)), start=1):
        kind, minutes = kinds[rnd.choice(weighted)]
        created = (
            rnd.randrange(0, CUT_OFF - 30) if rnd.random() < 0.7 else rnd.randrange(-18 * 60, -60)
        )
        status = rnd.choice(STATUSES)
        stage = STEPS.index(status) if status != "cancelled" else 0
        times, t = [], created
        for _k in range(6):  # assigned accepted on_way delivered confirmed closed
            t = min(t + rnd.randrange(10, 90), CUT_OFF - 1)
            times.append(t)
        at = [day.t(times[k]) if k < stage else None for k in range(6)]
        if status == "closed":
            at[4] = None  # closed by the worker, not confirmed by the household
        g = reg.grid(h[3])
        worker = reg.workers[g][2 + n % 9] if stage else None
        rows.append(
            (
                n,
                h[0],
                reg.members[h[0]][0],
                kind,
                rnd.choice(["normal"] * 8 + ["urgent"] * 2),
                "需要帮助",
                rnd.choice(["household", "worker"]),
                status,
                day.t(created + minutes),
                worker,
                *at[:4],
                "志愿者" if stage >= 4 else "",
                at[4],
                at[5],
                "已撤销" if status == "cancelled" else "",
                day.t(created),
                h[3],
            )
        )
    columns = "id household_id person_id kind_id urgency text source status due_at worker_id"
    columns += " assigned_at accepted_at on_way_at delivered_at delivered_by confirmed_at closed_at"
    counts = {
        "support_requests": fill(
            day, SupportRequest, columns + " close_reason created_at scope_path", rows
        )
    }
    routes = [
        (
            n + 1,
            f"{g + 1}网格配送路线",
            reg.grids[g][0],
            day.d(),
            reg.workers[g][3],
            day.t(7 * 60),
            reg.grids[g][1],
        )
        for n, g in enumerate(range(0, len(reg.grids), 10))
    ]
    columns = "id name area_id day worker_id created_at scope_path"
    counts["delivery_routes"] = fill(day, DeliveryRoute, columns, routes)
    return counts
