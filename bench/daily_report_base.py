"""The shared helpers of bench/daily_report_data.py and its operation modules: the report's
day in database form, the district read back from the database, and bulk inserts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from canvass_coverage import Table

CUT_OFF = 16 * 60  # minutes into the day


class Day:
    """Times of the report's day in database form (memoised by minute)."""

    def __init__(self, day: dt.date):
        from django.db import connection
        from django.utils import timezone

        self.day, self.now = day, timezone.now()
        self.start = dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_current_timezone())
        self._adapt, self._date = (
            connection.ops.adapt_datetimefield_value,
            connection.ops.adapt_datefield_value,
        )
        self._memo: dict[int, object] = {}

    def at(self, minute: int) -> dt.datetime:
        return self.start + dt.timedelta(minutes=minute)

    def t(self, minute: int | None):
        """The moment `minute` minutes into the day (negative: the days before), for the db."""
        if minute is None:
            return None
        if minute not in self._memo:
            self._memo[minute] = self._adapt(self.at(minute))
        return self._memo[minute]

    def d(self, days: int = 0):
        return self._date(self.day + dt.timedelta(days=days))

    def table(self, model, columns: str) -> Table:
        return Table(model, columns, self.now)


class Registry:
    """The district as built by canvass_coverage.build_registry, read back."""

    def __init__(self):
        from django.db import connection

        def rows(sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()

        areas = rows("SELECT id, path, level, parent_id FROM places_area ORDER BY id")
        self.streets = [(i, p) for i, p, lv, _ in areas if lv == 3]
        self.communities = [(i, p) for i, p, lv, _ in areas if lv == 4]
        self.grids = [(i, p, parent) for i, p, lv, parent in areas if lv == 5]
        self.grid_of = {p: n for n, (_, p, _) in enumerate(self.grids)}  # path → index
        self.street_of = {p: i for i, p in self.streets}
        self.buildings = rows(
            "SELECT id, estate_id, area_id, number, scope_path FROM places_building ORDER BY id"
        )
        self.units = rows("SELECT id, building_id, number, scope_path FROM places_unit ORDER BY id")
        self.households = rows(
            "SELECT id, unit_id, building_id, scope_path, vacant, room FROM places_household"
            " ORDER BY id"
        )
        self.residents = rows(
            "SELECT person_id, household_id, scope_path FROM people_residence ORDER BY person_id"
        )
        self.estates = rows("SELECT id, name, scope_path FROM places_estate ORDER BY id")
        self.estate_grid = {b[1]: b[2] for b in self.buildings}  # estate id → grid id
        self.grid_index = {g[0]: n for n, g in enumerate(self.grids)}
        self.units_of = defaultdict(list)  # grid index → unit rows
        for u in self.units:
            self.units_of[self.grid(u[3])].append(u)

    def grid(self, path: str) -> int:
        """The index of the grid a row's path lies in."""
        i = path.find("b")
        return self.grid_of[path if i < 0 else path[:i]]

    def street(self, path: str) -> tuple[int, str]:
        p = "/" + "/".join(path.strip("/").split("/")[:3]) + "/"
        return self.street_of[p], p

    def community(self, path: str) -> str:
        return "/" + "/".join(path.strip("/").split("/")[:4]) + "/"


def fill(day: Day, model, columns: str, rows) -> int:
    return day.table(model, columns).insert(rows)
