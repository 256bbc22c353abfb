"""Navigation helpers: whether the signed-in user may perform an action somewhere."""

from django import template

from wangge.core.scope import scope_paths

register = template.Library()


@register.simple_tag(takes_context=True)
def user_can(context, action: str) -> bool:
    """{% user_can "import" as can_import %}: True when any role of the user allows `action`
    (cached per request user by scope_paths)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return bool(scope_paths(user, action))
