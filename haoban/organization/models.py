"""Regions, departments and service centers (seed ch. 3; a later issue deepens them)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from haoban.core.models import BaseModel
from haoban.domain.codes import CodeError, validate_region_code, validate_uscc


def uscc_validator(value: str) -> None:
    """Model-field validator: GB 32100 统一社会信用代码."""
    try:
        validate_uscc(value)
    except CodeError as exc:
        raise ValidationError(str(exc)) from None


def region_code_validator(value: str) -> None:
    """Model-field validator: GB/T 2260 行政区划代码."""
    try:
        validate_region_code(value)
    except CodeError as exc:
        raise ValidationError(str(exc)) from None


class Region(BaseModel):
    """行政区划 (GB/T 2260); 管委会 are county-level management committees (seed Art. 11)."""

    class Kind(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县（区、管委会）"
        TOWN = "town", "乡镇（街道）"
        VILLAGE = "village", "村（社区）"

    code = models.CharField(
        "行政区划代码",
        max_length=12,
        unique=True,
        validators=[region_code_validator],
        help_text="GB/T 2260 代码：县级及以上 6 位，乡镇（街道）9 位，村（社区）12 位；管委会使用本地扩展代码。",
    )
    name = models.CharField("名称", max_length=100, help_text="例如：莆田市、城厢区、龙桥街道。")
    kind = models.CharField(
        "层级", max_length=10, choices=Kind.choices, help_text="四级政务服务体系中的层级。"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="上一级行政区划；市级区划的上级为省。",
    )
    is_management_committee = models.BooleanField(
        "管委会",
        default=False,
        help_text="经济开发区、旅游度假区等管理委员会，按县级管理（如湄洲岛、北岸）。",
    )

    PARENT_KIND = {
        Kind.CITY: Kind.PROVINCE,
        Kind.COUNTY: Kind.CITY,
        Kind.TOWN: Kind.COUNTY,
        Kind.VILLAGE: Kind.TOWN,
    }

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        expected_parent = self.PARENT_KIND.get(self.kind)
        if expected_parent and self.parent and self.parent.kind != expected_parent:
            raise ValidationError(
                {"parent": f"{self.get_kind_display()}的上级区划应为{self.Kind(expected_parent).label}"}
            )
        if self.is_management_committee and self.kind != self.Kind.COUNTY:
            raise ValidationError({"is_management_committee": "管委会按县级区划管理"})

    def ancestors(self) -> list[Region]:
        chain: list[Region] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class Department(BaseModel):
    """政务服务职能部门, identified by its 统一社会信用代码 (GB 32100)."""

    name = models.CharField("部门名称", max_length=120, help_text="全称，例如：莆田市市场监督管理局。")
    short_name = models.CharField("简称", max_length=40, blank=True, help_text="例如：市市场监管局。")
    uscc = models.CharField(
        "统一社会信用代码",
        max_length=18,
        unique=True,
        validators=[uscc_validator],
        help_text="18 位，GB 32100 校验位；用于生成事项实施编码。",
    )
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="departments"
    )
    guiding_code = models.CharField(
        "指导部门代码",
        max_length=2,
        blank=True,
        help_text="基本编码第 5–6 位的主项指导部门代码（两位数字），可空。",
    )
    phone = models.CharField("咨询电话", max_length=40, blank=True)
    address = models.CharField("办公地址", max_length=200, blank=True)

    class Meta:
        verbose_name = "政务服务职能部门"
        verbose_name_plural = "政务服务职能部门"
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceCenter(BaseModel):
    """政务服务中心 / 便民服务中心 / 便民服务站 (seed Art. 11)."""

    class Kind(models.TextChoices):
        GOVERNMENT_CENTER = "government_center", "政务服务中心"
        CONVENIENCE_CENTER = "convenience_center", "便民服务中心"
        CONVENIENCE_STATION = "convenience_station", "便民服务站"

    # Art. 11: city and county have 政务服务中心, towns 便民服务中心, villages 便民服务站.
    KIND_BY_REGION = {
        Region.Kind.CITY: Kind.GOVERNMENT_CENTER,
        Region.Kind.COUNTY: Kind.GOVERNMENT_CENTER,
        Region.Kind.TOWN: Kind.CONVENIENCE_CENTER,
        Region.Kind.VILLAGE: Kind.CONVENIENCE_STATION,
    }

    name = models.CharField("名称", max_length=120)
    kind = models.CharField("类型", max_length=24, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="centers"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("电话", max_length=40, blank=True)
    office_hours = models.CharField(
        "办公时间", max_length=120, blank=True, help_text="例如：工作日 8:00–12:00，14:30–17:30。"
    )
    star_rating = models.PositiveSmallIntegerField(
        "星级",
        null=True,
        blank=True,
        help_text="便民服务中心（站）星级评定结果，1–5 星；政务服务中心不评星。",
    )

    class Meta:
        verbose_name = "政务（便民）服务中心"
        verbose_name_plural = "政务（便民）服务中心"
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        expected = self.KIND_BY_REGION.get(self.region.kind) if self.region_id else None
        if expected and self.kind != expected:
            raise ValidationError(
                {"kind": f"{self.region.get_kind_display()}应设置{self.Kind(expected).label}（规范第十一条）"}
            )
        if self.star_rating is not None:
            if self.kind == self.Kind.GOVERNMENT_CENTER:
                raise ValidationError({"star_rating": "星级评定只适用于便民服务中心（站）"})
            if not 1 <= self.star_rating <= 5:
                raise ValidationError({"star_rating": "星级应为 1–5"})
