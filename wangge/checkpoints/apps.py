from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    name = "wangge.checkpoints"
    label = "checkpoints"
    verbose_name = _("卡口与出入证")
