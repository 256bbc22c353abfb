"""Start-up checks of the settings (stable ids wangge.E00N / W00N)."""

import sys

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=False)
def check_settings(app_configs, **kwargs):
    problems = []
    running_tests = "pytest" in sys.modules
    if (
        not settings.DEBUG
        and settings.SECRET_KEY == settings.INSECURE_DEV_KEY
        and not running_tests
        and not settings.ALLOWED_HOSTS_LOCAL_ONLY
    ):
        problems.append(
            Error(
                "WANGGE_SECRET_KEY is the development key while serving other hosts.",
                hint="Set WANGGE_SECRET_KEY (or WANGGE_SECRET_KEY_FILE).",
                id="wangge.E001",
            )
        )
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        problems.append(
            Error(
                f"Unsupported database engine {engine}.",
                hint="WANGGE_DATABASE_URL must be sqlite:///… or postgres://…",
                id="wangge.E002",
            )
        )
    if settings.IMPORT_BACKGROUND_ROWS < 1:
        problems.append(
            Error("WANGGE_IMPORT_BACKGROUND_ROWS must be at least 1.", id="wangge.E003")
        )
    if settings.SESSION_COOKIE_AGE > 7 * 24 * 3600:
        problems.append(
            Warning(
                "Sessions last longer than a week.", hint="WANGGE_SESSION_SECONDS", id="wangge.W001"
            )
        )
    return problems
