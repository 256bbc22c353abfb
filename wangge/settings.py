"""Settings, read from the environment (WANGGE_*). Checked at start-up by wangge.core.checks."""

import os
from importlib.util import find_spec
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return int(raw)


def env_secret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file named by NAME_FILE (for container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


DEBUG = env_bool("WANGGE_DEBUG", False)
# Development key; wangge.E001 refuses to run it with DEBUG off outside tests and the demo.
INSECURE_DEV_KEY = "wangge-insecure-development-key-change-me"  # noqa: S105
SECRET_KEY = env_secret("WANGGE_SECRET_KEY", INSECURE_DEV_KEY)
ALLOWED_HOSTS = [h for h in env_str("WANGGE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("WANGGE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
VAR_DIR = Path(env_str("WANGGE_VAR_DIR", str(BASE_DIR / "var")))
# The SQLite file, uploads and collected static files live here; a fresh clone has none.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "wangge.core",
    "wangge.accounts",
    "wangge.places",
    "wangge.people",
    "wangge.testing",
    "wangge.canvass",
    "wangge.control",
    "wangge.checkpoints",
    "wangge.support",
    "wangge.workforce",
    "wangge.supervision",
    "wangge.command",
    "wangge.tracing",
    "wangge.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wangge.core.middleware.RequestIdMiddleware",
]
# API requests with a bearer token (phones at tables and gates): see core/handlers.py.
TOKEN_API_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "wangge.core.handlers.BearerRequestMiddleware",
    "wangge.core.middleware.RequestIdMiddleware",
]

ROOT_URLCONF = "wangge.urls"
WSGI_APPLICATION = "wangge.wsgi.application"

# The API docs page (Swagger UI) is served from django-ninja's own templates and static files,
# not a CDN. Not an installed app: that would import ninja and pydantic (≈ 0.1 s) in every
# command, also those that never touch the API.
NINJA_DIR = Path(find_spec("ninja").origin).parent

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wangge" / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wangge.core.context.shell",
            ],
        },
    }
]

_default_db = f"sqlite:///{VAR_DIR / 'wangge.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("WANGGE_DATABASE_URL", _default_db), conn_max_age=env_int("WANGGE_CONN_MAX_AGE", 60)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django binds parameters on the client (no server-side statements) but turns psycopg's
    # prepared statements off altogether; a hot path that asks for one (the gate's scan,
    # checkpoints/gate_sql.py) gets it. 0 keeps them off (a pooler that cannot hold them).
    _prepare = env_int("WANGGE_PG_PREPARED_STATEMENTS", 1)
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5 if _prepare else None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections persist as on PostgreSQL (one per server thread: Django keeps them per
    # thread); closing one after every request made SQLite checkpoint the WAL each time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = (
        {"NAME": env_str("WANGGE_TEST_SQLITE_NAME", "")}
        if env_str("WANGGE_TEST_SQLITE_NAME")
        else {}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_AGE = env_int("WANGGE_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("WANGGE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LOGIN_RATE_LIMIT = env_int("WANGGE_LOGIN_RATE_LIMIT", 10)  # failed attempts per user+IP per 15 min

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("WANGGE_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# From the npm packages only the built files pages use: WhiteNoise indexes every static file
# when a server process (or a test client) starts, and node_modules holds thousands.
NPM_ASSETS = [
    "bootstrap/dist",
    "bootstrap-icons/font",
    "echarts/dist",
    "htmx.org/dist",
    "html5-qrcode",
    "@noble/ed25519",
    "@noble/hashes",
]
STATICFILES_DIRS = [
    BASE_DIR / "wangge" / "static",
    *((f"vendor/{path}", BASE_DIR / "node_modules" / path) for path in NPM_ASSETS),
    NINJA_DIR / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

# Nothing shared lives in the cache (rate limits and jobs are in the database).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": env_str("WANGGE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# Imports with more data rows than this run as a background task.
IMPORT_BACKGROUND_ROWS = env_int("WANGGE_IMPORT_BACKGROUND_ROWS", 3000)
IMPORT_MAX_UPLOAD_BYTES = env_int("WANGGE_IMPORT_MAX_UPLOAD_MB", 50) * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("WANGGE_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50

# True when the site only answers on this machine (the development key is then acceptable).
ALLOWED_HOSTS_LOCAL_ONLY = all(h in {"127.0.0.1", "localhost", "[::1]"} for h in ALLOWED_HOSTS)
