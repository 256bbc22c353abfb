"""What the commands that export a who-is-left list share: the --area/--format/--output
arguments, the area they name, and writing the rows as CSV (to a file or stdout) or .xlsx (to
a file, or to stdout when it is a pipe), returning how many rows were written."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.core.management.base import BaseCommand, CommandError

from wangge.core.exports import XlsxColumn, write_xlsx
from wangge.places.services import area_prefix

AREA_HELP = "only this area: a code, an id (12 or #12), 吉林市/船营区/… names, or a path"


def add_export_arguments(parser) -> None:
    parser.add_argument("--area", default="", help=AREA_HELP)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--output", default="", help="file to write (default: stdout)")


def area_option(options) -> str:
    """The path prefix --area names ('' for everything); an unknown area is an error."""
    if not options["area"]:
        return ""
    prefix = area_prefix(options["area"])
    if prefix is None:
        raise CommandError(f"unknown area: {options['area']}")
    return prefix


def write_rows(
    command: BaseCommand,
    options,
    *,
    columns: Sequence[XlsxColumn],
    lines: Iterable[Sequence],
    title: str,
) -> int:
    """Write `lines` under `columns` as --format says to --output (or stdout)."""
    fmt, output = options["format"], options["output"]
    target = output
    if fmt == "xlsx" and not output:
        target = getattr(command.stdout._out, "buffer", None)
        if target is None or command.stdout.isatty():
            raise CommandError("--format xlsx needs --output FILE.xlsx (or stdout to a pipe)")
    try:
        if fmt == "xlsx":
            count = write_xlsx(target, columns=columns, rows=lines, title=title)
            if not output:
                target.flush()
            return count
        head = [c.label for c in columns]
        if output:
            with open(output, "w", encoding="utf-8-sig", newline="") as fh:
                return _csv(csv.writer(fh), head, lines)
        # One line a row: the command's stdout ends each write with a newline of its own.
        return _csv(csv.writer(command.stdout, lineterminator="\n"), head, lines)
    except OSError as exc:
        raise CommandError(f"cannot write {output or 'stdout'}: {exc}") from exc


def _csv(writer, head: list[str], lines) -> int:
    writer.writerow(head)
    count = 0
    for line in lines:
        writer.writerow(line)
        count += 1
    return count


def report(command: BaseCommand, options, count: int) -> None:
    """The last line: how many rows went where."""
    if options["output"]:
        command.stdout.write(f"exported={count} file={options['output']}")
    else:
        command.stderr.write(f"exported={count}")
