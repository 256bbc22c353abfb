"""The WSGI entry: requests to the API that carry a bearer token take a shorter middleware
stack than the pages.

Phones at sampling tables and gates post request after request with a token. They have no
session, no CSRF cookie, no flash messages and no htmx, so running the eleven middleware of
the pages for them is pure cost (about a quarter of a millisecond a request). Everything else —
pages, and API calls of a signed-in browser (session and CSRF token) — goes through the full
stack of settings.MIDDLEWARE.
"""

from __future__ import annotations

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

API_PREFIX = "/api/"


class BearerRequestMiddleware:
    """A token request has no session: its user is anonymous until the token names one (the
    API's session authentication then refuses it cleanly instead of failing). Its answer
    carries its length."""

    def __init__(self, get_response):
        from django.contrib.auth.models import AnonymousUser  # the apps are loaded by now

        self.get_response = get_response
        self.anonymous = AnonymousUser

    def __call__(self, request):
        request.user = self.anonymous()
        response = self.get_response(request)
        # A known length lets the server send the answer in one piece instead of chunks (what
        # CommonMiddleware does for the pages).
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))
        return response


class TokenApiHandler(WSGIHandler):
    """A Django handler with settings.TOKEN_API_MIDDLEWARE in place of settings.MIDDLEWARE."""

    def load_middleware(self, is_async=False):
        # BaseHandler reads settings.MIDDLEWARE while building the chain; this runs once, at
        # start-up, before any request.
        pages = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.TOKEN_API_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = pages


def is_token_api_request(environ) -> bool:
    return environ.get("PATH_INFO", "").startswith(API_PREFIX) and environ.get(
        "HTTP_AUTHORIZATION", ""
    ).startswith("Bearer ")


def make_application():
    pages = get_wsgi_application()
    api = TokenApiHandler()

    def application(environ, start_response):
        handler = api if is_token_api_request(environ) else pages
        return handler(environ, start_response)

    return application
