"""Organization API v1 (public reads): regions, departments and service centers.

Serializers, views and URL patterns in one module (small, read-only); included by ``haoban.api_urls``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from haoban.core.api import StandardPagination

from .models import Department, Region, ServiceCenter

TAG = "组织机构"


def _subtree_ids(region: Region) -> list[int]:
    ids, frontier = [region.pk], [region.pk]
    while frontier:
        frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def _paginated(request: Request, view: APIView, queryset: QuerySet[Any], serializer: type) -> Response:
    paginator = StandardPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


def _region_filter(queryset: QuerySet[Any], code: str | None) -> QuerySet[Any]:
    """Objects of the region ``code`` and every region below it; unknown codes match nothing."""
    if not code:
        return queryset
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        return queryset.none()
    return queryset.filter(region_id__in=_subtree_ids(region))


_REGION_PARAMETER = OpenApiParameter("region", OpenApiTypes.STR, description="行政区划代码，包含其下级区划。")


# --- regions ---------------------------------------------------------------------------------------------


class RegionOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="行政区划代码（GB/T 2260；管委会为本地扩展代码）。")
    name = serializers.CharField(help_text="名称。")
    kind = serializers.ChoiceField(
        choices=Region.Kind.choices,
        help_text="层级：province 省，city 市，county 县（区、管委会），town 乡镇（街道），village 村（社区）。",
    )
    parent = serializers.CharField(
        source="parent.code", allow_null=True, default=None, help_text="上级区划代码，顶级为 null。"
    )
    is_management_committee = serializers.BooleanField(help_text="是否为管委会（按县级管理）。")


class RegionListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="region_list",
        tags=[TAG],
        summary="行政区划",
        description="按代码排序。",
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Region.Kind.values, description="层级。"),
            OpenApiParameter("parent", OpenApiTypes.STR, description="上级区划代码：只列其直接下级。"),
        ],
        responses={200: RegionOutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        regions = Region.objects.select_related("parent").order_by("code")
        kind = request.query_params.get("kind")
        if kind:
            regions = regions.filter(kind=kind)
        parent = request.query_params.get("parent")
        if parent:
            regions = regions.filter(parent__code=parent.strip())
        return _paginated(request, self, regions, RegionOutputSerializer)


# --- departments -----------------------------------------------------------------------------------------


class DepartmentOutputSerializer(serializers.Serializer):
    uscc = serializers.CharField(help_text="统一社会信用代码（18 位）。")
    name = serializers.CharField(help_text="部门全称。")
    short_name = serializers.CharField(help_text="简称。")
    region = serializers.CharField(source="region.code", help_text="所属区划代码。")
    region_name = serializers.CharField(source="region.name", help_text="所属区划名称。")
    phone = serializers.CharField(help_text="咨询电话。")
    address = serializers.CharField(help_text="办公地址。")


class DepartmentListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="department_list",
        tags=[TAG],
        summary="政务服务职能部门",
        description="按所属区划代码、名称排序。",
        parameters=[_REGION_PARAMETER],
        responses={200: DepartmentOutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        departments = Department.objects.select_related("region").order_by("region__code", "name")
        departments = _region_filter(departments, request.query_params.get("region"))
        return _paginated(request, self, departments, DepartmentOutputSerializer)


# --- service centers -------------------------------------------------------------------------------------


class ServiceCenterOutputSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="名称。")
    kind = serializers.ChoiceField(
        choices=ServiceCenter.Kind.choices,
        help_text="类型：government_center 政务服务中心，convenience_center 便民服务中心，convenience_station 便民服务站。",
    )
    region = serializers.CharField(source="region.code", help_text="所属区划代码。")
    region_name = serializers.CharField(source="region.name", help_text="所属区划名称。")
    address = serializers.CharField(help_text="地址。")
    phone = serializers.CharField(help_text="电话。")
    office_hours = serializers.CharField(help_text="办公时间。")
    star_rating = serializers.IntegerField(
        allow_null=True, help_text="星级（1–5，便民服务中心（站）），未评定为 null。"
    )


class ServiceCenterListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="service_center_list",
        tags=[TAG],
        summary="政务（便民）服务中心",
        description="按所属区划代码、名称排序。",
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=ServiceCenter.Kind.values, description="类型。"),
            _REGION_PARAMETER,
        ],
        responses={200: ServiceCenterOutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        centers = ServiceCenter.objects.select_related("region").order_by("region__code", "name")
        kind = request.query_params.get("kind")
        if kind:
            centers = centers.filter(kind=kind)
        centers = _region_filter(centers, request.query_params.get("region"))
        return _paginated(request, self, centers, ServiceCenterOutputSerializer)


urlpatterns = [
    path("regions/", RegionListApi.as_view(), name="region-list"),
    path("departments/", DepartmentListApi.as_view(), name="department-list"),
    path("service-centers/", ServiceCenterListApi.as_view(), name="service-center-list"),
]
