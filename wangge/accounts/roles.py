"""Roles a user can hold in an area, and the actions each allows."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import CHANGE, EXPORT, IMPORT, INSPECT, MANAGE, RECORD, VIEW


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    COMMANDER = "commander", _("指挥长")
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    DATA_TEAM = "data_team", _("数据专班")
    GRID_LEADER = "grid_leader", _("网格长")
    BUILDING_LEADER = "building_leader", _("楼栋长")
    UNIT_LEADER = "unit_leader", _("单元长")
    CADRE = "cadre", _("下沉干部")
    VOLUNTEER = "volunteer", _("志愿者")
    INSPECTOR = "inspector", _("督查员")


ROLE_ACTIONS: dict[str, set[str]] = {
    Role.ADMIN: {VIEW, CHANGE, EXPORT, IMPORT, MANAGE, RECORD, INSPECT},
    Role.COMMANDER: {VIEW, CHANGE, EXPORT, IMPORT, RECORD, INSPECT},
    Role.COMMUNITY_WORKER: {VIEW, CHANGE, EXPORT, IMPORT, RECORD, INSPECT},
    Role.DATA_TEAM: {VIEW, CHANGE, EXPORT, IMPORT, RECORD},
    Role.GRID_LEADER: {VIEW, CHANGE, EXPORT, RECORD},
    Role.BUILDING_LEADER: {VIEW, CHANGE, RECORD},
    Role.UNIT_LEADER: {VIEW, CHANGE, RECORD},
    Role.CADRE: {VIEW, CHANGE, RECORD},
    Role.VOLUNTEER: {VIEW, RECORD},
    Role.INSPECTOR: {VIEW, INSPECT},
}


def role_allows(role: str, action: str) -> bool:
    return action in ROLE_ACTIONS.get(role, set())
