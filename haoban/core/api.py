"""API conventions: the error format ``{"code", "message", "fields"}`` and pagination."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models.manager import BaseManager
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.fields import SkipField
from rest_framework.pagination import PageNumberPagination
from rest_framework.relations import PKOnlyObject, RelatedField
from rest_framework.response import Response
from rest_framework.settings import ISO_8601, api_settings
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
    building the serializer's fields again (:func:`reusable`) and through a plan of its fields made once per
    serializer instance (:func:`_represent`)."""
    with reusable(serializer_class, many=many, context=context) as serializer:
        return _represent(serializer, instance)


# --- compiled representation ---------------------------------------------------------------------------------
#
# DRF's Serializer.to_representation asks every field, for every object, for its attribute (a generic walk
# over ``source_attrs`` with a callable check through ``inspect`` at each step) and then converts it. The plan
# below does the same per field with the work that depends only on the field done once: the attribute names,
# and, for fields of DRF's own plain classes whose conversion is the identity or a builtin, that conversion.
# Anything else — a missing attribute, a callable, a mapping other than dict, a value of an unexpected type,
# a related field, a serializer or field class with its own ``to_representation`` — goes through DRF's own
# code for that field, so the answer is DRF's answer (tests/test_represent.py compares them).

_PLAN_ATTR = "_haoban_plan"


class _Slow(Exception):
    """The attribute needs DRF's own lookup."""


def _fast_conversion(field: serializers.Field) -> tuple[type, Any] | None:
    """(the value type it applies to, the conversion) for a field whose DRF conversion of such a value is known."""
    kind = type(field)
    if kind is serializers.CharField:
        return str, None  # str(value) of a str is itself
    if kind is serializers.IntegerField:
        return int, None
    if kind is serializers.BooleanField:
        return bool, None
    if kind is serializers.UUIDField and field.uuid_format == "hex_verbose":
        return uuid.UUID, str
    if kind is serializers.DateField and getattr(field, "format", api_settings.DATE_FORMAT) == ISO_8601:
        return dt.date, dt.date.isoformat
    return None


def _plan(serializer: serializers.Serializer) -> list[tuple[Any, ...]]:
    plan = serializer.__dict__.get(_PLAN_ATTR)
    if plan is None:
        plan = []
        for field in serializer._readable_fields:
            if isinstance(field, RelatedField):
                step = ("drf", field)
            elif isinstance(field, serializers.ListSerializer) and _compilable(field.child):
                step = ("many", field, field.child)
            elif isinstance(field, serializers.Serializer) and _compilable(field):
                step = ("nested", field)
            else:
                step = ("field", field, _fast_conversion(field))
            plan.append((field.field_name, tuple(field.source_attrs), *step))
        serializer.__dict__[_PLAN_ATTR] = plan
    return plan


def _compilable(serializer: Any) -> bool:
    """A plain Serializer: DRF's own to_representation, so the plan gives what it would."""
    return (
        isinstance(serializer, serializers.Serializer)
        and type(serializer).to_representation is serializers.Serializer.to_representation
    )


def _attribute(instance: Any, attrs: tuple[str, ...]) -> Any:
    value = instance
    for attr in attrs:
        value = value[attr] if type(value) is dict else getattr(value, attr)
        if callable(value) and not isinstance(value, BaseManager):
            raise _Slow
    return value


def _represent(serializer: Any, instance: Any) -> Any:
    if isinstance(serializer, serializers.ListSerializer) and _compilable(serializer.child):
        return _represent_many(serializer.child, instance)
    if _compilable(serializer):
        return _represent_one(serializer, instance)
    return serializer.to_representation(instance)


def _represent_one(serializer: serializers.Serializer, instance: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, attrs, kind, field, *extra in _plan(serializer):
        if kind == "drf":  # DRF's steps as they are (the primary-key-only optimisation of related fields)
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            out[name] = None if check is None else field.to_representation(attribute)
            continue
        try:
            value = _attribute(instance, attrs) if attrs else instance
        except (_Slow, AttributeError, KeyError, ObjectDoesNotExist):
            try:
                value = field.get_attribute(instance)  # DRF's lookup: defaults, SkipField, its errors
            except SkipField:
                continue
        if value is None:
            out[name] = None
        elif kind == "field":
            fast = extra[0]
            if fast is not None and type(value) is fast[0]:
                out[name] = value if fast[1] is None else fast[1](value)
            else:
                out[name] = field.to_representation(value)
        elif kind == "nested":
            out[name] = _represent_one(field, value)
        else:  # many
            out[name] = _represent_many(extra[0], value)
    return out


def _represent_many(child: serializers.Serializer, data: Any) -> list[dict[str, Any]]:
    """A ListSerializer's answer: a manager's rows (``.all()``, prefetched or not) or the items, each by ``child``."""
    items = data.all() if isinstance(data, BaseManager) else data
    return [_represent_one(child, item) for item in items]


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
