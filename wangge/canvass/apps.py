from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CanvassConfig(AppConfig):
    name = "wangge.canvass"
    label = "canvass"
    verbose_name = _("入户排查")

    def ready(self) -> None:
        from . import mapstatus  # noqa: F401 - registers the building map's "canvass" status
