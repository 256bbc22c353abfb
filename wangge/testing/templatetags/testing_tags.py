"""Template tags of the testing app. `{% testing_notices as notices %}`: the unread
positive-tube notices of the grids in the user's scope (used on the home page)."""

from django import template

from wangge.testing.services_results import unread_notices

register = template.Library()

HOME_NOTICES = 10


@register.simple_tag(takes_context=True)
def testing_notices(context) -> list:
    user = getattr(context.get("request"), "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return []
    return list(unread_notices(user)[:HOME_NOTICES])
