"""Supervision for bench/daily_report_data.py: venues with their history, inspections with
findings and the day's venue sweeps, disinfection places with the day's logs, and the grids'
own reports."""

from __future__ import annotations

import json
from collections import defaultdict

from canvass_coverage import name, phone
from daily_report_base import CUT_OFF, Day, Registry, fill

CHECKS = {"grid_post", "checkpoint", "sampling_point", "quarantine_site", "other"}


# --- venues, supervision, disinfection, grid reports ------------------------------------------

VENUE_KINDS = [
    ("supermarket", 80),
    ("market", 20),
    ("pharmacy", 50),
    ("restaurant", 50),
    ("entertainment", 40),
    ("fitness", 30),
    ("worship", 10),
    ("other", 20),
]
SUPPLY = ("supermarket", "market", "pharmacy")


def build_venues(day: Day, reg: Registry, rnd) -> dict[str, int]:
    from wangge.supervision.models import Venue, VenueState

    scale = len(reg.grids) / 1000
    v_rows, s_rows = [], []
    for kind, n in VENUE_KINDS:
        for _ in range(max(1, round(n * scale))):
            g = rnd.randrange(len(reg.grids))
            gid, gpath, _c = reg.grids[g]
            r = rnd.random()
            if kind in SUPPLY:
                state = "open_rules" if r < 0.9 else "closed"
            else:
                state = "closed" if r < 0.7 else "reopened" if r < 0.9 else "open_rules"
            vid = len(v_rows) + 1
            since = -2 if state == "reopened" else -10
            v_rows.append(
                (
                    vid,
                    f"{kind}{vid}",
                    kind,
                    gid,
                    f"{g + 1}网格临街{vid}号",
                    name(rnd),
                    phone(rnd),
                    state,
                    day.d(since),
                    rnd.random() < 0.97,
                    day.t(-30 * 1440),
                    gpath,
                )
            )
            first = "closed" if state == "reopened" else state
            s_rows.append((len(s_rows) + 1, vid, first, day.d(-10), day.t(-10 * 1440 + 600), gpath))
            if state == "reopened":
                s_rows.append(
                    (len(s_rows) + 1, vid, state, day.d(-2), day.t(-2 * 1440 + 600), gpath)
                )
    columns = "id name kind area_id address owner_name owner_phone state state_since active"
    counts = {"venues": fill(day, Venue, columns + " created_at scope_path", v_rows)}
    columns = "id venue_id state since created_at scope_path"
    counts["venue_states"] = fill(day, VenueState, columns, s_rows)
    reg.venues = v_rows
    return counts


def build_supervision(day: Day, reg: Registry, rnd) -> dict[str, int]:
    """40 inspections with 215 findings, then the day's venue sweeps (a few findings)."""
    from wangge.supervision.models import ChecklistItem, Finding, Inspection

    items = defaultdict(list)
    for pk, target in ChecklistItem.objects.values_list("pk", "target_type"):
        items[target].append(pk)
    i_rows, f_rows = [], []
    cadres = [w for ws in reg.cadres.values() for w in ws]

    def inspect(area, path, target, name_, minute, shift="day", findings=0, **ids):
        iid = len(i_rows) + 1
        checks = {str(i): "ok" for i in items[target]}
        problems = rnd.sample(items[target], min(findings, len(items[target]))) or items[target][:1]
        for n in range(findings):
            item = problems[n % len(problems)]
            checks[str(item)] = "problem"
            owner = rnd.choice(reg.workers[reg.grid_of[path]] if path in reg.grid_of else cadres)
            deadline = minute + rnd.choice([60, 120, 240, 24 * 60])
            r = rnd.random()
            status = "verified" if r < 0.55 else "rectified" if r < 0.75 else "open"
            fixed = min(minute + rnd.randrange(20, 200), CUT_OFF - 2) if status != "open" else None
            checked = min(fixed + 30, CUT_OFF - 1) if status == "verified" else None
            f_rows.append(
                (
                    len(f_rows) + 1,
                    iid,
                    item,
                    "台账不全" if n % 2 else "人员未在岗",
                    rnd.choice(["minor", "minor", "major", "severe"]),
                    owner,
                    *reg.worker_names[owner],
                    day.t(deadline),
                    status,
                    day.t(fixed),
                    "已整改" if fixed else "",
                    day.t(checked),
                    day.t(minute),
                    path,
                )
            )
        i_rows.append(
            (
                iid,
                area,
                target,
                ids.get("post"),
                ids.get("cp"),
                ids.get("sp"),
                ids.get("site"),
                ids.get("venue"),
                name_,
                day.t(minute),
                shift,
                "督查组",
                json.dumps(checks),
                day.t(minute),
                path,
            )
        )

    per = [215 // 40 + (1 if i < 215 % 40 else 0) for i in range(40)]
    targets = ["grid_post", "checkpoint", "sampling_point", "quarantine_site", "other"]
    for i in range(40):
        g = rnd.randrange(len(reg.grids))
        gid, gpath, _c = reg.grids[g]
        target, minute = targets[i % 5], rnd.randrange(8 * 60, 15 * 60)
        if target == "quarantine_site":
            site = reg.sites[i % len(reg.sites)]
            inspect(site[2], site[6], target, site[1], minute, findings=per[i], site=site[0])
        elif target == "checkpoint" and g in reg.checkpoint_of:
            inspect(gid, gpath, target, "门岗", minute, findings=per[i], cp=reg.checkpoint_of[g])
        elif target == "sampling_point":
            inspect(gid, gpath, target, "采样点", minute, findings=per[i], sp=2 * g + 1)
        else:
            inspect(gid, gpath, target, f"{g + 1}网格值守点", minute, findings=per[i])
    for v in reg.venues:
        vid, _n, kind, gid, *_rest = v
        state, active, gpath = v[7], v[9], v[11]
        if not active:
            continue
        if kind in SUPPLY and state != "closed":
            inspect(
                gid,
                gpath,
                "supermarket",
                v[1],
                rnd.randrange(9 * 60, 15 * 60),
                findings=int(rnd.random() < 0.05),
                venue=vid,
            )
        elif state == "closed":
            inspect(gid, gpath, "venue", v[1], rnd.randrange(30, 180), "night", venue=vid)
    columns = "id area_id target_type post_id checkpoint_id sampling_point_id site_id venue_id"
    columns += " target_name inspected_at shift inspector_name checks created_at scope_path"
    counts = {"inspections": fill(day, Inspection, columns, i_rows)}
    columns = "id inspection_id item_id description severity owner_worker_id owner_name"
    columns += " owner_phone deadline status rectified_at rectification_note verified_at"
    counts["findings"] = fill(day, Finding, columns + " created_at scope_path", f_rows)
    return counts


def build_disinfection(day: Day, reg: Registry, rnd) -> dict[str, int]:
    """A place per unit entrance (twice a day), gate (three times) and site floor (three
    times), with the day's logs up to the cut-off: 5 % of entrances and 10 % of the others
    behind."""
    from wangge.supervision.models import DisinfectionLog, DisinfectionPlace

    p_rows, l_rows = [], []
    for uid, bid, number, upath in reg.units:
        b = reg.buildings[bid - 1]
        p_rows.append(
            (
                len(p_rows) + 1,
                f"{b[3]}号楼{number}单元门口",
                "unit_entrance",
                b[2],
                bid,
                uid,
                None,
                None,
                2,
                reg.grids[reg.grid(upath)][1],
            )
        )
    for g, cp in reg.checkpoint_of.items():
        p_rows.append(
            (
                len(p_rows) + 1,
                "小区门岗",
                "gate",
                reg.grids[g][0],
                None,
                None,
                cp,
                None,
                3,
                reg.grids[g][1],
            )
        )
    for site in reg.sites:
        for floor in range(1, 6):
            p_rows.append(
                (
                    len(p_rows) + 1,
                    f"{site[1]}{floor}层",
                    "site_floor",
                    site[2],
                    None,
                    None,
                    None,
                    site[0],
                    3,
                    site[6],
                )
            )
    for p in p_rows:
        g = reg.grid(p[9]) if p[9] in reg.grid_of else 0
        workers = reg.workers[g]
        due = 1 if p[8] == 2 else 2  # expected by 16:00 over 08:00–20:00
        done = due - (rnd.random() < (0.05 if p[8] == 2 else 0.10))
        done += p[8] == 2 and done and rnd.random() < 0.5  # some entrances done twice already
        for k in range(done):
            w = workers[k % len(workers)]
            minute = 8 * 60 + 30 + k * 240 + rnd.randrange(0, 90)
            l_rows.append(
                (
                    len(l_rows) + 1,
                    p[0],
                    day.t(minute),
                    "含氯消毒剂",
                    "500mg/L",
                    w,
                    reg.worker_names[w][0],
                    day.t(minute),
                    p[9],
                )
            )
    columns = "id name kind area_id building_id unit_id checkpoint_id site_id times_per_day"
    counts = {"disinfection_places": fill(day, DisinfectionPlace, columns + " scope_path", p_rows)}
    columns = "id place_id done_at agent concentration worker_id done_by created_at scope_path"
    counts["disinfection_logs"] = fill(day, DisinfectionLog, columns, l_rows)
    return counts


def build_grid_reports(day: Day, reg: Registry, rnd) -> dict[str, int]:
    from wangge.command.models import GridReport

    grids = [(gid, gpath) for gid, gpath, _c in reg.grids if rnd.random() < 0.95]
    rows = [
        (n + 1, gid, day.d(), day.t(rnd.randrange(14 * 60, CUT_OFF - 5)), "数据已核实", gpath)
        for n, (gid, gpath) in enumerate(grids)
    ]
    return {
        "grid_reports": fill(day, GridReport, "id area_id day reported_at note scope_path", rows)
    }
