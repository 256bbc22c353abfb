"""`wangge export-registry --area AREA --output FILE.xlsx`: the registry of an area, in the
import's columns (an unedited export re-imports to no change). Logged in the access log."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from wangge.core.audit import channel_var, new_request_id
from wangge.people.exports import export_registry
from wangge.places.services import resolve_area


class Command(BaseCommand):
    help = "Export the registry of an area to .xlsx."

    def add_arguments(self, parser):
        parser.add_argument(
            "--area",
            required=True,
            help="a code, #id, or a path of names such as 吉林市/船营区/北京路街道",
        )
        parser.add_argument("--output", required=True, help="the .xlsx file to write")

    def handle(self, *args, **options):
        area = resolve_area(options["area"])
        if area is None:
            raise CommandError(f"unknown area: {options['area']}")
        channel_var.set("cli")
        new_request_id()
        try:
            rows = export_registry(area, options["output"], user=None)
        except OSError as exc:
            raise CommandError(f"cannot write {options['output']}: {exc}") from exc
        self.stdout.write(f"exported={rows} file={options['output']}")
