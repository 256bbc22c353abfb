"""Every operation of one day over the district of bench/canvass_coverage.py, in bulk SQL
(executemany on SQLite, COPY on PostgreSQL), for bench/daily_report.py.

`build_day(day, rnd)` reads the registry (grids, buildings, units, households, residents) and
writes, all on `day` (the report's day, cut-off 16:00) with the history a street would have:

- testing: the day's round over the district, 2 sampling points a grid (2 tables each), a
  door-to-door team a community, the call-down slots (one a unit), tubes of 10 with the samples
  of ≈ 92 % of the residents (people under home quarantine by the door teams), results out for
  the tubes closed before noon, 4 positive pools (two retested in single tubes), the grid
  notices, antigen kits (3 % of households) and self-test results (1 % of people);
- returnees: risk places, arrivals of ≈ 0.5 % of people (60 % on the day, the rest over the
  6 days before), flags for those from high and medium risk places (70 % decided);
- control: sealed units, controlled buildings, precaution estates; orders for ≈ 1 % of people
  (home quarantine 45 %, home monitoring 40 %, central quarantine 15 %; 10 % already
  released), their follow-ups for every day so far (1 % of past ones and 7 % of the day's due
  by the cut-off not done: overdue), fever alerts, paperwork (a few not served), 10 quarantine
  sites with rooms, staff, stays and the day's 6 a.m. reports (one missing), transfers (those
  of the day's central orders partly still waiting) and vehicles;
- checkpoints: a gate per estate with its pass policy, a pass per occupied household, the day's
  passages (40 % of households out once and most back, 3 % refused for the quota, turned-back
  outsiders, a few green-channel passages, a few vehicles) and closed-loop freight;
- support: requests from ≈ 0.3 % of households in every status, some past their deadline;
- workforce: organisations, 11 workers a grid and 10 cadres a community, a post per gate,
  sampling point and site, the day's published shifts (3 % of places unfilled), check-ins
  (5 % absent), recruitments with sign-ups;
- supervision: 40 inspections with 215 findings (some overdue), a disinfection place per unit
  entrance, gate and site floor with the day's logs (some behind), 300 venues in every state
  with their history and the day's sweeps, day and night;
- the grids' own reports (95 % of grids).

Rows carry the scope_path their model's save() would give them.

The operations live in modules of their own: daily_report_testing (testing),
daily_report_control (returnees, control), daily_report_field (workforce, checkpoints,
support), daily_report_supervision (venues, inspections, disinfection, grid reports); the
shared helpers (Day, Registry, fill, CUT_OFF) in daily_report_base.
"""

from __future__ import annotations

import datetime as dt

from canvass_coverage import reset_sequences
from daily_report_base import Day, Registry
from daily_report_control import build_control, build_returnees
from daily_report_field import build_checkpoints, build_support, build_workforce, staff
from daily_report_supervision import (
    build_disinfection,
    build_grid_reports,
    build_supervision,
    build_venues,
)
from daily_report_testing import build_testing


def build_day(day_: dt.date, rnd) -> dict[str, int]:
    """Every operation of `day_` over the registry; returns the row counts."""
    day, reg = Day(day_), Registry()
    counts: dict[str, int] = {}
    orders = choose_orders(reg, rnd)
    counts |= build_workforce(day, reg, rnd)
    counts |= build_testing(day, reg, rnd, orders)
    counts |= build_returnees(day, reg, rnd)
    counts |= build_control(day, reg, rnd, orders)
    counts |= build_checkpoints(day, reg, rnd)
    counts |= staff(day, reg, rnd)
    counts |= build_support(day, reg, rnd)
    counts |= build_venues(day, reg, rnd)
    counts |= build_supervision(day, reg, rnd)
    counts |= build_disinfection(day, reg, rnd)
    counts |= build_grid_reports(day, reg, rnd)
    from django.apps import apps

    models = [
        m
        for label in ("testing", "canvass", "control", "checkpoints", "support", "workforce")
        + ("supervision", "command")
        for m in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    reset_sequences(models)
    return counts


# --- who is under a measure (testing needs it for the door-to-door lists) --------------------


def choose_orders(reg: Registry, rnd) -> list[tuple]:
    """(person id, household id, path, kind, days ago it started, released) for ≈ 1 % of
    people: home quarantine 45 %, home monitoring 40 %, central quarantine 15 %."""
    picked = rnd.sample(range(len(reg.residents)), max(10, len(reg.residents) // 100))
    kinds = ["home_quarantine"] * 45 + ["home_monitoring"] * 40 + ["central_quarantine"] * 15
    days = {"home_quarantine": 14, "home_monitoring": 7, "central_quarantine": 14}
    out = []
    for i in sorted(picked):
        pid, hid, path = reg.residents[i]
        kind = rnd.choice(kinds)
        released = rnd.random() < 0.10
        ago = days[kind] + rnd.randint(1, 5) if released else rnd.randrange(days[kind])
        out.append((pid, hid, path, kind, ago, released))
    return out
