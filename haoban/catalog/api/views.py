"""Catalog API v1. Each class is one operation; reads go through ``selectors``, writes through ``services``.

Public reads never show drafts (a draft-only item is a 404). Writes need the 事项管理员 role
(:class:`~haoban.core.permissions.IsCatalogManager`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import IntegrityError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from haoban.catalog import selectors, services
from haoban.catalog.audit import audit_standards, to_json
from haoban.catalog.models import (
    ItemType,
    Level,
    ServiceItem,
    ServiceItemVersion,
    ServiceTag,
    ServiceTagCode,
)
from haoban.core.api import Conflict, StandardPagination
from haoban.core.api_views import parse_input
from haoban.core.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from haoban.core.permissions import IsCatalogManager
from haoban.organization.models import Department, Region

from . import schema
from .serializers import (
    ItemClaimInputSerializer,
    ItemClaimOutputSerializer,
    ItemCreateInputSerializer,
    ItemDetailOutputSerializer,
    ItemDraftUpdateInputSerializer,
    ItemListOutputSerializer,
    ItemPublishInputSerializer,
    ItemVersionListOutputSerializer,
    ServiceListOutputSerializer,
    full_content,
)

TAG_ITEMS = "事项"
TAG_MANAGE = "事项管理"
TAG_LISTS = "清单与核查"

# Catalog errors about the state of an item (not the request's data) are conflicts, not bad input.
_CONFLICT_FIELDS = {"status", "claim_status", "implementation_code"}
_CONTENT_KEYS = {*services.CONTENT_FIELDS, *services.CHILD_MODELS, "service_tags"}


def _paginated(request: Request, view: APIView, queryset: QuerySet[Any], serializer: type) -> Response:
    paginator = StandardPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


def _detail_queryset() -> QuerySet[ServiceItemVersion]:
    return ServiceItemVersion.objects.select_related(
        "item", "item__implementing_body", "item__region", "item__parent"
    ).prefetch_related(
        "legal_bases",
        "materials",
        "steps",
        "fees",
        "handling_items",
        Prefetch("service_tags", queryset=ServiceTag.objects.order_by("order")),
    )


def _detail(version: ServiceItemVersion, *, status_code: int = status.HTTP_200_OK) -> Response:
    version = _detail_queryset().get(pk=version.pk)
    return Response(ItemDetailOutputSerializer(version).data, status=status_code)


def _current(implementation_code: str) -> ServiceItemVersion:
    version = selectors.current_version(implementation_code)
    if version is None:
        raise Http404
    return version


def _item(implementation_code: str) -> ServiceItem:
    item = ServiceItem.objects.filter(implementation_code=implementation_code).first()
    if item is None:
        raise Http404
    return item


def _draft(item: ServiceItem) -> ServiceItemVersion | None:
    return item.versions.filter(status=ServiceItemVersion.Status.DRAFT).order_by("-number").first()


@contextlib.contextmanager
def catalog_errors(*, content_prefix: str = "") -> Iterator[None]:
    """Service rejections inside the block as API errors: 409 for state conflicts, else 400 with field keys
    (prefixed with ``content_prefix`` for the fields of an item's content)."""
    try:
        yield
    except services.CatalogError as exc:
        errors = exc.message_dict
        conflict = _CONFLICT_FIELDS & set(errors)
        if conflict:
            raise Conflict(errors[sorted(conflict)[0]][0]) from None
        if content_prefix:
            errors = {
                (f"{content_prefix}.{key}" if key.split("[")[0].split(".")[0] in _CONTENT_KEYS else key): m
                for key, m in errors.items()
            }
        raise services.CatalogError(errors) from None


def _department(uscc: str, field: str) -> Department:
    department = Department.objects.filter(uscc=uscc.strip().upper()).first()
    if department is None:
        raise services.CatalogError({field: [f"未找到统一社会信用代码为 {uscc} 的部门"]})
    return department


def _keep_material_files(draft: ServiceItemVersion, content: dict[str, Any]) -> None:
    """Blank forms and samples are uploaded in the admin, not sent as JSON: a material that keeps its name
    keeps its files when the draft is replaced."""
    stored = {m.name: m for m in draft.materials.all()}
    for row in content["materials"]:
        previous = stored.get(row["name"])
        if previous is not None:
            row["blank_form"] = previous.blank_form.name or ""
            row["sample"] = previous.sample.name or ""


# --- public reads ---------------------------------------------------------------------------------------

_LIST_FILTERS = [
    OpenApiParameter("department", OpenApiTypes.STR, description="实施主体（部门）的统一社会信用代码。"),
    OpenApiParameter(
        "item_type", OpenApiTypes.STR, enum=ItemType.values, description="事项类型（GB/T 39046 代码）。"
    ),
    OpenApiParameter("level", OpenApiTypes.INT, enum=Level.values, description="行使层级（1–7）。"),
    OpenApiParameter(
        "tag", OpenApiTypes.STR, enum=ServiceTagCode.values, description="特色服务清单标签代码。"
    ),
    OpenApiParameter("region", OpenApiTypes.STR, description="行政区划代码，包含其下级区划的事项。"),
    OpenApiParameter(
        "q", OpenApiTypes.STR, description="关键词：事项名称包含、编码前缀或名称拼音首字母（如 spjy）。"
    ),
]


class ItemListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="item_list",
        tags=[TAG_ITEMS],
        summary="事项列表",
        description="现行已发布的政务服务事项（每个事项一条，按实施编码排序），可筛选、分页。草稿不公开。",
        parameters=_LIST_FILTERS,
        responses={200: ItemListOutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        versions = selectors.published_items(
            department=params.get("department") or None,
            item_type=params.get("item_type") or None,
            level=params.get("level") or None,
            tag=params.get("tag") or None,
            region=params.get("region") or None,
            q=params.get("q", ""),
        )
        return _paginated(request, self, versions, ItemListOutputSerializer)


class ItemDetailApi(APIView):
    @extend_schema(
        operation_id="item_retrieve",
        tags=[TAG_ITEMS],
        summary="事项详情（现行版本）",
        description="现行已发布版本的全部要素，含设立依据、申报材料、办理流程、收费项目、业务办理项。",
        responses={200: ItemDetailOutputSerializer, 404: schema.ERROR_404},
    )
    def get(self, request: Request, implementation_code: str) -> Response:
        return _detail(_current(implementation_code))


class ItemVersionListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="item_version_list",
        tags=[TAG_ITEMS],
        summary="事项版本历史",
        description="事项的已发布版本（含已失效和待生效的），新版本在前。草稿不公开。",
        responses={200: ItemVersionListOutputSerializer(many=True), 404: schema.ERROR_404},
    )
    def get(self, request: Request, implementation_code: str) -> Response:
        versions = selectors.version_history(_item(implementation_code))
        if not versions.exists():
            raise Http404
        return _paginated(request, self, versions, ItemVersionListOutputSerializer)


class ItemVersionDetailApi(APIView):
    @extend_schema(
        operation_id="item_version_retrieve",
        tags=[TAG_ITEMS],
        summary="事项的某一已发布版本",
        responses={200: ItemDetailOutputSerializer, 404: schema.ERROR_404},
    )
    def get(self, request: Request, implementation_code: str, number: int) -> Response:
        version = selectors.published_version(implementation_code, number)
        if version is None:
            raise Http404
        return _detail(version)


class GuideDetailApi(APIView):
    @extend_schema(
        operation_id="guide_retrieve",
        tags=[TAG_ITEMS],
        summary="办事指南",
        description="现行版本的办事指南，与网页版和 PDF 版内容相同（同一数据来源）；代码均附中文名称。",
        responses={200: schema.GuideOutputSerializer, 404: schema.ERROR_404},
    )
    def get(self, request: Request, implementation_code: str) -> Response:
        return Response(selectors.guide_data(_current(implementation_code)))


class ServiceListListApi(APIView):
    @extend_schema(
        operation_id="service_list_list",
        tags=[TAG_LISTS],
        summary="特色服务清单",
        description="规范第十条的 16 类特色服务清单，按条文顺序，附现行事项数量。",
        responses={200: ServiceListOutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        descriptions = dict(ServiceTag.objects.values_list("code", "description"))
        rows = [{**row, "description": descriptions.get(row["code"], "")} for row in selectors.tag_counts()]
        return Response(ServiceListOutputSerializer(rows, many=True).data)


class ServiceListItemListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="service_list_item_list",
        tags=[TAG_LISTS],
        summary="清单中的事项",
        description="带有该特色服务标签的现行已发布事项。",
        parameters=[
            OpenApiParameter(
                "tag",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=ServiceTagCode.values,
                description="清单（标签）代码。",
            )
        ],
        responses={200: ItemListOutputSerializer(many=True), 404: schema.ERROR_404},
    )
    def get(self, request: Request, tag: str) -> Response:
        if tag not in ServiceTagCode.values:
            raise Http404
        return _paginated(request, self, selectors.published_items(tag=tag), ItemListOutputSerializer)


class StandardsAuditApi(APIView):
    @extend_schema(
        operation_id="standards_audit",
        tags=[TAG_LISTS],
        summary="五级十五同核查",
        description="同一基本编码的现行事项在各层级、各区域之间不一致的要素（规范第七条）。",
        responses={200: schema.StandardsAuditOutputSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response(to_json(audit_standards()))


# --- catalog-manager writes -----------------------------------------------------------------------------


class ItemCreateApi(APIView):
    permission_classes = [IsCatalogManager]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="item_create",
        tags=[TAG_MANAGE],
        summary="新增事项",
        description="登记一个实施清单事项并创建第 1 版草稿（发布后才公开）。实施编码由实施主体、层级和基本编码生成。",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=ItemCreateInputSerializer,
        responses={
            201: ItemDetailOutputSerializer,
            400: schema.ERROR_400,
            403: schema.ERROR_403,
            409: schema.ERROR_409,
        },
        examples=[schema.ITEM_CREATE_EXAMPLE],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        data = parse_input(ItemCreateInputSerializer, request.data)
        implementing_body = _department(data["implementing_body"], "implementing_body")
        region = None
        if data.get("region"):
            region = Region.objects.filter(code=data["region"].strip()).first()
            if region is None:
                raise services.CatalogError({"region": [f"未找到行政区划 {data['region']}"]})
        parent = None
        if data.get("parent"):
            parent = ServiceItem.objects.filter(implementation_code=data["parent"].strip().upper()).first()
            if parent is None:
                raise services.CatalogError({"parent": [f"未找到实施编码为 {data['parent']} 的主项"]})
        try:
            with catalog_errors(content_prefix="content"):
                version = services.item_create(
                    implementing_body=implementing_body,
                    level=data["level"],
                    basic_code=data["basic_code"],
                    region=region,
                    parent=parent,
                    content=data["content"],
                    actor=request.user,
                )
        except IntegrityError:
            # Lost a race with a concurrent create of the same 实施编码.
            raise Conflict("该实施编码的事项已存在。") from None
        response = _detail(version, status_code=status.HTTP_201_CREATED)
        response["Location"] = reverse(
            "api:item-draft", kwargs={"implementation_code": version.item.implementation_code}
        )
        return response


class ItemDraftDetailApi(APIView):
    permission_classes = [IsCatalogManager]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="item_draft_retrieve",
        tags=[TAG_MANAGE],
        summary="查看草稿",
        description="事项当前未发布的草稿；没有草稿时 404。",
        responses={200: ItemDetailOutputSerializer, 403: schema.ERROR_403, 404: schema.ERROR_404},
    )
    def get(self, request: Request, implementation_code: str) -> Response:
        draft = _draft(_item(implementation_code))
        if draft is None:
            raise Http404
        return _detail(draft)


class ItemDraftUpdateApi(APIView):
    permission_classes = [IsCatalogManager]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="item_draft_update",
        tags=[TAG_MANAGE],
        summary="修改草稿",
        description=(
            "以请求内容整体替换草稿的要素（未提供的要素恢复默认值，子列表清空）。"
            "申报材料的空白表格和示例样表在管理后台上传，名称不变的材料保留原文件。"
            "已发布的版本不可修改：没有草稿时返回 409，请先创建新版本。"
        ),
        request=ItemDraftUpdateInputSerializer,
        responses={
            200: ItemDetailOutputSerializer,
            400: schema.ERROR_400,
            403: schema.ERROR_403,
            404: schema.ERROR_404,
            409: schema.ERROR_409,
        },
    )
    def put(self, request: Request, implementation_code: str) -> Response:
        item = _item(implementation_code)
        content = full_content(parse_input(ItemDraftUpdateInputSerializer, request.data))
        draft = _draft(item)
        if draft is None:
            raise Conflict("该事项没有草稿：已发布的版本不可修改，请先创建新版本。")
        _keep_material_files(draft, content)
        with catalog_errors():
            version = services.version_update(version=draft, content=content, actor=request.user)
        return _detail(version)


class ItemDraftCreateApi(APIView):
    permission_classes = [IsCatalogManager]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="item_draft_create",
        tags=[TAG_MANAGE],
        summary="创建新版本草稿",
        description="复制最新版本的全部要素，创建版本号加一的草稿；每个事项同时只能有一个草稿（否则 409）。",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=None,
        responses={
            201: ItemDetailOutputSerializer,
            403: schema.ERROR_403,
            404: schema.ERROR_404,
            409: schema.ERROR_409,
        },
    )
    @idempotent
    def post(self, request: Request, implementation_code: str) -> Response:
        item = _item(implementation_code)
        with catalog_errors():
            draft = services.version_create_draft(item=item, actor=request.user)
        return _detail(draft, status_code=status.HTTP_201_CREATED)


class ItemPublishApi(APIView):
    permission_classes = [IsCatalogManager]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="item_publish",
        tags=[TAG_MANAGE],
        summary="发布草稿",
        description=(
            "发布事项的草稿：校验全部要素，设定生效日期；原现行版本的失效日期设为新版本生效日期的前一天。"
            "没有草稿时返回 409。"
        ),
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=ItemPublishInputSerializer,
        responses={
            200: ItemDetailOutputSerializer,
            400: schema.ERROR_400,
            403: schema.ERROR_403,
            404: schema.ERROR_404,
            409: schema.ERROR_409,
        },
        examples=[
            OpenApiExample(
                "发布",
                value={"valid_from": "2026-01-01", "change_note": "压缩承诺时限"},
                request_only=True,
            )
        ],
    )
    @idempotent
    def post(self, request: Request, implementation_code: str) -> Response:
        item = _item(implementation_code)
        data = parse_input(ItemPublishInputSerializer, request.data)
        draft = _draft(item)
        if draft is None:
            raise Conflict("该事项没有待发布的草稿。")
        valid_from: dt.date | None = data.get("valid_from")
        with catalog_errors():
            version = services.version_publish(
                version=draft,
                valid_from=valid_from,
                actor=request.user,
                change_note=data.get("change_note", ""),
            )
        return _detail(version)


class ItemClaimApi(APIView):
    permission_classes = [IsCatalogManager]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="item_claim",
        tags=[TAG_MANAGE],
        summary="认领事项",
        description="实施主体部门认领本部门的事项（规范第八条）；已认领的返回 409。",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=ItemClaimInputSerializer,
        responses={
            200: ItemClaimOutputSerializer,
            400: schema.ERROR_400,
            403: schema.ERROR_403,
            404: schema.ERROR_404,
            409: schema.ERROR_409,
        },
    )
    @idempotent
    def post(self, request: Request, implementation_code: str) -> Response:
        item = _item(implementation_code)
        data = parse_input(ItemClaimInputSerializer, request.data)
        department = _department(data["department"], "department")
        with catalog_errors():
            item = services.item_claim(item=item, department=department, actor=request.user)
        return Response(ItemClaimOutputSerializer(item).data)
