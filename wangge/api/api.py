"""The ninja API object. Each app contributes a router from its api.py."""

from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from wangge.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Wangge API",
    version="1",
    docs_url="/docs",
    auth=[TokenAuth(), django_auth],
)
