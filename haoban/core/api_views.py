"""Building blocks of API views: one class per operation on a shared URL, and input parsing.

HackSoft style: every operation is its own ``APIView`` subclass (``ItemListApi``, ``ItemCreateApi``) with its
own permissions, serializers and schema. When two operations share a URL (``GET`` and ``POST
/api/v1/items/``), :func:`operations_view` routes each request to the class that handles its method; the
class itself runs unchanged. For the OpenAPI generator the URL gets one combined class whose permissions and
pagination follow the method being described.

:func:`parse_input` validates a request body with an input serializer and reports errors with flat keys
(``content.materials[1].name``), the same shape the services use, so ``fields`` and ``message`` of the error
format name the field the way a client wrote it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from rest_framework import exceptions, serializers
from rest_framework.views import APIView

from .api import reusable

_HANDLER_METHODS = ("get", "post", "put", "patch", "delete")


def _handled_methods(operation: type[APIView]) -> list[str]:
    return [m for m in _HANDLER_METHODS if callable(getattr(operation, m, None))]


def operations_view(*operations: type[APIView]) -> Callable[..., HttpResponseBase]:
    """A URL view for several single-operation API classes, each handling different HTTP methods."""
    by_method: dict[str, type[APIView]] = {}
    for operation in operations:
        for method in _handled_methods(operation):
            if method in by_method:
                raise ValueError(f"{method.upper()} is handled by both {by_method[method]} and {operation}")
            by_method[method] = operation
    views = {method: operation.as_view() for method, operation in by_method.items()}
    allow = ", ".join([*(m.upper() for m in by_method), "OPTIONS"])

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        method = (request.method or "").lower()
        if method == "head" and "get" in views:
            method = "get"
        target = views.get(method) or next(iter(views.values()))
        response = target(request, *args, **kwargs)
        # Each class knows only its own method; the URL accepts all of them.
        response["Allow"] = allow
        return response

    def _operation(self: APIView) -> type[APIView]:
        request = getattr(self, "request", None)
        method = (getattr(request, "method", None) or "").lower()
        return by_method.get(method, operations[0])

    # Seen only by the OpenAPI generator (``view.cls``): the handlers of every operation, each decorated
    # with its own ``extend_schema``; permissions, authenticators and pagination of the described method.
    combined = type(
        "".join(o.__name__ for o in operations),
        operations,
        {
            "__doc__": operations[0].__doc__,
            "get_permissions": lambda self: [p() for p in _operation(self).permission_classes],
            "get_authenticators": lambda self: [a() for a in _operation(self).authentication_classes],
            "get_parsers": lambda self: [p() for p in _operation(self).parser_classes],
            "pagination_class": property(lambda self: getattr(_operation(self), "pagination_class", None)),
        },
    )
    view.cls = combined  # type: ignore[attr-defined]
    view.initkwargs = {}  # type: ignore[attr-defined]
    view.csrf_exempt = True  # type: ignore[attr-defined]  # DRF's SessionAuthentication checks CSRF itself
    return view


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"content.materials[1].name": ["…"]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif key in ("non_field_errors", "__all__"):
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            for sub, messages in flatten_errors(value, path).items():
                flat.setdefault(sub, []).extend(messages)
    elif isinstance(detail, list | tuple):
        if all(not isinstance(item, Mapping | list | tuple) for item in detail):
            flat[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    for sub, messages in flatten_errors(item, f"{prefix}[{index}]").items():
                        flat.setdefault(sub, []).extend(messages)
    else:
        flat[prefix or "non_field_errors"] = [str(detail)]
    return flat


def parse_input(serializer_class: type[serializers.Serializer], data: Any, **context: Any) -> dict[str, Any]:
    """Validated data of ``serializer_class``; raises a 400 with flat field keys."""
    with reusable(serializer_class, context=context) as serializer:
        try:
            return dict(serializer.run_validation(data))
        except exceptions.ValidationError as exc:
            raise exceptions.ValidationError(flatten_errors(exc.detail)) from None


# --- the error format in the OpenAPI description ----------------------------------------------------------


class ErrorOutputSerializer(serializers.Serializer):
    """Every API error: ``{"code", "message", "fields"}`` (``haoban.core.api.exception_handler``)."""

    code = serializers.CharField(
        help_text="错误代码：invalid（数据有误）、not_authenticated、permission_denied、not_found、conflict 等。"
    )
    message = serializers.CharField(help_text="中文说明；数据有误时为“字段：原因”。")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="数据有误时，按字段（如 content.materials[1].name）列出的中文原因；其他错误为空对象。",
    )


def error_response(status_code: int, description: str, example: Mapping[str, Any]) -> Any:
    """An ``OpenApiResponse`` in the error format, with one example."""
    from drf_spectacular.utils import OpenApiExample, OpenApiResponse

    return OpenApiResponse(
        ErrorOutputSerializer,
        description=description,
        examples=[OpenApiExample(f"{status_code}", value=dict(example), status_codes=[str(status_code)])],
    )


ERROR_400 = error_response(
    400,
    "数据有误，未写入任何数据。",
    {
        "code": "invalid",
        "message": "content.name：该字段是必填项。",
        "fields": {"content.name": ["该字段是必填项。"]},
    },
)
ERROR_403 = error_response(
    403,
    "不具备所需角色（permission_denied）。",
    {"code": "permission_denied", "message": "只有事项管理员可以执行该操作。", "fields": {}},
)
ERROR_404 = error_response(
    404,
    "对象不存在或不公开（草稿不公开）。",
    {"code": "not_found", "message": "未找到该对象。", "fields": {}},
)
ERROR_409 = error_response(
    409,
    "与当前状态冲突，例如修改已发布的版本、重复认领、幂等键用于不同请求。",
    {"code": "conflict", "message": "该事项没有草稿：已发布的版本不可修改，请先创建新版本。", "fields": {}},
)
