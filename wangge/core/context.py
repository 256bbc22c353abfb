"""Template context for the page shell (navigation, the user's roles)."""

from django.conf import settings


def shell(request):
    user = getattr(request, "user", None)
    roles = []
    if user is not None and user.is_authenticated:
        roles = list(user.role_assignments.filter(active=True).select_related("area")[:5])
    return {"shell_roles": roles, "LANGUAGES": settings.LANGUAGES}
