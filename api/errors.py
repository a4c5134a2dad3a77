"""Every refusal of the API as Chinese problem+json (RFC 9457): type, title, status, detail, code.

`errors` lists field or value problems where there are some. A refusal is always JSON, even when
the client asked for CSV.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.errors import BadRequest, Refused

PROBLEM_TYPE_BASE = "/api/v1/docs/#problem-"
PROBLEM_MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: _("请求有误"),
    401: _("未认证"),
    403: _("无权操作"),
    404: _("未找到"),
    405: _("不支持的请求方法"),
    406: _("不支持的格式"),
    409: _("数据已锁定"),
    413: _("请求过大"),
    415: _("不支持的内容类型"),
    422: _("无法处理的请求"),
    429: _("请求过于频繁"),
}


class ApiProblem(exceptions.APIException):
    """A refusal with its own status and code, raised by the API's views."""

    def __init__(self, detail: str, *, status_code: int, code: str, errors: list | None = None):
        super().__init__(detail=detail, code=code)
        self.status_code = status_code
        self.problem_code = code
        self.errors = errors


def problem(status_code: int, code: str, detail: str, *, errors: list | None = None, **extra) -> dict:
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": str(TITLES.get(status_code, _("错误"))),
        "status": status_code,
        "detail": detail,
        "code": code,
        **extra,
    }
    if errors:
        body["errors"] = errors
    return body


def _flatten(detail, path: str = "") -> list[dict]:
    """DRF's nested validation errors as a list of {field, message}."""
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            items += _flatten(value, f"{path}.{key}" if path else str(key))
        return items
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [{"field": path or None, "message": str(item)} for item in detail]
        items = []
        for index, value in enumerate(detail):
            items += _flatten(value, f"{path}[{index}]")
        return items
    return [{"field": path or None, "message": str(detail)}]


def _as_api_exception(exc):
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or _("未找到。"))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or _("无权操作。"))
    if isinstance(exc, BadRequest):
        return ApiProblem(str(exc), status_code=400, code="bad_request")
    if isinstance(exc, Refused):
        return ApiProblem(str(exc), status_code=422, code="refused")
    return exc


def problem_handler(exc, context):
    exc = _as_api_exception(exc)
    if not isinstance(exc, exceptions.APIException):
        return None  # a real error: Django's 500 (logged), never a traceback in the answer
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, ApiProblem):
        body = problem(exc.status_code, exc.problem_code, str(exc.detail), errors=exc.errors)
    elif isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        body = problem(400, "invalid", _("请求内容有误，详见 errors。"), errors=errors)
    else:
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.default_detail)
        if isinstance(exc, exceptions.Throttled):
            detail = _("请求过于频繁，请在%(seconds)s秒后重试。") % {"seconds": int(exc.wait or 1)}
        body = problem(exc.status_code, str(code), str(detail))
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = PROBLEM_MEDIA_TYPE
    response = Response(body, status=body["status"], headers=headers, content_type=PROBLEM_MEDIA_TYPE)
    return response
