from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlConfig(AppConfig):
    name = "wangge.control"
    label = "control"
    verbose_name = _("管控措施")

    def ready(self) -> None:
        from wangge.testing.schedule_door import DOOR_REASON_SOURCES

        # Registering: the registry's designation badges, the building map's "control" status.
        from . import badges, mapstatus  # noqa: F401
        from .door import quarantine_source, sealed_source

        for source in (sealed_source, quarantine_source):
            if source not in DOOR_REASON_SOURCES:
                DOOR_REASON_SOURCES.append(source)
