"""Scope-test entries of the command app, part reports: a report day of world.street (made for
the street alone, so that another street's users see no row of it: 404), its .xlsx and PDF,
the trend and grid reports of the street's areas; the API's report of that day."""

from __future__ import annotations

import datetime as dt

REPORTS_DAY = dt.date(2022, 4, 1)

OBJECT_ARGS: dict = {
    "command:report_detail": lambda w, x: {"day": x["reports_day"]},
    "command:report_xlsx": lambda w, x: {"day": x["reports_day"]},
    "command:report_pdf": lambda w, x: {"day": x["reports_day"]},
}
LIST_QUERIES: dict = {
    "command:report_list": ["", "?page=2"],
    "command:report_freeze": [""],
    "command:report_trend": ["", "?area={street}", "?area={grid1}&days=30"],
    "command:grid_reports": ["", "?area={street}", "?q=第一", "?state=missing", "?day=2022-04-01"],
    "command:settings": [""],
}
API_OBJECTS: dict = {"day": lambda w, x: x["reports_day"]}
API_FILTERS: dict = {}


def extra(world) -> dict:
    from wangge.command.models import GridReport
    from wangge.command.tests.fixtures_reports import street_report

    street_report(world, REPORTS_DAY)
    GridReport.objects.create(
        area=world.grid1,
        day=REPORTS_DAY,
        reported_at=dt.datetime(2022, 4, 1, 7, 0, tzinfo=dt.UTC),
        note="第一网格今日核酸已完成",
    )
    return {"reports_day": REPORTS_DAY.isoformat()}
