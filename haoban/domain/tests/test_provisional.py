"""Provisional schedules (legal-rules.md §9, 《全国年节及纪念日放假办法》 2024)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar  # type: ignore[import-untyped]

from haoban.domain.provisional import compensatory_rest_days, provisional_schedule, statutory_holidays

from .notice2026 import ALL_HOLIDAYS_2026

D = dt.date


def test_2027_statutory_holidays_exact() -> None:
    assert statutory_holidays(2027) == {
        D(2027, 1, 1): "元旦",
        D(2027, 2, 5): "春节",  # 除夕
        D(2027, 2, 6): "春节",  # 正月初一
        D(2027, 2, 7): "春节",
        D(2027, 2, 8): "春节",  # 初三
        D(2027, 4, 5): "清明节",
        D(2027, 5, 1): "劳动节",
        D(2027, 5, 2): "劳动节",
        D(2027, 6, 9): "端午节",
        D(2027, 9, 15): "中秋节",
        D(2027, 10, 1): "国庆节",
        D(2027, 10, 2): "国庆节",
        D(2027, 10, 3): "国庆节",
    }


def test_2027_provisional_schedule() -> None:
    schedule = provisional_schedule(2027)
    assert schedule.year == 2027
    assert schedule.published is False
    assert schedule.makeup_workdays == frozenset()
    # 补假: 初一 (Sat 6 Feb) and 初二 (Sun 7 Feb) give Tue 9 and Wed 10 Feb; 劳动节 1–2 May (Sat, Sun) give
    # 3–4 May; 国庆 2–3 Oct (Sat, Sun) give 4–5 Oct.
    compensations = {
        D(2027, 2, 9): "春节补假",
        D(2027, 2, 10): "春节补假",
        D(2027, 5, 3): "劳动节补假",
        D(2027, 5, 4): "劳动节补假",
        D(2027, 10, 4): "国庆节补假",
        D(2027, 10, 5): "国庆节补假",
    }
    assert compensatory_rest_days(statutory_holidays(2027)) == compensations
    assert schedule.holidays == frozenset(statutory_holidays(2027)) | frozenset(compensations)
    assert schedule.is_workday(D(2027, 2, 8)) is False  # Monday, 初三
    assert schedule.is_workday(D(2027, 2, 10)) is False  # Wednesday, 补假
    assert schedule.is_workday(D(2027, 2, 11)) is True  # Thursday
    assert schedule.is_workday(D(2027, 2, 13)) is False  # Saturday: no 调休 is guessed


def test_2028_compensation_skips_days_already_off() -> None:
    # 元旦 2028 is a Saturday → Monday 3 Jan; 端午 Sun 28 May → Mon 29 May; 国庆 Sun 1 Oct → the first
    # weekday after 2–3 Oct (already holidays) is Wed 4 Oct.
    assert compensatory_rest_days(statutory_holidays(2028)) == {
        D(2028, 1, 3): "元旦补假",
        D(2028, 5, 29): "端午节补假",
        D(2028, 10, 4): "国庆节补假",
    }


def test_mid_autumn_on_national_day_2028_is_one_day_with_both_names() -> None:
    # 2028: 除夕 25 Jan, 清明 4 Apr, 端午 28 May (2028 has a leap fifth month; 端午 is in the ordinary one),
    # 中秋 3 Oct, the same day as the third day of 国庆.
    holidays = statutory_holidays(2028)
    assert len(holidays) == 12
    assert holidays[D(2028, 10, 3)] == "中秋节、国庆节"
    assert [d for d, name in holidays.items() if name == "春节"] == [
        D(2028, 1, 25),
        D(2028, 1, 26),
        D(2028, 1, 27),
        D(2028, 1, 28),
    ]
    assert holidays[D(2028, 4, 4)] == "清明节"
    assert holidays[D(2028, 5, 28)] == "端午节"


def test_2026_statutory_days_are_inside_the_2026_notice() -> None:
    # The notice gives every statutory day off (plus bridging days): the provisional calendar must never
    # treat a day the notice gives off as a working day, apart from make-up days it cannot guess.
    assert set(statutory_holidays(2026)) <= ALL_HOLIDAYS_2026


def test_2025_statutory_days_are_inside_the_published_2025_holidays() -> None:
    # 2025 is the first year under the 2024 rules (春节 除夕–初三, 劳动节 1–2 May).
    published = {d for d in chinese_calendar.holidays if d.year == 2025}
    assert set(statutory_holidays(2025)) <= published


def test_every_year_keeps_its_days_in_that_year() -> None:
    for year in range(1950, 2101):
        days = statutory_holidays(year)
        assert {d.year for d in days} == {year}
        assert len(days) in (12, 13)
