from django.urls import include, path

from wangge.api.api import api

# Django tries these in order: the API first, so that the phones' calls (a scan, a passage)
# are not matched against every page's pattern before their own.
urlpatterns = [
    path("api/", api.urls),
    path("", include("wangge.core.urls")),
    path("accounts/", include("wangge.accounts.urls")),
    path("places/", include("wangge.places.urls")),
    path("people/", include("wangge.people.urls")),
    path("registry/", include("wangge.people.urls_registry")),
    path("testing/", include("wangge.testing.urls")),
    path("canvass/", include("wangge.canvass.urls")),
    path("control/", include("wangge.control.urls")),
    path("checkpoints/", include("wangge.checkpoints.urls")),
    path("support/", include("wangge.support.urls")),
    path("workforce/", include("wangge.workforce.urls")),
    path("supervision/", include("wangge.supervision.urls")),
    path("command/", include("wangge.command.urls")),
    path("tracing/", include("wangge.tracing.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
