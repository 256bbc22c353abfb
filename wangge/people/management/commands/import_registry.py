"""`wangge import-registry FILE [--area AREA] [--report errors.csv]`: import a registry sheet.

Prints one line, ``read=N imported=N updated=N rejected=N`` (rows, that is persons or
households), exits 0 when the file was read (even with rejected rows) and non-zero when it could
not be read or the area is unknown. Runs as the system (no user), channel "cli" in the change log.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wangge.core.audit import channel_var, new_request_id
from wangge.core.imports import ImportFormatError, errors_csv
from wangge.people.imports import import_registry
from wangge.places.models import Area
from wangge.places.services import ensure_area_path, resolve_area


def area_from_ref(ref: str, *, create: bool) -> Area:
    """--area: a code, ``#id``, or a path of names from the top (created when missing)."""
    is_names = "/" in ref or not ref.isascii()
    if is_names and create:
        try:
            return ensure_area_path(ref, actor=None)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
    area = resolve_area(ref)
    if area is None:
        raise CommandError(f"unknown area: {ref}")
    return area


class Command(BaseCommand):
    help = "Import a registry sheet (.xlsx/.xls/.csv) as workers keep it."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--area",
            default="",
            help="area for rows without 街道/社区/网格 columns: a code, #id, or a "
            "path of names such as 吉林市/船营区/北京路街道/兴华社区 "
            "(created when it does not exist)",
        )
        parser.add_argument("--report", default="", help="write rejected rows to this CSV file")
        parser.add_argument(
            "--no-create-areas",
            action="store_true",
            help="reject rows naming areas that do not exist instead of creating them",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"cannot read {path}: no such file")
        create = not options["no_create_areas"]
        channel_var.set("cli")
        new_request_id()
        area = area_from_ref(options["area"], create=create) if options["area"] else None
        try:
            report = import_registry(
                path, name=path.name, area=area, actor=None, create_areas=create
            )
        except ImportFormatError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        if options["report"]:
            with open(options["report"], "w", encoding="utf-8-sig", newline="") as out:
                errors_csv(report.errors, out)
        self.stdout.write(report.line)
