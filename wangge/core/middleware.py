import uuid

from django.utils.cache import patch_vary_headers

from .audit import channel_var, request_id_var


class RequestIdMiddleware:
    """Gives every request an id (kept from X-Request-ID when sent) for the audit logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = request.headers.get("X-Request-ID", "")[:36] or str(uuid.uuid4())
        request.request_id = rid
        token = request_id_var.set(rid)
        ctoken = channel_var.set("api" if request.path.startswith("/api/") else "web")
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
            channel_var.reset(ctoken)
        response["X-Request-ID"] = rid
        if request.headers.get("HX-Request") is not None or getattr(request, "htmx", False):
            patch_vary_headers(response, ["HX-Request"])  # no duplicate when a view set it
        return response
