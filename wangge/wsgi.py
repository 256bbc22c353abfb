import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")

from wangge.core.handlers import make_application  # noqa: E402 - needs the settings module

application = make_application()
