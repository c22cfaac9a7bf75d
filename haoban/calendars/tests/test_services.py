"""calendar_import_year: publish a year, record what changed, recompute dependent deadlines; refuse bad
input with Chinese messages keyed by field and write nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.calendars import selectors
from haoban.calendars.models import CalendarChange, CalendarDay, ChangeKind, DayKind, HolidayYear
from haoban.calendars.services import (
    calendar_import_year,
    calendar_year_edited,
    register_deadline_recomputer,
    unregister_deadline_recomputer,
)

from .conftest import FakeRecomputer, counts, example_2027_days

pytestmark = pytest.mark.django_db

D = dt.date
NOTICE = "国务院办公厅关于2027年部分节假日安排的通知（测试）"


def _import_example(**overrides: Any) -> HolidayYear:
    kwargs: dict[str, Any] = {
        "year": 2027,
        "holidays": example_2027_days("holidays"),
        "makeup_workdays": example_2027_days("makeup_workdays"),
        "source_notice": NOTICE,
    }
    kwargs.update(overrides)
    return calendar_import_year(**kwargs)


def test_import_publishes_the_year_and_records_the_change(recomputer: FakeRecomputer) -> None:
    # given: 2027 is provisional
    assert selectors.get_work_calendar().is_provisional_year(2027)
    # when
    row = _import_example(notes="  核对无误  ")
    # then
    assert (row.year, row.published, row.source_notice, row.notes) == (2027, True, NOTICE, "核对无误")
    assert row.published_at is not None
    days = CalendarDay.objects.filter(year=row)
    assert days.filter(kind=DayKind.HOLIDAY).count() == 28
    assert sorted(days.filter(kind=DayKind.MAKEUP_WORKDAY).values_list("date", flat=True)) == [
        D(2027, 1, 31),
        D(2027, 2, 20),
        D(2027, 4, 25),
        D(2027, 5, 8),
        D(2027, 9, 26),
        D(2027, 10, 9),
    ]
    change = CalendarChange.objects.get(kind=ChangeKind.IMPORT)
    # The provisional 2027 had the 13 statutory days, all inside the example's 28: 15 added, none removed.
    assert change.year == 2027
    assert change.summary == (
        "2027 年节假日安排导入发布（临时日历 → 已发布）：放假 28 天，调休上班 6 天；"
        "新增放假 15 天，取消放假 0 天，新增调休上班 6 天，取消调休上班 0 天；重算期限 1 条。"
    )
    assert change.details["was_published"] is False
    assert change.details["published"] is True
    assert change.details["holidays_removed"] == []
    assert change.details["holidays_added"][:3] == ["2027-01-02", "2027-01-03", "2027-02-09"]
    assert change.details["makeup_workdays_added"] == [
        "2027-01-31",
        "2027-02-20",
        "2027-04-25",
        "2027-05-08",
        "2027-09-26",
        "2027-10-09",
    ]
    # and the recomputer ran once, inside the import, already seeing 2027 as published
    assert recomputer.calls == [2027]
    assert change.details["recomputed"] == [
        {"deadline": "TEST-1", "year": 2027, "due": "2027-01-11", "provisional": False}
    ]
    calendar = selectors.get_work_calendar()
    assert not calendar.is_provisional_year(2027)
    assert calendar.is_workday(D(2027, 1, 31)) is True  # make-up Sunday
    assert calendar.is_workday(D(2027, 2, 9)) is False  # off in the example, a Tuesday


def test_reimport_replaces_the_days_and_records_the_difference(recomputer: FakeRecomputer) -> None:
    # given
    _import_example()
    # when: 春节 shortened by one day (12 Feb) and one make-up day dropped (20 Feb)
    holidays = [(d, n) for d, n in example_2027_days("holidays") if d != D(2027, 2, 12)]
    makeups = [(d, n) for d, n in example_2027_days("makeup_workdays") if d != D(2027, 2, 20)]
    _import_example(holidays=holidays, makeup_workdays=makeups)
    # then
    assert CalendarDay.objects.filter(year__year=2027).count() == 27 + 5
    change = CalendarChange.objects.filter(kind=ChangeKind.IMPORT).latest("id")
    assert change.details["was_published"] is True
    assert change.details["holidays_removed"] == ["2027-02-12"]
    assert change.details["makeup_workdays_removed"] == ["2027-02-20"]
    assert change.details["holidays_added"] == []
    assert change.summary.startswith(
        "2027 年节假日安排导入发布（已发布 → 已发布）：放假 27 天，调休上班 5 天；"
    )
    assert recomputer.calls == [2027, 2027]


def test_import_of_an_already_seeded_year() -> None:
    # given: 2026 from the seed; when: imported again without the 10 Oct make-up day
    from haoban.domain.tests.notice2026 import ALL_HOLIDAYS_2026, MAKEUP_WORKDAYS_2026

    holidays = [(d, "节日") for d in sorted(ALL_HOLIDAYS_2026)]
    makeups = [(d, n) for d, n in sorted(MAKEUP_WORKDAYS_2026.items()) if d != D(2026, 10, 10)]
    calendar_import_year(year=2026, holidays=holidays, makeup_workdays=makeups, source_notice="通知")
    # then
    assert selectors.get_work_calendar().is_workday(D(2026, 10, 10)) is False
    assert HolidayYear.objects.count() == 23
    assert CalendarDay.objects.get(date=D(2026, 2, 16)).name == "节日"


def _bad(**overrides: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as excinfo:
        _import_example(**overrides)
    return excinfo.value.message_dict


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"year": 2003}, {"year": ["年份应为 2004–2100 之间的整数，实际为“2003”"]}),
        ({"year": 2101}, {"year": ["年份应为 2004–2100 之间的整数，实际为“2101”"]}),
        ({"year": "2027"}, {"year": ["年份应为 2004–2100 之间的整数，实际为“2027”"]}),
        (
            {"source_notice": "  "},
            {"source_notice": ["依据通知不能为空：请填写国务院办公厅通知的标题和文号"]},
        ),
        ({"source_notice": "通" * 201}, {"source_notice": ["依据通知不能超过 200 个字符"]}),
        ({"holidays": []}, {"holidays": ["放假日期不能为空"]}),
        ({"holidays": [(D(2026, 12, 31), "元旦")]}, {"holidays[0].date": ["2026-12-31 不在 2027 年内"]}),
        (
            {"holidays": [(D(2027, 1, 1), "元旦"), (D(2027, 1, 1), "元旦")]},
            {"holidays[1].date": ["2027-01-01 重复出现（与 holidays[0] 相同）"]},
        ),
        (
            {
                "holidays": [(D(2027, 1, 1), "元旦")],
                "makeup_workdays": [(D(2027, 1, 2), "调休"), (D(2027, 1, 2), "调休")],
            },
            {"makeup_workdays[1].date": ["2027-01-02 重复出现（与 makeup_workdays[0] 相同）"]},
        ),
        (
            {"holidays": [(D(2027, 1, 2), "元旦")], "makeup_workdays": [(D(2027, 1, 2), "调休")]},
            {"makeup_workdays[0].date": ["2027-01-02 同时出现在放假日期和调休上班日期中（见 holidays[0]）"]},
        ),
        (
            {"holidays": [(D(2027, 1, 1), "元旦")], "makeup_workdays": [(D(2027, 1, 4), "调休")]},
            {"makeup_workdays[0].date": ["2027-01-04 是星期一，调休上班日只能是周六或周日"]},
        ),
        ({"holidays": [(D(2027, 1, 1), " ")]}, {"holidays[0].name": ["名称不能为空"]}),
        ({"holidays": [(D(2027, 1, 1), "节" * 101)]}, {"holidays[0].name": ["名称不能超过 100 个字符"]}),
        ({"holidays": [("2027-01-01", "元旦")]}, {"holidays[0].date": ["“2027-01-01”不是有效的日期"]}),
        (
            {"holidays": [(dt.datetime(2027, 1, 1, tzinfo=dt.UTC), "元旦")]},
            {"holidays[0].date": ["“2027-01-01 00:00:00+00:00”不是有效的日期"]},
        ),
        (
            # several problems are reported together
            {
                "source_notice": "",
                "holidays": [(D(2028, 1, 1), "元旦"), (D(2027, 2, 5), "")],
                "makeup_workdays": [(D(2027, 2, 5), "春节调休")],
            },
            {
                "source_notice": ["依据通知不能为空：请填写国务院办公厅通知的标题和文号"],
                "holidays[0].date": ["2028-01-01 不在 2027 年内"],
                "holidays[1].name": ["名称不能为空"],
                "makeup_workdays[0].date": [
                    "2027-02-05 同时出现在放假日期和调休上班日期中（见 holidays[1]）",
                    "2027-02-05 是星期五，调休上班日只能是周六或周日",
                ],
            },
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    recomputer: FakeRecomputer, overrides: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    # given
    before = counts()
    # when
    message_dict = _bad(**overrides)
    # then
    assert message_dict == errors
    assert counts() == before
    assert recomputer.calls == []
    assert selectors.get_work_calendar().is_provisional_year(2027)


def test_a_failing_recomputer_rolls_the_import_back(recomputer: FakeRecomputer) -> None:
    # given
    recomputer.fail = True
    before = counts()
    # when
    with pytest.raises(RuntimeError):
        _import_example()
    # then
    assert counts() == before
    assert recomputer.calls == [2027]
    assert not HolidayYear.objects.filter(year=2027).exists()
    assert selectors.get_work_calendar().is_provisional_year(2027)


def test_registering_twice_calls_once() -> None:
    fn = FakeRecomputer()
    register_deadline_recomputer(fn)
    register_deadline_recomputer(fn)
    try:
        _import_example()
    finally:
        unregister_deadline_recomputer(fn)
        unregister_deadline_recomputer(fn)  # a second unregister is harmless
    assert fn.calls == [2027]
    _import_example()
    assert fn.calls == [2027]


def test_year_edited_records_the_difference(recomputer: FakeRecomputer) -> None:
    # given: the admin has added a make-up day to 2026 (its forms validated it)
    year = HolidayYear.objects.get(year=2026)
    before = selectors.year_snapshot(2026)
    CalendarDay.objects.create(year=year, date=D(2026, 12, 26), kind=DayKind.MAKEUP_WORKDAY, name="测试调休")
    # when
    change = calendar_year_edited(year=year, before=before)
    # then
    assert change.kind == ChangeKind.EDIT
    assert change.details["makeup_workdays_added"] == ["2026-12-26"]
    assert change.summary == (
        "2026 年节假日安排后台修改（已发布 → 已发布）：放假 33 天，调休上班 7 天；"
        "新增放假 0 天，取消放假 0 天，新增调休上班 1 天，取消调休上班 0 天；重算期限 1 条。"
    )
    assert selectors.get_work_calendar().is_workday(D(2026, 12, 26)) is True


def test_year_edited_sets_published_at_when_published_in_the_admin() -> None:
    # given: a year created unpublished, then ticked 已发布
    year = HolidayYear.objects.create(year=2027, source_notice="通知")
    before = selectors.year_snapshot(2027)
    year.published = True
    year.save()
    # when
    calendar_year_edited(year=year, before=before)
    # then
    year.refresh_from_db()
    assert year.published_at is not None
    # 2027 has no days stored: published, it is weekends only (no 元旦 either)
    assert selectors.get_work_calendar().is_workday(D(2027, 1, 1)) is True
