"""`wangge tracing merged`: the merged list of a day in the CDC's layout, from the command line.

    wangge tracing merged --date 2022-04-01 --format csv|xlsx [--output FILE] [--area CODE]

The people named by that day's lists (under --area: a code, an id, a path of names or a path
prefix), one row each, with the columns of the page's export (序号, 姓名, 性别, 身份证号, 联系电话,
现住址, 所属网格, 名单类型, 来源, 首次出现日期, 是否已管控, 备注), unmasked. CSV goes to stdout
unless --output is given; .xlsx goes to --output, or to stdout when it is a pipe. Runs as the
system (no user) on channel "cli"; the export is logged in the access log with its row count.

The command `wangge tracing` (management/commands/tracing.py) adds this subcommand with
`add_merged_command(subparsers)` and calls `handle_merged(command, options)` for it (the parser
also carries it as the default `handler`)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from wangge.core.audit import channel_var, new_request_id, record_access
from wangge.core.cli_export import add_export_arguments, area_option, report, write_rows

from .export import export_columns, export_rows, export_title
from .services_merged import merged_rows


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from exc


def add_merged_command(subparsers):
    """Add `merged` to the subparsers of `wangge tracing`; returns its parser."""
    parser = subparsers.add_parser(
        "merged", help="the merged contact list of a day, in the CDC's layout (csv or xlsx)"
    )
    parser.add_argument("--date", required=True, help="the lists' day, YYYY-MM-DD")
    add_export_arguments(parser)
    parser.set_defaults(handler=handle_merged)
    return parser


def handle_merged(command: BaseCommand, options) -> int:
    """Write the day's merged list; returns the number of people written."""
    channel_var.set("cli")
    new_request_id()
    day = _date(options["date"])
    prefix = area_option(options)
    qs = merged_rows(None, day=day, area=prefix, system=True).order_by("scope_path", "name", "pk")
    title = export_title(day)
    count = write_rows(
        command, options, columns=export_columns(), lines=export_rows(qs), title=title
    )
    record_access(
        None, "export", title, fields="name,id_number,phone,address", rows=count, scope_path=prefix
    )
    report(command, options, count)
    return count
