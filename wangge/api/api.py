"""The ninja API object. Each app contributes a router from its api.py."""

import json

from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.security import HttpBearer, django_auth

from wangge.accounts.models import ApiToken

from .errors import install_handlers


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


class LocalSwagger(Swagger):
    """Swagger UI from django-ninja's own template and static files (their folders are in
    settings; ninja is not an installed app, so it would otherwise link a CDN)."""

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": True,  # "try it out" from a signed-in browser uses the session
        }
        return render(request, self.template, context)


api = NinjaAPI(
    title="Wangge API",
    version="1",
    description="网格化管理平台接口：区域、楼栋、单元、住户、人员、居住关系。"
    "认证：请求头 Authorization: Bearer <令牌>，或浏览器登录会话（需 CSRF 令牌）。",
    docs_url="/docs",
    # Swagger UI from ninja's own static files ("ninja" is in INSTALLED_APPS); no validator
    # badge, which would call an external host.
    docs=LocalSwagger(settings={"validatorUrl": None}),
    auth=[TokenAuth(), django_auth],
)
install_handlers(api)


@api.get("/ping", summary="连通检查：已认证时返回固定内容（监控与负载测试的对照）")
def ping(request):
    return {"ok": True}


def _register_routers() -> None:
    from wangge.canvass.api import router as canvass
    from wangge.checkpoints.api import router as checkpoints
    from wangge.command.api import router as command
    from wangge.control.api import router as control
    from wangge.people.api import persons, residences
    from wangge.places.api import areas, buildings, households, units
    from wangge.supervision.api import router as supervision
    from wangge.support.api import router as support
    from wangge.testing.api import router as testing
    from wangge.tracing.api import router as tracing
    from wangge.workforce.api import router as workforce

    # The phones' hot paths first (a gate's passage, a sampling table's tube): Django tries the
    # API's patterns in the order the routers are added.
    api.add_router("/checkpoints", checkpoints)
    api.add_router("/testing", testing)
    api.add_router("/areas", areas)
    api.add_router("/buildings", buildings)
    api.add_router("/units", units)
    api.add_router("/households", households)
    api.add_router("/persons", persons)
    api.add_router("/residences", residences)
    api.add_router("/canvass", canvass)
    api.add_router("/control", control)
    api.add_router("/support", support)
    api.add_router("/workforce", workforce)
    api.add_router("/supervision", supervision)
    api.add_router("/command", command)
    api.add_router("/tracing", tracing)


_register_routers()
