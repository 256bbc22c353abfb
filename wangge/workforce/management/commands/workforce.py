"""`wangge workforce <subcommand>`: the workforce from the command line.

    wangge workforce hours [--area <area>] [--from DATE] [--to DATE] --format csv|xlsx
                           [--output FILE]
    wangge workforce left [--area <area>] [--what understaffed|absent] --format csv|xlsx
                          [--output FILE]

`hours`: hours and person-times per worker for the shifts that start between --from and --to
(both days included; the last 30 days by default), with a totals row. `left`: posts
under-staffed now and in the next 24 hours, and people not checked in 15 minutes after their
shift started, with the grid leader (both lists unless --what names one). --area takes an
area's code, its id, its path of names (吉林市/船营区/…) or a path prefix. CSV goes to stdout
unless --output is given; .xlsx goes to --output, or to stdout when stdout is not a terminal.
Runs as the system (no user) on channel "cli"; each export is logged in the access log.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import channel_var, new_request_id, record_access
from wangge.core.cli_export import add_export_arguments, area_option, report, write_rows
from wangge.workforce import services_hours as svc
from wangge.workforce import services_left as left_svc


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = (
        "The workforce: `hours` exports hours and person-times per worker, `left` the posts "
        "under-staffed and the people not checked in."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        hours = sub.add_parser("hours", help="hours and person-times per worker over a period")
        add_export_arguments(hours)
        hours.add_argument("--from", dest="since", default="", help="first day (YYYY-MM-DD)")
        hours.add_argument("--to", dest="until", default="", help="last day (YYYY-MM-DD)")
        left = sub.add_parser("left", help="posts under-staffed and people not checked in")
        add_export_arguments(left)
        left.add_argument("--what", choices=("understaffed", "absent"), default="")

    def handle(self, *args, **options):
        channel_var.set("cli")
        new_request_id()
        if options["subcommand"] == "hours":
            self.hours(options)
        else:
            self.left(options)

    def hours(self, options) -> None:
        prefix = area_option(options)
        until = _date(options["until"]) if options["until"] else timezone.localdate()
        since = _date(options["since"]) if options["since"] else until - dt.timedelta(days=29)
        if since > until:
            raise CommandError("--from is after --to")
        rows = svc.hours_by_worker(None, since=since, until=until, prefix=prefix)
        title = _("服务时长统计（%(since)s 至 %(until)s）") % {"since": since, "until": until}
        lines = [*(r.line() for r in rows), svc.total(rows).line()]
        count = write_rows(self, options, columns=svc.hours_columns(), lines=lines, title=title)
        record_access(None, "export", title, fields="name,hours", rows=len(rows), scope_path=prefix)
        report(self, options, count)

    def left(self, options) -> None:
        prefix = area_option(options)
        now = timezone.now()
        what = options["what"]
        lines: list = []
        if what in ("", "understaffed"):
            lines += [g.line() for g in left_svc.understaffed(None, now=now, prefix=prefix)]
        if what in ("", "absent"):
            lines += [a.line() for a in left_svc.absent(None, now=now, prefix=prefix)]
        title = _("缺岗")
        count = write_rows(self, options, columns=left_svc.left_columns(), lines=lines, title=title)
        record_access(
            None,
            "export",
            title,
            fields="name,phone_masked,leader,leader_phone",
            rows=count,
            scope_path=prefix,
        )
        report(self, options, count)
