from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingConfig(AppConfig):
    name = "wangge.testing"
    label = "testing"
    verbose_name = _("核酸检测")

    def ready(self) -> None:
        from . import mapstatus  # noqa: F401 - registers the building map's "testing" status
