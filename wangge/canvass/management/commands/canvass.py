"""`wangge canvass <subcommand>`: door-knocking campaigns from the command line.

    wangge canvass coverage --campaign <id> [--area <area>] --format csv|xlsx [--output FILE]
    wangge canvass close-due

`coverage`: one row per household of the campaign not yet reached (to revisit, refused, never
attempted): grid, building, unit, room, householder masked, phone masked, status, visits, grid
leader and leader phone. --area takes an area's code, its id (12 or #12), its path of names
(吉林市/船营区/…) or a path prefix (/1/2/3/, or a building's /1/2/3/4/5/b7/). CSV goes to
stdout unless --output is given; .xlsx goes to --output, or to stdout when stdout is not a
terminal. Runs as the system (no user) on channel "cli"; the export is logged in the access log
with its number of rows.

`close-due`: makes the daily closes (日查日清) that are due, one line printed per close made;
meant for cron every few minutes.
"""

from __future__ import annotations

import csv
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wangge.canvass.closes import close_due
from wangge.canvass.coverage import export_line, household_rows, not_reached_columns
from wangge.canvass.models import Campaign
from wangge.core.audit import channel_var, new_request_id, record_access
from wangge.core.exports import write_xlsx
from wangge.core.gcpause import gc_paused
from wangge.places.models import Area
from wangge.places.services import resolve_area

PATH = re.compile(r"^/(\d+/)+(b\d+/(u\d+/)?)?$")


def area_prefix(ref: str) -> str | None:
    """The path prefix an --area names, or None when it names nothing."""
    ref = ref.strip()
    if PATH.match(ref):
        return ref if Area.objects.filter(path=ref.split("b")[0]).exists() else None
    area = resolve_area(ref)
    if area is None and ref.isdigit():
        area = Area.objects.filter(pk=int(ref)).first()
    return area.path if area is not None else None


class Command(BaseCommand):
    help = (
        "Door-knocking campaigns: `coverage` lists the households not yet reached, "
        "`close-due` makes the daily closes that are due."
    )
    requires_system_checks = []  # a quick read: `wangge check` runs the checks

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        coverage = sub.add_parser(
            "coverage", help="households of a campaign not yet reached, one row per household"
        )
        coverage.add_argument("--campaign", required=True, type=int, help="the campaign's id")
        coverage.add_argument(
            "--area",
            default="",
            help="only this area: a code, an id (12 or #12), 吉林市/船营区/… names, or a path",
        )
        coverage.add_argument("--format", choices=("csv", "xlsx"), default="csv")
        coverage.add_argument("--output", default="", help="file to write (default: stdout)")
        sub.add_parser("close-due", help="make the daily closes that are due (for cron)")

    def handle(self, *args, **options):
        channel_var.set("cli")
        new_request_id()
        if options["subcommand"] == "coverage":
            self.coverage(options)
        else:
            self.close_due()

    def coverage(self, options) -> None:
        campaign = Campaign.objects.select_related("area").filter(pk=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"unknown campaign: {options['campaign']}")
        prefix = ""
        if options["area"]:
            prefix = area_prefix(options["area"])
            if prefix is None:
                raise CommandError(f"unknown area: {options['area']}")
        fmt, output = options["format"], options["output"]
        target = output
        if fmt == "xlsx" and not output:
            target = getattr(self.stdout._out, "buffer", None)
            if target is None or self.stdout.isatty():
                raise CommandError("--format xlsx needs --output FILE.xlsx (or stdout to a pipe)")
        title = _("%(campaign)s 未排查住户") % {"campaign": campaign}
        with gc_paused():
            lines = (export_line(row) for row in household_rows(campaign, None, prefix=prefix))
            try:
                if fmt == "xlsx":
                    count = write_xlsx(
                        target, columns=not_reached_columns(), rows=lines, title=title
                    )
                    if not output:
                        target.flush()
                else:
                    count = self.write_csv(lines, output)
            except OSError as exc:
                raise CommandError(f"cannot write {output or 'stdout'}: {exc}") from exc
        record_access(
            None,
            "export",
            title,
            fields="householder_masked,phone_masked,address",
            rows=count,
            scope_path=prefix or campaign.area.path,
            object_id=str(campaign.pk),
        )
        if output:
            self.stdout.write(f"exported={count} file={output}")
        else:
            self.stderr.write(f"exported={count}")

    def write_csv(self, lines, output: str) -> int:
        head = [c.label for c in not_reached_columns()]
        if output:
            with open(output, "w", encoding="utf-8-sig", newline="") as fh:
                return self._csv(csv.writer(fh), head, lines)
        # One line a row: the command's stdout ends each write with a newline of its own.
        return self._csv(csv.writer(self.stdout, lineterminator="\n"), head, lines)

    @staticmethod
    def _csv(writer, head: list[str], lines) -> int:
        writer.writerow(head)
        count = 0
        for line in lines:
            writer.writerow(line)
            count += 1
        return count

    def close_due(self) -> None:
        for close in close_due():
            total = close.figures.get("total", {})
            self.stdout.write(
                f"closed campaign={close.campaign_id} day={close.day} "
                f"targeted={total.get('targeted', 0)} not_reached={total.get('not_reached', 0)} "
                f"name={close.campaign.name}"
            )
