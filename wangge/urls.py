from django.urls import include, path

from wangge.api.api import api

urlpatterns = [
    path("", include("wangge.core.urls")),
    path("accounts/", include("wangge.accounts.urls")),
    path("places/", include("wangge.places.urls")),
    path("people/", include("wangge.people.urls")),
    path("registry/", include("wangge.people.urls_registry")),
    path("testing/", include("wangge.testing.urls")),
    path("canvass/", include("wangge.canvass.urls")),
    path("control/", include("wangge.control.urls")),
    path("checkpoints/", include("wangge.checkpoints.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
