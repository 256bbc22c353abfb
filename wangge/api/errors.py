"""Error responses of the API, in the user's language: {"detail": ...} with a field map for 422."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from wangge.core.services import field_errors

# Where a request parameter came from; not part of the field name shown to the client.
_QUOTED = re.compile(r"'([^']*)'")
_LIST_SEP = re.compile(r", | or ")
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file", "payload", "filters"}


def _message(err: dict) -> str:
    """A Chinese message for one pydantic error (falls back to a generic one)."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return _("该字段为必填项")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("请输入整数")
    if kind in {"bool_parsing", "bool_type"}:
        return _("请输入 true 或 false")
    if kind.startswith("date"):
        return _("请输入有效日期，格式为 YYYY-MM-DD")
    if kind.startswith("uuid"):
        return _("请输入有效的 UUID")
    if kind == "string_type":
        return _("请输入文本")
    if kind == "string_too_short":
        return _("不能为空")
    if kind == "string_too_long":
        return _("不能超过 %(n)s 个字符") % {"n": ctx.get("max_length", "")}
    if kind in {"greater_than_equal", "greater_than"}:
        return _("不能小于 %(n)s") % {"n": ctx.get("ge", ctx.get("gt", ""))}
    if kind in {"less_than_equal", "less_than"}:
        return _("不能大于 %(n)s") % {"n": ctx.get("le", ctx.get("lt", ""))}
    if kind in {"enum", "literal_error"}:
        expected = str(ctx.get("expected", ""))
        values = "、".join(_QUOTED.findall(expected) or _LIST_SEP.split(expected))
        return _("无效的选项，可选值：%(values)s") % {"values": values}
    if kind == "extra_forbidden":
        return _("未知字段")
    if kind in {"json_invalid", "model_attributes_type", "dict_type", "model_type"}:
        return _("请求体不是有效的 JSON 对象")
    if kind == "list_type":
        return _("请输入列表")
    return _("输入无效")


def _field(loc) -> str:
    names = [str(p) for p in loc if not isinstance(p, int) and str(p) not in _SOURCES]
    return ".".join(names) or "__all__"


def request_errors(errors: list[dict]) -> dict[str, list[str]]:
    """ninja's list of request validation errors as {field: [Chinese messages]}."""
    out: dict[str, list[str]] = {}
    for err in errors:
        out.setdefault(_field(err.get("loc", ())), []).append(_message(err))
    return out


def install_handlers(api: NinjaAPI) -> None:
    """Register the handlers that turn exceptions into the API's error bodies."""

    def respond(request: HttpRequest, detail, status: int) -> HttpResponse:
        return api.create_response(request, {"detail": detail}, status=status)

    @api.exception_handler(DjangoValidationError)
    def model_invalid(request, exc):
        return respond(request, field_errors(exc), 422)

    @api.exception_handler(NinjaValidationError)
    def request_invalid(request, exc):
        return respond(request, request_errors(exc.errors), 422)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, _("未找到"), 404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return respond(request, _("无权进行此操作"), 403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return respond(request, _("未登录或令牌无效"), 401)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return respond(request, _("请求体无法解析，应为 JSON"), 400)
        if exc.status_code == 403 and "CSRF" in str(exc):
            message = _("CSRF 校验失败：使用登录会话调用接口时须带 X-CSRFToken 请求头")
            return respond(request, message, 403)
        return respond(request, str(exc), exc.status_code)
