"""API conventions: the error format ``{"code", "message", "fields"}`` and pagination."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


_templates = threading.local()


@contextlib.contextmanager
def reusable(
    serializer_class: type[serializers.BaseSerializer],
    *,
    many: bool = False,
    context: dict[str, Any] | None = None,
) -> Iterator[serializers.BaseSerializer]:
    """This thread's instance of ``serializer_class`` with its fields already built, given ``context`` for
    the duration of the block.

    DRF deep-copies every declared field (and, recursively, every nested serializer's fields) each time a
    serializer is instantiated; for the case detail that was most of the cost of an answer. Our serializers
    keep no per-call state in their fields (no ``validate_*`` hooks, no ``self.instance`` reads), so each
    thread keeps one instance per class and only its context changes per call. A nested use of the same
    class while it is taken builds a fresh one. Call ``to_representation`` or ``run_validation`` on it, not
    ``.data`` / ``is_valid()`` (they cache per instance): :func:`represent` and ``core.api_views.parse_input``
    do."""
    cache: dict[tuple[type, bool], serializers.BaseSerializer] | None = getattr(_templates, "cache", None)
    if cache is None:
        cache = _templates.cache = {}
    key = (serializer_class, many)
    template = cache.pop(key, None)  # taken out while in use
    if template is None:
        template = serializer_class(many=many, context={})
    template._context = context or {}
    try:
        yield template
    finally:
        template._context = {}
        cache[key] = template


def represent(
    serializer_class: type[serializers.BaseSerializer],
    instance: Any,
    *,
    many: bool = False,
    context: dict[str, Any] | None = None,
) -> Any:
    """``serializer_class(instance, many=many, context=context).data``, as plain JSON-ready data, without
    building the serializer's fields again (:func:`reusable`)."""
    with reusable(serializer_class, many=many, context=context) as serializer:
        return serializer.to_representation(instance)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "操作与当前状态冲突。"
    default_code = "conflict"


_DEFAULT_MESSAGES = {
    400: "提交的数据有误，请检查后重试。",
    401: "请先登录。",
    403: "您没有执行该操作的权限。",
    404: "未找到该对象。",
    405: "不支持该请求方法。",
    409: "操作与当前状态冲突。",
    415: "不支持的内容类型。",
    429: "请求过于频繁，请稍后再试。",
}


def _flatten(detail: Any) -> Any:
    if isinstance(detail, list):
        return [_flatten(d) for d in detail]
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    return str(detail)


def _first_message(fields: Any) -> str | None:
    if isinstance(fields, dict):
        for key, value in fields.items():
            msg = _first_message(value)
            if msg:
                return msg if key in ("non_field_errors", "__all__") else f"{key}：{msg}"
    if isinstance(fields, list):
        for value in fields:
            msg = _first_message(value)
            if msg:
                return msg
    if isinstance(fields, str):
        return fields
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every API error as ``{"code": ..., "message": "中文说明", "fields": {...}}``."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = "error"
    fields: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
        detail = _flatten(exc.detail)
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        message = _first_message(fields) or _DEFAULT_MESSAGES[400]
    elif isinstance(exc, exceptions.APIException):
        code = exc.default_code if isinstance(exc.default_code, str) else "error"
        detail = exc.detail
        message = str(detail) if isinstance(detail, str) else _DEFAULT_MESSAGES.get(response.status_code, "")
        if isinstance(exc, exceptions.NotFound):
            message = _DEFAULT_MESSAGES[404]
            code = "not_found"
    else:  # pragma: no cover - drf only returns APIException responses
        message = _DEFAULT_MESSAGES.get(response.status_code, "请求失败。")
    response.data = {"code": code, "message": message, "fields": fields}
    return response
