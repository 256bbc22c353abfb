"""Testing for bench/daily_report_data.py: the day's round with its sampling points, door
teams, call-down slots, tubes and samples, positive pools, notices and antigen tests."""

from __future__ import annotations

from collections import defaultdict

from canvass_coverage import name
from daily_report_base import CUT_OFF, Day, Registry, fill
from daily_report_field import add_post

# --- testing ----------------------------------------------------------------------------------


def build_testing(day: Day, reg: Registry, rnd, orders) -> dict[str, int]:
    from wangge.testing import models as t

    counts = {
        "rounds": fill(
            day,
            t.Round,
            "id number name area_id date status scope_path",
            [(1, 1, "全员核酸第1轮（基准）", 2, day.d(), "active", "/1/2/")],
        )
    }
    p_rows, tb_rows, team_rows = [], [], []
    tables_of = {}  # grid index → [(point id, table id)]
    for g, (gid, gpath, _cid) in enumerate(reg.grids):
        estate = reg.buildings[reg.units_of[g][0][1] - 1][1] if reg.units_of[g] else None
        for k in (1, 2):
            pid = len(p_rows) + 1
            p_rows.append((pid, 1, pid, f"{g + 1}网格{k}号采样点", gid, estate, name(rnd), gpath))
            tables_of[g] = tables_of.get(g, []) + [(pid, 2 * pid - 1), (pid, 2 * pid)]
            tb_rows += [
                (2 * pid - 1, pid, 1, name(rnd), gpath),
                (2 * pid, pid, 2, name(rnd), gpath),
            ]
            add_post(
                reg,
                f"{g + 1}网格{k}号采样点",
                "sampling",
                gid,
                gpath,
                3,
                [(7 * 60, 15 * 60)],
                reg.workers[g],
                sp=pid,
            )
    columns = "id round_id number name area_id estate_id leader_name scope_path"
    counts["sampling_points"] = fill(day, t.SamplingPoint, columns, p_rows)
    columns = "id point_id number leader_name scope_path"
    counts["sampling_tables"] = fill(day, t.SamplingTable, columns, tb_rows)
    team_of = {}
    for n, (cid, cpath) in enumerate(reg.communities, start=1):
        team_rows.append((n, 1, f"{n}号社区上门采样组", cid, name(rnd), cpath))
        team_of[cpath] = n
    columns = "id round_id name area_id leader_name scope_path"
    counts["door_teams"] = fill(day, t.DoorTeam, columns, team_rows)

    people = defaultdict(int)  # unit id → residents
    for _pid, hid, _path in reg.residents:
        people[reg.households[hid - 1][1]] += 1
    slot_rows = []
    for g, units in reg.units_of.items():
        for k, (uid, _b, _n, upath) in enumerate(units):
            point = tables_of[g][(k % 2) * 2][0]
            start = 7 * 60 + 20 * (k // 2)
            slot_rows.append(
                (
                    len(slot_rows) + 1,
                    1,
                    point,
                    uid,
                    day.t(start),
                    day.t(start + 20),
                    people[uid],
                    upath,
                )
            )
    columns = "id round_id point_id unit_id starts_at ends_at expected scope_path"
    counts["schedule_slots"] = fill(day, t.ScheduleSlot, columns, slot_rows)

    at_home = {o[0]: o for o in orders if o[3] == "home_quarantine" and not o[5]}
    central = {o[0] for o in orders if o[3] == "central_quarantine" and not o[5]}
    dv_rows, by_team, by_grid = [], defaultdict(list), defaultdict(list)
    for pid, hid, path in reg.residents:
        if pid in central:
            continue
        if pid in at_home:
            dv_rows.append((len(dv_rows) + 1, 1, pid, hid, "quarantine", None, path))
            if rnd.random() < 0.9:
                by_team[team_of[reg.community(path)]].append((pid, path))
        elif rnd.random() < 0.92:
            by_grid[reg.grid(path)].append((pid, path))
    columns = "id round_id person_id household_id reason team_id scope_path"
    counts["door_visits"] = fill(day, t.DoorVisit, columns, dv_rows)

    tubes, samples = [], []

    def tube(members, point, table, team, path, minute, capacity=10):
        tid = len(tubes) + 1
        result = "negative" if minute < 12 * 60 else ""
        tubes.append(
            [
                tid,
                1,
                f"B{tid:010d}",
                capacity,
                point,
                table,
                team,
                day.t(minute),
                day.t(minute),
                result,
                day.t(minute + 240) if result else None,
                path,
            ]
        )
        for n, (pid, ppath) in enumerate(members, start=1):
            samples.append((len(samples) + 1, tid, 1, pid, n, day.t(minute), ppath))
        return tid

    for g, members in by_grid.items():
        path, spots = reg.grids[g][1], tables_of[g]
        for k in range(0, len(members), 10):
            minute = 7 * 60 + (8 * 60 + 30) * k // max(len(members), 1)
            point, table = spots[(k // 10) % 4]
            tube(members[k : k + 10], point, table, None, path, minute)
    for team, members in by_team.items():
        path = team_rows[team - 1][5]
        for k in range(0, len(members), 10):
            tube(members[k : k + 10], None, None, team, path, 8 * 60 + 60 * (k // 10) % 420)
    # Four positive pools among the tubes with results; two retested one by one in the afternoon.
    done = [tb for tb in tubes if tb[9] == "negative" and tb[4] is not None]
    n_rows, retested = [], 0
    for tb in rnd.sample(done, min(4, len(done))):
        tb[9] = "positive"
        members = [(s[3], s[6]) for s in _samples_of(samples, tb[0])]
        grids = {reg.grid(p) for _, p in members}
        for g in grids:
            n_rows.append(
                (
                    len(n_rows) + 1,
                    reg.grids[g][0],
                    1,
                    tb[0],
                    f"试管{tb[2]}混管阳性",
                    tb[10],
                    reg.grids[g][1],
                )
            )
        if retested < 2:
            retested += 1
            for m in members:
                tube([m], tb[4], tb[5], None, tb[11], 14 * 60 + retested * 30, capacity=1)
    columns = "id round_id barcode capacity point_id table_id team_id closed_at received_at"
    counts["tubes"] = fill(day, t.Tube, columns + " result result_at scope_path", map(tuple, tubes))
    columns = "id tube_id round_id person_id position scanned_at scope_path"
    counts["samples"] = fill(day, t.Sample, columns, samples)
    counts["testing_notices"] = fill(
        day, t.Notice, "id area_id round_id tube_id text created_at scope_path", n_rows
    )
    occupied = [h for h in reg.households if not h[4]]
    kits = rnd.sample(occupied, len(occupied) * 3 // 100)
    k_rows = [(n + 1, h[0], 1, 2, day.d(), name(rnd), h[3]) for n, h in enumerate(kits)]
    columns = "id household_id round_id count date delivered_by scope_path"
    counts["antigen_deliveries"] = fill(day, t.AntigenDelivery, columns, k_rows)
    tested = rnd.sample(reg.residents, len(reg.residents) // 100)
    ar_rows = [
        (
            n + 1,
            r[0],
            day.d(),
            "positive" if n < 3 else "negative",
            rnd.choice(["self", "worker"]),
            day.t(rnd.randrange(6 * 60, CUT_OFF)),
            r[2],
        )
        for n, r in enumerate(tested)
    ]
    columns = "id person_id date result source created_at scope_path"
    counts["antigen_results"] = fill(day, t.AntigenResult, columns, ar_rows)
    return counts


def _samples_of(samples, tid):
    """The samples of tube `tid` (samples are written tube by tube, in order)."""
    lo, hi = 0, len(samples)
    while lo < hi:
        mid = (lo + hi) // 2
        if samples[mid][1] < tid:
            lo = mid + 1
        else:
            hi = mid
    out = []
    while lo < len(samples) and samples[lo][1] == tid:
        out.append(samples[lo])
        lo += 1
    return out
