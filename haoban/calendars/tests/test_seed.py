"""The migration seeds 2004–2026 from chinese_calendar; the 2026 data matches the notice exactly."""

from __future__ import annotations

import datetime as dt

import chinese_calendar  # type: ignore[import-untyped]
import pytest

from haoban.calendars.models import CalendarChange, CalendarDay, ChangeKind, DayKind, HolidayYear
from haoban.calendars.selectors import get_work_calendar
from haoban.calendars.services import calendar_seed_from_package
from haoban.domain.tests.notice2026 import HOLIDAYS_2026, MAKEUP_WORKDAYS_2026

from .conftest import counts

pytestmark = pytest.mark.django_db


def test_fresh_database_has_2004_to_2026_published() -> None:
    years = list(HolidayYear.objects.order_by("year").values_list("year", "published"))
    assert years == [(y, True) for y in range(2004, 2027)]
    assert CalendarChange.objects.filter(kind=ChangeKind.SEED).count() == 23
    assert HolidayYear.objects.get(year=2026).source_notice == "国务院办公厅关于2026年部分节假日安排的通知"


def test_2026_days_are_exactly_the_notice() -> None:
    # given: the notice typed in literally (haoban/domain/tests/notice2026.py), not from the package
    expected_holidays = {day: name for name, days in HOLIDAYS_2026.items() for day in days}
    # when
    days = CalendarDay.objects.filter(year__year=2026)
    # then
    assert {d.date: d.name for d in days if d.kind == DayKind.HOLIDAY} == expected_holidays
    assert {d.date: d.name for d in days if d.kind == DayKind.MAKEUP_WORKDAY} == MAKEUP_WORKDAYS_2026


def test_every_seeded_year_has_the_package_day_counts() -> None:
    for year in range(2004, 2027):
        stored = CalendarDay.objects.filter(year__year=year)
        assert stored.filter(kind=DayKind.HOLIDAY).count() == sum(
            1 for d in chinese_calendar.holidays if d.year == year
        )
        assert stored.filter(kind=DayKind.MAKEUP_WORKDAY).count() == sum(
            1 for d in chinese_calendar.workdays if d.year == year
        )


def test_calendar_agrees_with_the_package_on_every_day_2004_to_2026() -> None:
    calendar = get_work_calendar(today=dt.date(2026, 6, 1))
    day = dt.date(2004, 1, 1)
    disagreements = []
    while day.year <= 2026:
        if calendar.is_workday(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += dt.timedelta(days=1)
    assert disagreements == []


def test_2015_victory_day_has_its_chinese_name() -> None:
    day = CalendarDay.objects.get(date=dt.date(2015, 9, 3))
    assert (day.kind, day.name) == (DayKind.HOLIDAY, "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日")


def test_seed_service_is_idempotent() -> None:
    before = counts()
    assert calendar_seed_from_package() == []
    assert counts() == before


def test_seed_service_restores_a_missing_year(recomputer: object) -> None:
    # given
    HolidayYear.objects.filter(year=2010).delete()
    # when
    created = calendar_seed_from_package()
    # then
    assert created == [2010]
    assert CalendarDay.objects.filter(year__year=2010).count() == 29 + 8
    change = CalendarChange.objects.filter(year=2010, kind=ChangeKind.SEED).latest("id")
    assert change.summary.startswith(
        "2010 年节假日安排初始数据（临时日历 → 已发布）：放假 29 天，调休上班 8 天；"
    )
    assert change.details["was_published"] is False
    assert change.details["recomputed"][0]["year"] == 2010
