"""Returnees and control for bench/daily_report_data.py: risk places, arrivals and flags;
designations, quarantine sites, vehicles, and the orders with their paperwork, follow-ups,
alerts, transfers and stays."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from canvass_coverage import name, phone
from daily_report_base import CUT_OFF, Day, Registry, fill
from daily_report_field import add_post

# --- returnees --------------------------------------------------------------------------------

RISK_PLACES = [
    ("上海市", "high"),
    ("长春市", "high"),
    ("吉林市丰满区", "medium"),
    ("北京市朝阳区", "medium"),
    ("沈阳市", "low"),
]
ORIGINS = RISK_PLACES + [("哈尔滨市", ""), ("大连市", ""), ("天津市", "")]
PROPOSED = {"high": "central_quarantine", "medium": "home_quarantine", "low": "testing", "": "none"}


def build_returnees(day: Day, reg: Registry, rnd) -> dict[str, int]:
    from wangge.canvass.models import Flag
    from wangge.canvass.models_returnees import Arrival, RiskPlace

    rows = [(n + 1, r, lv, day.d(-20)) for n, (r, lv) in enumerate(RISK_PLACES)]
    counts = {"risk_places": fill(day, RiskPlace, "id region level starts_on", rows)}
    a_rows, f_rows = [], []
    for n, (pid, hid, path) in enumerate(rnd.sample(reg.residents, len(reg.residents) // 200), 1):
        ago = 0 if rnd.random() < 0.6 else rnd.randint(1, 6)
        k = rnd.randrange(len(ORIGINS))
        region, level = ORIGINS[k]
        minute = rnd.randrange(6 * 60, CUT_OFF) - ago * 1440
        who = name(rnd)
        a_rows.append(
            (
                n,
                who,
                phone(rnd),
                pid,
                hid,
                reg.grids[reg.grid(path)][0],
                region,
                level,
                k + 1 if k < len(RISK_PLACES) else None,
                day.d(-ago),
                rnd.choice(["car", "train", "plane", "bus"]),
                PROPOSED[level],
                rnd.choice(["worker", "gate", "canvass", "self"]),
                day.t(minute),
                path,
            )
        )
        if level in ("high", "medium"):
            decided = rnd.random() < 0.7
            f_rows.append(
                (
                    len(f_rows) + 1,
                    n,
                    hid,
                    pid,
                    who,
                    f"risk_{level}",
                    f"来自{region}",
                    PROPOSED[level],
                    day.t(minute + 5),
                    PROPOSED[level] if decided else "",
                    day.t(minute + 120) if decided else None,
                    path,
                )
            )
    columns = "id name phone person_id household_id area_id origin origin_level risk_place_id"
    columns += " arrived_on transport proposed source created_at scope_path"
    counts["arrivals"] = fill(day, Arrival, columns, a_rows)
    columns = "id arrival_id household_id person_id person_name code reason proposed created_at"
    counts["flags"] = fill(day, Flag, columns + " measure decided_at scope_path", f_rows)
    return counts


# --- control ----------------------------------------------------------------------------------


def build_control(day: Day, reg: Registry, rnd, orders) -> dict[str, int]:
    from wangge.control import models as c

    levels = dict(c.DesignationLevel.objects.values_list("code", "id"))
    types = {t.kind: t for t in c.OrderType.objects.all()}
    rules = defaultdict(list)
    for r in c.FollowUpRule.objects.all():
        rules[r.order_type_id].append(
            (r.pk, r.kind, r.label, r.due_time.hour * 60 + r.due_time.minute)
        )
    d_rows = []
    for u in rnd.sample(reg.units, max(1, len(reg.units) // 200)):
        d_rows.append((len(d_rows) + 1, levels["sealed"], None, None, u[0], u[3]))
    for b in rnd.sample(reg.buildings, max(1, len(reg.buildings) // 140)):
        d_rows.append((len(d_rows) + 1, levels["controlled"], None, b[0], None, b[4]))
    for e in rnd.sample(reg.estates, max(1, len(reg.estates) // 50)):
        d_rows.append((len(d_rows) + 1, levels["precaution"], e[0], None, None, e[2]))
    d_rows = [
        r[:5] + (day.t(-3 * 1440 + 600), "阳性病例关联", day.t(-3 * 1440 + 600), r[5])
        for r in d_rows
    ]
    columns = "id level_id estate_id building_id unit_id starts_at reason created_at scope_path"
    counts = {"designations": fill(day, c.RiskDesignation, columns, d_rows)}

    sites, rooms, staff_rows, site_of = [], [], [], {}
    for n, (sid, spath) in enumerate(reg.streets, start=1):
        sites.append((n, f"第{n}集中隔离点", sid, "宾馆", True, day.t(-30 * 1440), spath))
        site_of[spath] = n
        for k in range(200):
            rooms.append(
                (len(rooms) + 1, n, "AB"[k // 100], k % 100 // 10 + 1, f"{k % 100 + 101}", spath)
            )
        for group in ("information", "health", "disinfection", "logistics", "security"):
            for _ in range(3):
                staff_rows.append((len(staff_rows) + 1, n, group, name(rnd), phone(rnd), spath))
        pool = [
            w for cid, cpath in reg.communities if cpath.startswith(spath) for w in reg.cadres[cid]
        ]
        add_post(
            reg, f"第{n}集中隔离点专班", "site", sid, spath, 2, [(8 * 60, 20 * 60)], pool, site=n
        )
    reg.sites = sites
    counts["sites"] = fill(
        day, c.Site, "id name area_id address active created_at scope_path", sites
    )
    columns = "id site_id building floor number scope_path"
    counts["site_rooms"] = fill(day, c.SiteRoom, columns, rooms)
    counts["site_staff"] = fill(
        day, c.SiteStaff, "id site_id group name phone scope_path", staff_rows
    )
    reports = [(n, s[0], day.d(), day.t(6 * 60), "{}", s[6]) for n, s in enumerate(sites[:-1], 1)]
    columns = "id site_id day generated_at figures scope_path"
    counts["site_reports"] = fill(day, c.SiteReport, columns, reports)
    vehicles = [
        (n + 1, s[0], f"吉B{n + 1:05d}", "car", 4, name(rnd), phone(rnd), s[1])
        for n, s in enumerate(reg.streets * 3)
    ]
    columns = "id area_id plate kind seats driver_name driver_phone scope_path"
    counts["vehicles"] = fill(day, c.Vehicle, columns, vehicles)

    o_rows, f_rows, doc_rows, t_rows, stay_rows = [], [], [], [], []
    next_room = defaultdict(int)
    for oid, (pid, hid, path, kind, ago, released) in enumerate(orders, start=1):
        t = types[kind]
        created = -ago * 1440 + rnd.randrange(8 * 60, 15 * 60)
        ends = -ago + t.days - 1
        g = reg.grid(path)
        wname, wphone = reg.worker_names[reg.workers[g][oid % 2]]
        o_rows.append(
            (
                oid,
                pid,
                hid,
                t.pk,
                day.d(-ago),
                day.d(ends),
                "released" if released else "active",
                rnd.choice(["returnee", "canvass", "contact_list", "manual"]),
                "密接/次密接",
                wname,
                wphone,
                day.t((ends + 1) * 1440 + 540) if released else None,
                day.t(created),
                path,
            )
        )
        if released:
            continue
        for kind_, share in (("notice", 0.98), ("commitment", 0.95), ("door_sign", 0.97)):
            if kind_ == "door_sign" and kind == "central_quarantine":
                continue
            if rnd.random() < share:
                doc_rows.append((len(doc_rows) + 1, oid, kind_, day.t(created + 60), path))
        for d in range(-ago, 1):
            for rule, rkind, label, due_min in rules[t.pk]:
                due = d * 1440 + due_min
                if due < created:
                    done = created + 30 if rnd.random() < 0.9 else None
                elif d < 0:
                    done = due - rnd.randint(10, 120) if rnd.random() < 0.99 else None
                else:
                    done = (
                        due - rnd.randint(10, 120)
                        if due < CUT_OFF and rnd.random() < 0.93
                        else None
                    )
                temp = Decimal("36.5") if done is not None and rkind == "temperature" else None
                f_rows.append(
                    [
                        len(f_rows) + 1,
                        oid,
                        rule,
                        rkind,
                        label,
                        day.d(d),
                        day.t(due),
                        wname,
                        day.t(done),
                        temp,
                        path,
                    ]
                )
        if kind == "central_quarantine":
            street_id, spath = reg.street(path)
            site = site_of[spath]
            status = (
                "closed"
                if ago
                else rnd.choice(["requested", "assigned", "picked_up", "handed_over", "closed"])
            )
            steps = [created + 20 * k for k in range(1, 5)]
            stage = ["requested", "assigned", "picked_up", "handed_over", "closed"].index(status)
            times = [day.t(s) if k < stage else None for k, s in enumerate(steps)]
            tid = len(t_rows) + 1
            t_rows.append(
                (
                    tid,
                    pid,
                    hid,
                    "本户住址",
                    "site",
                    site,
                    "集中隔离",
                    status,
                    site if stage else None,
                    day.t(created),
                    *times,
                    path,
                )
            )
            if stage >= 3:
                room = (site - 1) * 200 + next_room[site] % 200 + 1
                next_room[site] += 1
                stay_rows.append(
                    (len(stay_rows) + 1, site, room, pid, oid, tid, day.t(steps[2]), spath)
                )
    columns = "id person_id household_id order_type_id starts_on ends_on status source reason"
    columns += " worker_name worker_phone released_at created_at scope_path"
    counts["orders"] = fill(day, c.ControlOrder, columns, o_rows)
    counts["order_documents"] = fill(
        day, c.OrderDocument, "id order_id kind served_at scope_path", doc_rows
    )
    today_done = [f for f in f_rows if f[5] == day.d() and f[9] is not None]
    a_rows = []
    for n, f in enumerate(rnd.sample(today_done, min(30, len(today_done))), start=1):
        f[9] = Decimal("37.8")
        person = o_rows[f[1] - 1][1]
        a_rows.append(
            (
                n,
                f[1],
                person,
                f[0],
                "fever",
                f[9],
                "体温37.8℃",
                f[8],
                f[8] if n % 3 else None,
                "已转发热门诊" if n % 3 else "",
                f[10],
            )
        )
    columns = "id order_id rule_id kind label day due_at assignee_name done_at temperature"
    counts["followups"] = fill(day, c.FollowUp, columns + " scope_path", map(tuple, f_rows))
    columns = "id order_id person_id followup_id kind temperature detail created_at handled_at"
    counts["alerts"] = fill(day, c.Alert, columns + " handling scope_path", a_rows)
    columns = "id person_id household_id from_address destination site_id reason status"
    columns += " vehicle_id requested_at assigned_at picked_up_at handed_over_at closed_at"
    counts["transfers"] = fill(day, c.Transfer, columns + " scope_path", t_rows)
    columns = "id site_id room_id person_id order_id transfer_id checked_in_at scope_path"
    counts["stays"] = fill(day, c.Stay, columns, stay_rows)
    return counts
