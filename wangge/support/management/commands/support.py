"""`wangge support <subcommand>`: living support from the command line.

    wangge support overdue [--area <area>] --format csv|xlsx [--output FILE]

`overdue`: open requests past their response deadline, one row each, grouped by grid: the grid,
the address, the householder's name masked, the kind and what to bring, the deadline, how late,
the worker assigned, and the grid leader with their phone masked. --area takes an area's code,
its id, its path of names (吉林市/船营区/…) or a path prefix. CSV goes to stdout unless --output
is given; .xlsx goes to --output, or to stdout when stdout is not a terminal. Runs as the
system (no user) on channel "cli"; the export is logged in the access log with its row count.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wangge.core.audit import channel_var, new_request_id, record_access
from wangge.core.cli_export import add_export_arguments, area_option, report, write_rows
from wangge.support import services_board


class Command(BaseCommand):
    help = "Living support: `overdue` lists the requests past their deadline, per grid."
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        overdue = sub.add_parser("overdue", help="requests past their deadline, one row each")
        add_export_arguments(overdue)

    def handle(self, *args, **options):
        channel_var.set("cli")
        new_request_id()
        prefix = area_option(options)
        title = _("保供超时未办")
        lines = (item.line() for item in services_board.overdue_items(None, prefix))
        count = write_rows(
            self, options, columns=services_board.overdue_columns(), lines=lines, title=title
        )
        record_access(
            None,
            "export",
            title,
            fields="name_masked,address,leader,leader_phone_masked",
            rows=count,
            scope_path=prefix,
        )
        report(self, options, count)
