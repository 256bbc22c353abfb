from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    name = "wangge.command"
    label = "command"
    verbose_name = _("指挥调度")
