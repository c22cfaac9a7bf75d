"""Working-day calendar data (工作日历): one row per year, one row per day that differs from a plain week.

A year is *published* when its State Council notice (国务院办公厅关于部分节假日安排的通知) has been
imported; years without one are provisional and computed by ``haoban.domain.provisional`` (legal-rules.md
§9), never stored. Every write goes through ``haoban.calendars.services``; every read that answers a
working-day question goes through ``haoban.calendars.selectors.get_work_calendar``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from haoban.core.models import BaseModel

# 2004 is the first year of the seed data (chinese_calendar); 2100 is far enough for any deadline.
MIN_YEAR = 2004
MAX_YEAR = 2100


class HolidayYear(BaseModel):
    """The holiday arrangement of one year (年度节假日安排)."""

    year = models.PositiveSmallIntegerField(
        "年份",
        unique=True,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
        help_text=f"公历年份，{MIN_YEAR}–{MAX_YEAR}。",
    )
    published = models.BooleanField(
        "已发布",
        default=False,
        help_text="已按国务院办公厅通知导入并发布。未发布的年份按法定节假日生成临时日历，结果标注“临时”。",
    )
    source_notice = models.CharField(
        "依据通知",
        max_length=200,
        blank=True,
        help_text="通知标题和文号，例如：国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕×号）。",
    )
    published_at = models.DateTimeField(
        "发布时间", null=True, blank=True, help_text="该年份节假日安排在本平台发布生效的时间。"
    )
    notes = models.TextField("备注", blank=True, help_text="数据来源、核对情况等说明。")

    class Meta:
        verbose_name = "年度节假日安排"
        verbose_name_plural = "年度节假日安排"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} 年"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    MAKEUP_WORKDAY = "makeup_workday", "调休上班"


class CalendarDay(models.Model):
    """A day off (放假, may fall on a weekend) or a weekend day that is worked (调休上班)."""

    year = models.ForeignKey(
        HolidayYear,
        verbose_name="年份",
        on_delete=models.CASCADE,
        related_name="days",
        help_text="该日期所属年度的节假日安排。",
    )
    date = models.DateField("日期", unique=True, help_text="公历日期，必须在所属年份内。")
    kind = models.CharField(
        "类型",
        max_length=20,
        choices=DayKind.choices,
        help_text="放假：不计入工作日；调休上班：周六或周日照常上班，计入工作日。",
    )
    name = models.CharField(
        "节日名称", max_length=100, help_text="例如：春节、国庆节。调休上班日填所调休的节日。"
    )

    class Meta:
        verbose_name = "节假日或调休日"
        verbose_name_plural = "节假日和调休日"
        ordering = ["date"]
        indexes = [models.Index(fields=["year", "kind"], name="calendars_day_year_kind")]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}（{self.get_kind_display()}）"

    def clean(self) -> None:
        # Validation only (the admin's inline forms call it); writes stay in services.
        errors: dict[str, str] = {}
        try:
            year: int | None = self.year.year  # the admin's inline sets an unsaved parent on new years
        except ObjectDoesNotExist:
            year = None
        if self.date and year is not None and self.date.year != year:
            errors["date"] = f"{self.date.isoformat()} 不在 {year} 年内"
        if self.date and self.kind == DayKind.MAKEUP_WORKDAY and self.date.weekday() < 5:
            errors["date"] = f"{self.date.isoformat()} 不是周六或周日，不能设为调休上班日"
        if errors:
            raise ValidationError(errors)


class ChangeKind(models.TextChoices):
    SEED = "seed", "初始数据"
    IMPORT = "import", "导入发布"
    EDIT = "edit", "后台修改"


class CalendarChange(models.Model):
    """Append-only record of a change to the calendar and of the deadlines recomputed because of it."""

    year = models.PositiveSmallIntegerField("年份", help_text="发生变更的年份。")
    kind = models.CharField("变更类型", max_length=20, choices=ChangeKind.choices, help_text="变更的来源。")
    created_at = models.DateTimeField(
        "变更时间", default=timezone.now, db_index=True, help_text="变更生效的时间。"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="执行变更的用户；命令行或数据迁移为空。",
    )
    summary = models.TextField("摘要", help_text="变更内容和重算结果的一句话说明。")
    details = models.JSONField(
        "详情",
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text="新增、删除的日期，以及各业务模块重算期限的逐条记录。",
    )

    class Meta:
        verbose_name = "工作日历变更记录"
        verbose_name_plural = "工作日历变更记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.year} 年：{self.summary}"
