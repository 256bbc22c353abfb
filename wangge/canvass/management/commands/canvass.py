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

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wangge.canvass.closes import close_due
from wangge.canvass.coverage import export_line, household_rows, not_reached_columns
from wangge.canvass.models import Campaign
from wangge.core.audit import channel_var, new_request_id, record_access
from wangge.core.cli_export import add_export_arguments, area_option, report, write_rows
from wangge.core.gcpause import gc_paused


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
        add_export_arguments(coverage)
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
        prefix = area_option(options)
        title = _("%(campaign)s 未排查住户") % {"campaign": campaign}
        with gc_paused():
            lines = (export_line(row) for row in household_rows(campaign, None, prefix=prefix))
            count = write_rows(
                self, options, columns=not_reached_columns(), lines=lines, title=title
            )
        record_access(
            None,
            "export",
            title,
            fields="householder_masked,phone_masked,address",
            rows=count,
            scope_path=prefix or campaign.area.path,
            object_id=str(campaign.pk),
        )
        report(self, options, count)

    def close_due(self) -> None:
        for close in close_due():
            total = close.figures.get("total", {})
            self.stdout.write(
                f"closed campaign={close.campaign_id} day={close.day} "
                f"targeted={total.get('targeted', 0)} not_reached={total.get('not_reached', 0)} "
                f"name={close.campaign.name}"
            )
