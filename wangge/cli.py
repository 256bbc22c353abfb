"""The `wangge` command: every manage.py command, plus Wangge's own.

Commands may be written with hyphens (`wangge import-registry`); they map to the
Django management command with underscores.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "wangge"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    if len(argv) > 1 and argv[1] == "worker":
        argv[1:2] = ["db_worker"]
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
