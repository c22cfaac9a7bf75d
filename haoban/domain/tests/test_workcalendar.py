"""WorkCalendar against the 2026 State Council notice (legal-rules.md §9), with hand-computed answers.

Weekdays of 2026 used below: 1 Jan is a Thursday; 14 Feb a Saturday; 30 Sep a Wednesday; 1 Oct a
Thursday; 25 Dec a Friday; 1 Jan 2027 a Friday.
"""

from __future__ import annotations

import datetime as dt

import pytest

from haoban.domain.provisional import provisional_schedule
from haoban.domain.workcalendar import CalendarError, Counted, Dated, WorkCalendar, YearSchedule

from .notice2026 import (
    ALL_HOLIDAYS_2026,
    HOLIDAYS_2026,
    MAKEUP_WORKDAYS_2026,
    SCHEDULE_2026,
    calendar_2026_only,
    span,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "name"), [(day, name) for name, days in HOLIDAYS_2026.items() for day in days], ids=str
)
def test_every_holiday_of_the_2026_notice_is_a_rest_day(cal: WorkCalendar, day: dt.date, name: str) -> None:
    assert cal.is_workday(day) is False


@pytest.mark.parametrize("day", sorted(MAKEUP_WORKDAYS_2026), ids=str)
def test_every_makeup_day_of_the_2026_notice_is_a_working_day(cal: WorkCalendar, day: dt.date) -> None:
    # given: every make-up day falls on a weekend
    assert day.weekday() >= 5
    # then
    assert cal.is_workday(day) is True


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 1, 5), True),  # Monday after 元旦
        (D(2026, 1, 10), False),  # ordinary Saturday
        (D(2026, 1, 11), False),  # ordinary Sunday
        (D(2026, 2, 13), True),  # Friday before 春节
        (D(2026, 2, 24), True),  # first working day after 春节
        (D(2026, 3, 1), False),  # Sunday after the make-up Saturday 28 Feb
        (D(2026, 9, 30), True),  # Wednesday before 国庆
        (D(2026, 10, 8), True),  # Thursday after 国庆
        (D(2026, 10, 11), False),  # Sunday after the make-up Saturday 10 Oct
        (D(2026, 12, 31), True),
    ],
)
def test_ordinary_days(cal: WorkCalendar, day: dt.date, expected: bool) -> None:
    assert cal.is_workday(day) is expected


def test_2026_has_248_working_days(cal: WorkCalendar) -> None:
    # 2026 has 261 weekdays (52 weeks + Thursday 1 Jan). Holidays on weekdays: 元旦 2 (1–2 Jan),
    # 春节 6 (16–20, 23 Feb), 清明 1 (6 Apr), 劳动节 3 (1, 4, 5 May), 端午 1 (19 Jun), 中秋 1 (25 Sep),
    # 国庆 5 (1, 2, 5, 6, 7 Oct) = 19. Make-up days: 6. 261 − 19 + 6 = 248.
    # 1 Jan is a holiday, so (1 Jan, 31 Dec] holds every working day of the year.
    assert cal.workdays_between(D(2026, 1, 1), D(2026, 12, 31)) == Counted(248, False)
    assert len(ALL_HOLIDAYS_2026) == 33


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # 春节: 13 Feb (Fri) → 14 Feb (Sat, make-up) is the 1st; 15–23 Feb are off; 24 Feb (Tue) is the 2nd.
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 13), 2, D(2026, 2, 24)),
        # 24, 25, 26, 27 Feb are the 2nd–5th, 28 Feb (Sat, make-up) the 6th, 2 Mar (Mon) the 7th.
        (D(2026, 2, 13), 6, D(2026, 2, 28)),
        (D(2026, 2, 13), 7, D(2026, 3, 2)),
        # From Thu 12 Feb: 13 (1), 14 (2), 24 (3), 25 (4), 26 (5), 27 (6), 28 (7), 2 Mar (8), 3 (9), 4 (10).
        (D(2026, 2, 12), 10, D(2026, 3, 4)),
        # A 20-day legal limit from Mon 9 Feb: 10–14 Feb are 1–5, 24–28 Feb are 6–10, 2–6 Mar are 11–15,
        # 9–13 Mar are 16–20 → Fri 13 Mar.
        (D(2026, 2, 9), 20, D(2026, 3, 13)),
        # Starting on a holiday: from 15 Feb (Sun, 春节) the 1st working day is 24 Feb.
        (D(2026, 2, 15), 1, D(2026, 2, 24)),
        # 国庆: from Wed 30 Sep, 1–7 Oct are off, Thu 8 Oct is the 1st, Fri 9 the 2nd, Sat 10 (make-up)
        # the 3rd, Sun 11 is off, Mon 12 the 4th.
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 9, 30), 3, D(2026, 10, 10)),
        (D(2026, 9, 30), 4, D(2026, 10, 12)),
        # 中秋 + 国庆: from Thu 24 Sep, 25–27 Sep are off → Mon 28 (1), 29 (2), 30 (3), 8 Oct (4).
        (D(2026, 9, 24), 1, D(2026, 9, 28)),
        (D(2026, 9, 24), 4, D(2026, 10, 8)),
        # 20 days from Fri 18 Sep: Sun 20 Sep (make-up) 1, 21–24 Sep 2–5, 28–30 Sep 6–8, 8–10 Oct 9–11,
        # 12–16 Oct 12–16, 19–22 Oct 17–20 → Thu 22 Oct.
        (D(2026, 9, 18), 20, D(2026, 10, 22)),
        # Backwards: the working day before 8 Oct, or before a day inside 国庆, is 30 Sep.
        (D(2026, 10, 8), -1, D(2026, 9, 30)),
        (D(2026, 10, 4), -1, D(2026, 9, 30)),
        (D(2026, 2, 24), -1, D(2026, 2, 14)),
        (D(2026, 2, 24), -2, D(2026, 2, 13)),
        # n = 0 is the start day itself, working day or not.
        (D(2026, 10, 3), 0, D(2026, 10, 3)),
    ],
)
def test_add_workdays(cal: WorkCalendar, start: dt.date, n: int, expected: dt.date) -> None:
    assert cal.add_workdays(start, n) == Dated(expected, False)


def test_add_workdays_into_a_provisional_year_is_flagged(cal: WorkCalendar) -> None:
    # Fri 25 Dec 2026: 28, 29, 30, 31 Dec are 1–4; 1 Jan 2027 (Fri, 元旦) is off in the provisional
    # calendar; 4–8 Jan are 5–9, Mon 11 Jan is the 10th.
    assert cal.add_workdays(D(2026, 12, 25), 10) == Dated(D(2027, 1, 11), True)
    assert cal.add_workdays(D(2026, 12, 25), 4) == Dated(D(2026, 12, 31), False)
    assert cal.add_workdays(D(2027, 1, 11), -10) == Dated(D(2026, 12, 25), True)
    assert cal.add_workdays(D(2027, 1, 1), 0) == Dated(D(2027, 1, 1), True)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (D(2026, 9, 30), D(2026, 10, 8), 1),
        (D(2026, 10, 8), D(2026, 9, 30), -1),
        (D(2026, 10, 1), D(2026, 10, 7), 0),
        (D(2026, 10, 8), D(2026, 10, 8), 0),
        (D(2026, 2, 13), D(2026, 2, 24), 2),  # 14 Feb (make-up) and 24 Feb
        # February: 20 weekdays, minus 6 春节 weekdays (16–20, 23), plus 2 make-up Saturdays (14, 28) = 16.
        (D(2026, 1, 31), D(2026, 2, 28), 16),
        # (30 Sep, 31 Oct]: 8, 9, 10 Oct, then 12–16, 19–23, 26–30 Oct = 3 + 15 = 18.
        (D(2026, 9, 30), D(2026, 10, 31), 18),
        # A Friday to the next Monday: 1.
        (D(2026, 3, 6), D(2026, 3, 9), 1),
    ],
)
def test_workdays_between(cal: WorkCalendar, a: dt.date, b: dt.date, expected: int) -> None:
    assert cal.workdays_between(a, b) == Counted(expected, False)


def test_workdays_between_through_a_provisional_year_is_flagged(cal: WorkCalendar) -> None:
    # (25 Dec 2026, 11 Jan 2027]: 28–31 Dec (4) + 4–8 Jan (5) + 11 Jan (1) = 10.
    assert cal.workdays_between(D(2026, 12, 25), D(2027, 1, 11)) == Counted(10, True)
    assert cal.workdays_between(D(2027, 1, 11), D(2026, 12, 25)) == Counted(-10, True)


def test_next_workday(cal: WorkCalendar) -> None:
    assert cal.next_workday(D(2026, 10, 1)) == D(2026, 10, 8)
    assert cal.next_workday(D(2026, 10, 8)) == D(2026, 10, 8)
    assert cal.next_workday(D(2026, 10, 10)) == D(2026, 10, 10)  # make-up Saturday


def test_coverage_and_provisional_years(cal: WorkCalendar) -> None:
    assert (cal.first_year, cal.last_year) == (2026, 2027)
    assert cal.covers(D(2026, 1, 1)) and cal.covers(D(2027, 12, 31))
    assert not cal.covers(D(2025, 12, 31)) and not cal.covers(D(2028, 1, 1))
    assert cal.provisional_years == frozenset({2027})
    assert cal.is_provisional_year(2027) and not cal.is_provisional_year(2026)
    assert cal.schedule(2026) is SCHEDULE_2026
    assert cal.touches_provisional(D(2026, 1, 1), D(2026, 12, 31)) is False
    assert cal.touches_provisional(D(2027, 1, 1), D(2026, 1, 1)) is True


OUT_OF_RANGE = "计算结果超出工作日历范围（2026–2027 年），请先导入相应年份的节假日安排"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: c.is_workday(D(2025, 12, 31)),
            "2025 年不在工作日历范围内（2026–2027 年），请先导入该年份的节假日安排",
        ),
        (
            lambda c: c.add_workdays(D(2028, 1, 3), 1),
            "2028 年不在工作日历范围内（2026–2027 年），请先导入该年份的节假日安排",
        ),
        (
            lambda c: c.workdays_between(D(2026, 1, 5), D(2028, 1, 3)),
            "2028 年不在工作日历范围内（2026–2027 年），请先导入该年份的节假日安排",
        ),
        (lambda c: c.schedule(2030), "2030 年不在工作日历范围内（2026–2027 年），请先导入该年份的节假日安排"),
        (lambda c: c.add_workdays(D(2027, 12, 31), 1), OUT_OF_RANGE),
        (lambda c: c.add_workdays(D(2027, 12, 1), 40), OUT_OF_RANGE),
        # 1–3 Jan are holidays; Sun 4 Jan (make-up) is the first working day of the range.
        (lambda c: c.add_workdays(D(2026, 1, 5), -2), OUT_OF_RANGE),
    ],
)
def test_out_of_range_is_refused_in_chinese(cal: WorkCalendar, call: object, message: str) -> None:
    with pytest.raises(CalendarError) as excinfo:
        call(cal)  # type: ignore[operator]
    assert str(excinfo.value) == message


def test_first_working_day_of_the_range_is_reachable_backwards(cal: WorkCalendar) -> None:
    assert cal.add_workdays(D(2026, 1, 5), -1) == Dated(D(2026, 1, 4), False)
    assert cal.add_workdays(D(2026, 1, 1), 1) == Dated(D(2026, 1, 4), False)


def test_calendar_of_one_published_year() -> None:
    cal = calendar_2026_only()
    assert cal.provisional_years == frozenset()
    assert cal.add_workdays(D(2026, 12, 25), 4) == Dated(D(2026, 12, 31), False)
    with pytest.raises(CalendarError):
        cal.add_workdays(D(2026, 12, 25), 5)


@pytest.mark.parametrize(
    ("schedules", "message"),
    [
        ([], "工作日历中没有任何年份的数据"),
        ([SCHEDULE_2026, SCHEDULE_2026], "2026 年的节假日安排重复"),
        ([SCHEDULE_2026, provisional_schedule(2028)], "工作日历缺少 2027 年的数据"),
    ],
)
def test_calendar_construction_errors(schedules: list[YearSchedule], message: str) -> None:
    with pytest.raises(CalendarError) as excinfo:
        WorkCalendar(schedules)
    assert str(excinfo.value) == message


def test_year_schedule_rejects_a_day_of_another_year() -> None:
    with pytest.raises(CalendarError) as excinfo:
        YearSchedule(year=2026, holidays=frozenset({D(2025, 12, 31), D(2026, 1, 1), D(2027, 1, 1)}))
    assert str(excinfo.value) == "2026 年的节假日安排中出现了其他年份的日期：2025-12-31"


def test_year_schedule_rejects_a_day_both_off_and_working() -> None:
    days = frozenset(span(D(2026, 10, 3), D(2026, 10, 5)))
    with pytest.raises(CalendarError) as excinfo:
        YearSchedule(year=2026, holidays=days, makeup_workdays=days)
    assert str(excinfo.value) == "2026-10-03 不能同时是放假日和调休上班日"


def test_year_schedule_is_workday() -> None:
    assert SCHEDULE_2026.is_workday(D(2026, 10, 10)) is True  # make-up Saturday
    assert SCHEDULE_2026.is_workday(D(2026, 10, 5)) is False  # Monday in 国庆
    assert SCHEDULE_2026.is_workday(D(2026, 10, 12)) is True  # ordinary Monday
    assert SCHEDULE_2026.is_workday(D(2026, 10, 11)) is False  # ordinary Sunday
