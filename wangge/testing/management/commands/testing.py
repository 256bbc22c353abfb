"""`wangge testing <subcommand>`: testing rounds from the command line.

    wangge testing missing --round <id> [--area <area>] --format csv|xlsx [--output FILE]

`missing`: one row per person not yet sampled in the round (grid, building, unit, room, name,
masked ID number, masked phone, grid leader, leader phone); CSV to stdout unless --output is
given (.xlsx needs --output). Runs as the system (no user) on channel "cli"; the export is
logged in the access log with its number of rows.
"""

from __future__ import annotations

import csv
import io

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wangge.core.audit import channel_var, new_request_id, record_access
from wangge.core.exports import write_xlsx
from wangge.core.gcpause import gc_paused
from wangge.places.services import resolve_area
from wangge.testing.models import Round
from wangge.testing.whoisleft import person_list
from wangge.testing.whoisleft_rows import columns, export_row, person_rows


class Command(BaseCommand):
    help = "Testing rounds: `missing` lists the people not yet sampled in a round."
    requires_system_checks = []  # a quick read: `wangge check` runs the checks

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        missing = sub.add_parser(
            "missing", help="people not yet sampled in a round, one row per person"
        )
        missing.add_argument("--round", required=True, type=int, help="the round's id")
        missing.add_argument(
            "--area", default="", help="only this area: a code, #id, or 吉林市/船营区/… names"
        )
        missing.add_argument("--format", choices=("csv", "xlsx"), default="csv")
        missing.add_argument("--output", default="", help="file to write (default: stdout, csv)")

    def handle(self, *args, **options):
        channel_var.set("cli")
        new_request_id()
        if options["subcommand"] == "missing":
            self.missing(options)

    def missing(self, options) -> None:
        rnd = Round.objects.select_related("area").filter(pk=options["round"]).first()
        if rnd is None:
            raise CommandError(f"unknown round: {options['round']}")
        prefix = ""
        if options["area"]:
            area = resolve_area(options["area"])
            if area is None:
                raise CommandError(f"unknown area: {options['area']}")
            prefix = area.path
        fmt, output = options["format"], options["output"]
        if fmt == "xlsx" and not output:
            raise CommandError("--format xlsx needs --output FILE.xlsx")
        with gc_paused():
            rows = person_rows(rnd, person_list(rnd, None, "not_yet", prefix), marks=False)
            values = [export_row(r, extra=False) for r in rows]
        head = [c.label for c in columns(extra=False)]
        try:
            if fmt == "xlsx":
                write_xlsx(output, columns=columns(extra=False), rows=values, title=str(rnd))
            else:
                self.write_csv(head, values, output)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc}") from exc
        record_access(
            None,
            "export",
            _("%(round)s 未检人员") % {"round": rnd},
            fields="name,id_number_masked,phone_masked,address",
            rows=len(values),
            scope_path=prefix or rnd.area.path,
            object_id=str(rnd.pk),
        )
        if output:
            self.stdout.write(f"exported={len(values)} file={output}")
        else:
            self.stderr.write(f"exported={len(values)}")

    def write_csv(self, head: list[str], values: list[list[str]], output: str) -> None:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(head)
        writer.writerows(values)
        if output:
            with open(output, "w", encoding="utf-8-sig", newline="") as fh:
                fh.write(buf.getvalue())
        else:
            self.stdout.write(buf.getvalue(), ending="")
