from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlConfig(AppConfig):
    name = "wangge.control"
    label = "control"
    verbose_name = _("管控措施")

    def ready(self) -> None:
        from . import mapstatus  # noqa: F401 - registers the building map's "control" status
