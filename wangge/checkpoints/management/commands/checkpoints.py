"""`wangge checkpoints <subcommand>`: checkpoints from the command line.

    wangge checkpoints report --date <YYYY-MM-DD> [--area <area>] --format csv|xlsx [--output FILE]

`report`: the day's figures of every checkpoint (of the area): for each a line for the whole
day, one per shift (with staff checked in / scheduled / needed) and one per hour that saw a
passage — people and vehicles in and out, turn-backs, green-channel passages, quota refusals
and other refusals. --date defaults to today; --area takes an area's code, its id, its path of
names (吉林市/船营区/…) or a path prefix. CSV goes to stdout unless --output is given; .xlsx goes
to --output, or to stdout when stdout is not a terminal. Runs as the system (no user) on
channel "cli"; the export is logged in the access log with its number of rows.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.checkpoints import report as day_report
from wangge.checkpoints.models import Checkpoint
from wangge.core.audit import channel_var, new_request_id, record_access
from wangge.core.cli_export import add_export_arguments, area_option, report, write_rows


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"bad --date {value!r}: use YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "Checkpoints: `report` writes the day's figures per checkpoint, shift and hour."
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        daily = sub.add_parser("report", help="the day's figures per checkpoint, shift and hour")
        daily.add_argument("--date", default="", help="the day, YYYY-MM-DD (default: today)")
        add_export_arguments(daily)

    def handle(self, *args, **options):
        channel_var.set("cli")
        new_request_id()
        self.daily(options)

    def daily(self, options) -> None:
        day = _date(options["date"]) if options["date"] else timezone.localdate()
        prefix = area_option(options)
        checkpoints = day_report.checkpoints_for(Checkpoint.objects.all(), prefix)
        title = _("卡口日报 %(d)s") % {"d": day.isoformat()}
        lines = day_report.rows(checkpoints, day)
        columns = day_report.columns()
        count = write_rows(self, options, columns=columns, lines=lines, title=title)
        record_access(None, "export", title, fields="figures", rows=count, scope_path=prefix)
        report(self, options, count)
