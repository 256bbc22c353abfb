"""`wangge tracing <subcommand>`: contact lists from the command line.

    wangge tracing import FILE... --source NAME --kind close|secondary|site_roster|other
                          [--day YYYY-MM-DD] [--area CODE] [--map HEADER=FIELD ...]
    wangge tracing merged --date YYYY-MM-DD --format csv|xlsx [--output FILE] [--area CODE]

`import`: imports every sheet of each file as a batch of the source (created in --area if new;
--area may be left out when the source's name is known in one area only), then links the new
rows, and prints per sheet `read= imported= rejected=`, each rejected row as
`  row N [column] reason`, then the link counts. When a sheet's headers cannot be guessed it
prints them and exits with an error: give `--map 人员=name --map 号码=id_number` (fields: name,
sex, id_number, phone, address, birth_date, contact_date, exposure, note; an empty field ignores
the column) once, and the source remembers it. Runs as the system (no user) on channel "cli".

`merged` is added by wangge/tracing/cli_merged.py when that module is there.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wangge.core.audit import channel_var, new_request_id
from wangge.core.cli_export import AREA_HELP
from wangge.core.imports import ImportFormatError, header_key
from wangge.places.services import resolve_area
from wangge.tracing import services_imports as svc
from wangge.tracing.imports import FIELD_LABELS, NeedsMapping
from wangge.tracing.models import ListKind, Source


def _merged_module():
    if importlib.util.find_spec("wangge.tracing.cli_merged") is None:
        return None
    return importlib.import_module("wangge.tracing.cli_merged")


class Command(BaseCommand):
    help = "Contact lists: `import` files of a source; `merged` the merged list of a day."
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        imp = sub.add_parser("import", help="import contact-list files (every sheet a batch)")
        imp.add_argument("files", nargs="+", metavar="FILE")
        imp.add_argument("--source", required=True, help="who sent the lists, e.g. 市疾控")
        imp.add_argument("--kind", required=True, choices=ListKind.values)
        imp.add_argument("--day", default="", help="the lists' day, YYYY-MM-DD (default today)")
        imp.add_argument("--area", default="", help="the receiving area: " + AREA_HELP)
        imp.add_argument(
            "--map", action="append", default=[], metavar="HEADER=FIELD", help="map a header"
        )
        imp.set_defaults(handler=None)
        merged = _merged_module()
        if merged is not None:
            merged.add_merged_command(sub)

    def handle(self, *args, **options):
        channel_var.set("cli")
        new_request_id()
        handler = options.get("handler")
        if handler is not None:
            handler(self, options)
            return
        if options["subcommand"] != "import":
            raise CommandError(f"unknown subcommand: {options['subcommand']}")
        self.handle_import(options)

    def handle_import(self, options) -> None:
        day = _day(options["day"])
        mapping = _mapping(options["map"])
        source = _source(options)
        failed = 0
        imported = 0
        for name in options["files"]:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"cannot read {name}: {exc}") from exc
            try:
                batches = svc.import_file(
                    data,
                    path.name,
                    source=source,
                    kind=options["kind"],
                    day=day,
                    actor=None,
                    mapping=mapping,
                )
            except NeedsMapping as need:
                failed += 1
                self.stderr.write(
                    f"{name}{' [' + need.sheet + ']' if need.sheet else ''}: "
                    "cannot tell the name, or the ID number and the phone, from the headers:"
                )
                for head in need.headers:
                    self.stderr.write(f"  {head} -> {need.guess.get(head, '?')}")
                self.stderr.write("  give them with --map HEADER=FIELD")
                continue
            except (ImportFormatError, ValidationError) as exc:
                failed += 1
                text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.stderr.write(f"{name}: {text}")
                continue
            for b in batches:
                imported += 1
                sheet = f" [{b.sheet_name}]" if b.sheet_name else ""
                self.stdout.write(
                    f"{name}{sheet}: batch={b.pk} read={b.rows_read} "
                    f"imported={b.rows_imported} rejected={b.rows_rejected}"
                )
                for e in b.rejects:
                    self.stdout.write(f"  row {e['row']} [{e['column']}] {e['reason']}")
        if imported:
            result = svc.link_after_import(source.area, actor=None)
            self.stdout.write(_link_line(result))
        if failed:
            raise CommandError(f"{failed} file(s) not imported")


def _day(value: str) -> dt.date:
    from django.utils import timezone

    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise CommandError(f"--day must be YYYY-MM-DD, not {value!r}") from exc


def _mapping(pairs: list[str]) -> dict[str, str] | None:
    out = {}
    for pair in pairs:
        head, sep, field = pair.partition("=")
        field = field.strip()
        if not sep or not head.strip() or (field and field not in FIELD_LABELS):
            fields = ", ".join(FIELD_LABELS)
            raise CommandError(f"--map {pair!r}: write HEADER=FIELD, FIELD one of {fields}")
        out[header_key(head)] = field
    return out or None


def _source(options) -> Source:
    name = options["source"].strip()
    if options["area"]:
        area = resolve_area(options["area"])
        if area is None:
            raise CommandError(f"unknown area: {options['area']}")
        try:
            return svc.get_or_create_source(area, name, actor=None, kind=options["kind"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
    found = list(Source.objects.filter(name=name).select_related("area")[:2])
    if len(found) == 1:
        return found[0]
    if found:
        raise CommandError(f"source {name!r} exists in several areas: give --area")
    raise CommandError(f"unknown source {name!r}: give --area to create it")


def _link_line(result) -> str:
    if result is None:
        return "linked: skipped (linkage not installed)"
    counts = svc.link_counts(result)
    if not counts:
        return f"linked: {result}"
    return "linked: " + " ".join(f"{k}={n}" for k, n in counts.items())
