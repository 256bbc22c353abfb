"""Which campaigns and questionnaires a user sees: those in their scope and those placed above
it (a community's campaign is opened by a grid leader, whose pages then show only their grid's
part). Changing one needs CHANGE on its own area."""

from __future__ import annotations

from django.db.models import QuerySet

from wangge.core.scope import VIEW

from .models import Campaign, Questionnaire


def visible_campaigns(user, action: str = VIEW) -> QuerySet[Campaign]:
    """Campaigns the user may open (VIEW) or change (CHANGE: on the campaign's own area)."""
    if action == VIEW:
        return Campaign.objects.touching(user)
    return Campaign.objects.for_user(user, action)


def visible_questionnaires(user) -> QuerySet[Questionnaire]:
    return Questionnaire.objects.touching(user)
