"""`wangge control <subcommand>`: control measures from the command line.

    wangge control overdue [--area <area>] --format csv|xlsx [--output FILE]
    wangge control site-reports

`overdue`: who is left in control measures, one row per thing to follow: follow-ups overdue,
paperwork not served, releases due today, transfers waiting, fevers not handled — with the
grid, the address, the person's name masked, what is due since when, and the person
responsible with their phone masked. --area takes an area's code, its id, its path of names
(吉林市/船营区/…) or a path prefix. CSV goes to stdout unless --output is given; .xlsx goes to
--output, or to stdout when stdout is not a terminal. Runs as the system (no user) on channel
"cli"; the export is logged in the access log with its number of rows.

`site-reports`: freezes the 6 a.m. reports of the quarantine sites that are due (for cron).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wangge.control import left
from wangge.core.audit import channel_var, new_request_id, record_access
from wangge.core.cli_export import add_export_arguments, area_option, report, write_rows


class Command(BaseCommand):
    help = (
        "Control measures: `overdue` lists who is left to follow, `site-reports` freezes the "
        "quarantine sites' morning reports that are due."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        overdue = sub.add_parser("overdue", help="who is left to follow, one row per item")
        add_export_arguments(overdue)
        sub.add_parser("site-reports", help="freeze the sites' 6 a.m. reports that are due")

    def handle(self, *args, **options):
        channel_var.set("cli")
        new_request_id()
        if options["subcommand"] == "overdue":
            self.overdue(options)
        else:
            from wangge.control.site_report import make_due_reports

            self.stdout.write(f"reports={make_due_reports()}")

    def overdue(self, options) -> None:
        prefix = area_option(options)
        title = _("管控还剩谁")
        lines = (item.line() for item in left.all_items(None, prefix))
        count = write_rows(self, options, columns=left.columns(), lines=lines, title=title)
        record_access(
            None,
            "export",
            title,
            fields="name_masked,address,responsible,responsible_phone_masked",
            rows=count,
            scope_path=prefix,
        )
        report(self, options, count)
