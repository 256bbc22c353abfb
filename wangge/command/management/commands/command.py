"""`wangge command <subcommand>`: the daily report from the command line.

    wangge command freeze-due
    wangge command report --day YYYY-MM-DD [--area AREA] --format xlsx|pdf --output FILE

`freeze-due`: freezes today's report once its cut-off has passed, one line printed per report
made; meant for cron every few minutes. Running it again
changes nothing.

`report`: one area's frozen report of a day as .xlsx or PDF (--area takes a code, an id, a path
of names or a path; by default the highest area). Runs as the system (no user) on channel
"cli"; the export is logged in the access log.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from wangge.command.models import DailyReport
from wangge.command.report_doc import area_report
from wangge.command.report_pdf import render_pdf
from wangge.command.report_xlsx import write_report
from wangge.command.services_reports import freeze_due
from wangge.core.audit import channel_var, new_request_id, record_access
from wangge.core.cli_export import AREA_HELP
from wangge.places.models import Area
from wangge.places.services import area_prefix


class Command(BaseCommand):
    help = (
        "The daily report: `freeze-due` makes the reports that are due (cron), `report` "
        "writes one area's frozen report of a day as .xlsx or PDF."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        sub.add_parser("freeze-due", help="freeze the daily reports that are due (for cron)")
        report = sub.add_parser("report", help="one area's frozen report of a day")
        report.add_argument("--day", required=True, help="YYYY-MM-DD")
        report.add_argument("--area", default="", help=AREA_HELP)
        report.add_argument("--format", choices=("xlsx", "pdf"), required=True)
        report.add_argument("--output", required=True, help="file to write")

    def handle(self, *args, **options):
        channel_var.set("cli")
        new_request_id()
        if options["subcommand"] == "freeze-due":
            for report in freeze_due():
                self.stdout.write(
                    f"frozen day={report.day} as_of={report.as_of.isoformat()} "
                    f"areas={report.areas.count()} seconds={report.seconds}"
                )
            return
        self.report(options)

    def report(self, options) -> None:
        try:
            day = dt.date.fromisoformat(options["day"])
        except ValueError:
            raise CommandError(f"bad --day (YYYY-MM-DD): {options['day']}") from None
        report = DailyReport.objects.filter(day=day).first()
        if report is None:
            raise CommandError(f"no frozen report for {day}")
        area = None
        if options["area"]:
            prefix = area_prefix(options["area"])
            area = Area.objects.filter(path=prefix).first() if prefix else None
            if area is None:
                raise CommandError(f"unknown area: {options['area']}")
        doc = area_report(report, area, None)
        try:
            if options["format"] == "xlsx":
                write_report(options["output"], doc)
            else:
                with open(options["output"], "wb") as fh:
                    fh.write(render_pdf(doc))
        except OSError as exc:
            raise CommandError(f"cannot write {options['output']}: {exc}") from exc
        record_access(
            None,
            "export" if options["format"] == "xlsx" else "print",
            doc.row,
            fields="figures,missing,leader,leader_phone",
        )
        self.stdout.write(
            f"exported day={day} area={doc.area.name} format={options['format']} "
            f"file={options['output']}"
        )
