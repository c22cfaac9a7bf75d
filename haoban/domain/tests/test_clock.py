"""The legal clock (legal-rules.md §1, §8) on the 2026 notice calendar, with hand-computed dates.

June 2026 is used for most cases: 1 Jun is a Monday and 端午 is 19–21 Jun (Fri–Sun). A 20-working-day
limit from Mon 1 Jun: 2–5 Jun are 1–4, 8–12 Jun 5–9, 15–18 Jun 10–13, 22–26 Jun 14–18, 29 Jun 19,
Tue 30 Jun 20 → due 30 Jun.
"""

from __future__ import annotations

import datetime as dt

import pytest

from haoban.domain.clock import (
    ClockState,
    Light,
    Suspension,
    TimeLimit,
    TimeUnit,
    compute_clock,
    due_date,
    light_for,
)
from haoban.domain.workcalendar import CalendarError, WorkCalendar

D = dt.date
JUN_1 = D(2026, 6, 1)
TWENTY = TimeLimit(20)


def test_plain_legal_and_promised_due_dates(cal: WorkCalendar) -> None:
    # Promised 15: 2–5 Jun (4), 8–12 (9), 15–18 (13), 22 (14), 23 Jun (15).
    state = compute_clock(cal, start=JUN_1, legal_limit=TWENTY, promised_limit=TimeLimit(15), today=JUN_1)
    assert state == ClockState(
        legal_due_date=D(2026, 6, 30),
        promised_due_date=D(2026, 6, 23),
        remaining_workdays=20,
        light=Light.GREEN,
        clock_paused=False,
        provisional=False,
    )


def test_without_a_promised_limit_there_is_no_promised_date(cal: WorkCalendar) -> None:
    state = compute_clock(cal, start=JUN_1, legal_limit=TWENTY, today=JUN_1)
    assert state.promised_due_date is None


@pytest.mark.parametrize(
    ("today", "remaining", "light"),
    [
        # limit 20: yellow when remaining ≤ max(1, ⌈0.2 × 20⌉) = 4.
        (D(2026, 6, 1), 20, Light.GREEN),
        (D(2026, 6, 23), 5, Light.GREEN),  # (23 Jun, 30 Jun] = 24, 25, 26, 29, 30
        (D(2026, 6, 24), 4, Light.YELLOW),
        (D(2026, 6, 27), 2, Light.YELLOW),  # Saturday: 29, 30 remain
        (D(2026, 6, 30), 0, Light.YELLOW),  # due today
        (D(2026, 7, 1), -1, Light.RED),
        (D(2026, 7, 6), -4, Light.RED),  # 1, 2, 3, 6 Jul
    ],
)
def test_light_thresholds_limit_20(cal: WorkCalendar, today: dt.date, remaining: int, light: Light) -> None:
    state = compute_clock(cal, start=JUN_1, legal_limit=TWENTY, today=today)
    assert (state.legal_due_date, state.remaining_workdays, state.light) == (D(2026, 6, 30), remaining, light)


@pytest.mark.parametrize(
    ("today", "remaining", "light"),
    [
        # limit 4 from Mon 1 Jun: due Fri 5 Jun; threshold max(1, ⌈0.8⌉) = 1.
        (D(2026, 6, 3), 2, Light.GREEN),
        (D(2026, 6, 4), 1, Light.YELLOW),
        (D(2026, 6, 5), 0, Light.YELLOW),
        # The weekend right after a Friday due date: no working day has passed, but it is overdue.
        (D(2026, 6, 6), 0, Light.RED),
        (D(2026, 6, 7), 0, Light.RED),
        (D(2026, 6, 8), -1, Light.RED),
    ],
)
def test_light_after_a_friday_due_date(
    cal: WorkCalendar, today: dt.date, remaining: int, light: Light
) -> None:
    state = compute_clock(cal, start=JUN_1, legal_limit=TimeLimit(4), today=today)
    assert (state.legal_due_date, state.remaining_workdays, state.light) == (D(2026, 6, 5), remaining, light)


def test_red_on_the_holiday_right_after_the_due_date(cal: WorkCalendar) -> None:
    # limit 13 from 1 Jun: due Thu 18 Jun; Fri 19 Jun is 端午.
    state = compute_clock(cal, start=JUN_1, legal_limit=TimeLimit(13), today=D(2026, 6, 19))
    assert (state.legal_due_date, state.remaining_workdays, state.light) == (D(2026, 6, 18), 0, Light.RED)


@pytest.mark.parametrize(
    ("remaining", "amount", "ratio", "overdue", "light"),
    [
        (2, 10, 0.2, False, Light.YELLOW),  # ⌈2⌉ = 2
        (3, 10, 0.2, False, Light.GREEN),
        (1, 3, 0.2, False, Light.YELLOW),  # max(1, ⌈0.6⌉) = 1
        (2, 3, 0.2, False, Light.GREEN),
        (1, 0, 0.2, False, Light.YELLOW),  # max(1, 0) = 1
        (9, 45, 0.2, False, Light.YELLOW),  # 联合办理 45 days: ⌈9⌉ = 9
        (10, 45, 0.2, False, Light.GREEN),
        (12, 60, 0.2, False, Light.YELLOW),  # 45 + 15 extended: ⌈12⌉ = 12
        (13, 60, 0.2, False, Light.GREEN),
        # Configurable ratio; in floats 0.14 × 50 = 7.000000000000001, the threshold must still be 7.
        (7, 50, 0.14, False, Light.YELLOW),
        (8, 50, 0.14, False, Light.GREEN),
        (-1, 20, 0.2, False, Light.RED),
        (15, 20, 0.2, True, Light.RED),
    ],
)
def test_light_for(remaining: int, amount: int, ratio: float, overdue: bool, light: Light) -> None:
    assert light_for(remaining, TimeLimit(amount), overdue=overdue, yellow_ratio=ratio) is light


def test_yellow_threshold_counts_extensions(cal: WorkCalendar) -> None:
    # 20 + 10: due 14 Jul (30 Jun + 1, 2, 3, 6, 7, 8, 9, 10, 13, 14 Jul); threshold ⌈0.2 × 30⌉ = 6.
    # (3 Jul, 14 Jul] = 6, 7, 8, 9, 10, 13, 14 = 7 → green; (6 Jul, 14 Jul] = 6 → yellow.
    green = compute_clock(cal, start=JUN_1, legal_limit=TWENTY, extensions=[10], today=D(2026, 7, 3))
    yellow = compute_clock(cal, start=JUN_1, legal_limit=TWENTY, extensions=[10], today=D(2026, 7, 6))
    assert (green.remaining_workdays, green.light) == (7, Light.GREEN)
    assert (yellow.remaining_workdays, yellow.light) == (6, Light.YELLOW)


def test_extension_moves_only_the_legal_date(cal: WorkCalendar) -> None:
    state = compute_clock(
        cal, start=JUN_1, legal_limit=TWENTY, promised_limit=TimeLimit(15), extensions=[10], today=JUN_1
    )
    assert (state.legal_due_date, state.promised_due_date) == (D(2026, 7, 14), D(2026, 6, 23))


def test_open_suspension_keeps_remaining_constant_while_today_advances(cal: WorkCalendar) -> None:
    # given: suspended on Wed 10 Jun, not resumed; (10 Jun, 30 Jun] = 11, 12, 15–18, 22–26, 29, 30 = 13
    suspensions = [Suspension(D(2026, 6, 10))]
    seen = set()
    # when: today runs over working days, weekends, 端午 and into August
    for offset in range(0, 83):
        today = D(2026, 6, 10) + dt.timedelta(days=offset)
        state = compute_clock(cal, start=JUN_1, legal_limit=TWENTY, suspensions=suspensions, today=today)
        # then
        assert (state.remaining_workdays, state.light, state.clock_paused) == (13, Light.GREEN, True)
        seen.add(state.legal_due_date)
    # and the projected due date kept moving (it assumes the case resumes today)
    assert len(seen) > 40


def test_open_suspension_starting_after_today_excludes_nothing_yet(cal: WorkCalendar) -> None:
    state = compute_clock(
        cal, start=JUN_1, legal_limit=TWENTY, suspensions=[Suspension(D(2026, 6, 10))], today=D(2026, 6, 9)
    )
    assert (state.legal_due_date, state.remaining_workdays, state.clock_paused) == (D(2026, 6, 30), 14, True)


def test_resumed_suspension_moves_both_dates(cal: WorkCalendar) -> None:
    # (10 Jun, 15 Jun] = 11, 12, 15 → 3 working days: 30 Jun → 3 Jul; 23 Jun → 26 Jun.
    state = compute_clock(
        cal,
        start=JUN_1,
        legal_limit=TWENTY,
        promised_limit=TimeLimit(15),
        suspensions=[Suspension(D(2026, 6, 10), D(2026, 6, 15))],
        today=D(2026, 6, 16),
    )
    # (16 Jun, 3 Jul] = 17, 18, 22–26, 29, 30, 1–3 Jul = 12
    assert (state.legal_due_date, state.promised_due_date) == (D(2026, 7, 3), D(2026, 6, 26))
    assert (state.remaining_workdays, state.clock_paused) == (12, False)


@pytest.mark.parametrize(
    ("suspensions", "due"),
    [
        # (2 Jun, 4 Jun] = 3, 4 → 2; (8 Jun, 9 Jun] = 9 → 1; 3 in all: 30 Jun → 3 Jul.
        ([Suspension(D(2026, 6, 2), D(2026, 6, 4)), Suspension(D(2026, 6, 8), D(2026, 6, 9))], D(2026, 7, 3)),
        # Given out of order: the same.
        ([Suspension(D(2026, 6, 8), D(2026, 6, 9)), Suspension(D(2026, 6, 2), D(2026, 6, 4))], D(2026, 7, 3)),
        # Adjacent periods (the second starts the day the first ends) do not overlap: 2 + 1.
        ([Suspension(D(2026, 6, 2), D(2026, 6, 4)), Suspension(D(2026, 6, 4), D(2026, 6, 5))], D(2026, 7, 3)),
        # Over 端午: (18 Jun, 22 Jun] holds only 22 Jun → 1: 30 Jun → 1 Jul.
        ([Suspension(D(2026, 6, 18), D(2026, 6, 22))], D(2026, 7, 1)),
        # Suspended and resumed the same day: nothing excluded.
        ([Suspension(D(2026, 6, 18), D(2026, 6, 18))], D(2026, 6, 30)),
    ],
)
def test_several_suspensions_add_up(cal: WorkCalendar, suspensions: list[Suspension], due: dt.date) -> None:
    state = compute_clock(cal, start=JUN_1, legal_limit=TWENTY, suspensions=suspensions, today=D(2026, 6, 10))
    assert state.legal_due_date == due


@pytest.mark.parametrize(
    "suspensions",
    [
        [Suspension(D(2026, 6, 2), D(2026, 6, 5)), Suspension(D(2026, 6, 4), D(2026, 6, 8))],
        [Suspension(D(2026, 6, 4), D(2026, 6, 8)), Suspension(D(2026, 6, 2), D(2026, 6, 5))],
        [Suspension(D(2026, 6, 2)), Suspension(D(2026, 6, 5), D(2026, 6, 6))],  # one still open
    ],
)
def test_overlapping_suspensions_are_rejected(cal: WorkCalendar, suspensions: list[Suspension]) -> None:
    with pytest.raises(CalendarError) as excinfo:
        compute_clock(cal, start=JUN_1, legal_limit=TWENTY, suspensions=suspensions, today=D(2026, 6, 10))
    assert str(excinfo.value) == "特别程序期间不能重叠"


def test_natural_day_unit(cal: WorkCalendar) -> None:
    # 30 natural days from 1 Jun: 1 Jul; suspension (2 Jun, 5 Jun] = 3 days → 4 Jul; +10 extension → 14 Jul.
    # Promised 20 natural days: 21 Jun + 3 = 24 Jun. Natural-day due dates may fall on rest days.
    state = compute_clock(
        cal,
        start=JUN_1,
        legal_limit=TimeLimit(30, TimeUnit.NATURAL_DAY),
        promised_limit=TimeLimit(20, TimeUnit.NATURAL_DAY),
        suspensions=[Suspension(D(2026, 6, 2), D(2026, 6, 5))],
        extensions=[10],
        today=D(2026, 7, 10),
    )
    # remaining is always in working days: (10 Jul, 14 Jul] = 13, 14 Jul.
    assert state == ClockState(
        legal_due_date=D(2026, 7, 14),
        promised_due_date=D(2026, 6, 24),
        remaining_workdays=2,
        light=Light.YELLOW,
        clock_paused=False,
        provisional=False,
    )


def test_natural_day_unit_with_open_suspension(cal: WorkCalendar) -> None:
    state = compute_clock(
        cal,
        start=JUN_1,
        legal_limit=TimeLimit(30, TimeUnit.NATURAL_DAY),
        suspensions=[Suspension(D(2026, 6, 10))],
        today=D(2026, 6, 15),
    )
    assert (state.legal_due_date, state.clock_paused) == (D(2026, 7, 6), True)  # 1 Jul + 5 days


def test_natural_day_due_date_into_a_provisional_year(cal: WorkCalendar) -> None:
    limit = TimeLimit(30, TimeUnit.NATURAL_DAY)
    assert due_date(cal, start=D(2026, 12, 20), limit=limit, today=D(2026, 12, 20)) == (D(2027, 1, 19), True)
    assert due_date(cal, start=D(2026, 11, 1), limit=limit, today=D(2026, 11, 1)) == (D(2026, 12, 1), False)
    suspended = due_date(
        cal,
        start=D(2026, 11, 1),
        limit=limit,
        suspensions=[Suspension(D(2026, 12, 30), D(2027, 1, 2))],
        today=D(2027, 1, 5),
    )
    assert suspended == (D(2026, 12, 4), True)


def test_provisional_when_the_due_date_falls_in_a_provisional_year(cal: WorkCalendar) -> None:
    # From Tue 1 Dec 2026: 2–4 Dec (3), 7–11 (8), 14–18 (13), 21–25 (18), 28 (19), 29 (20), 30, 31 (22),
    # 1 Jan 2027 off (provisional 元旦), 4, 5, 6 Jan (25).
    published = compute_clock(cal, start=D(2026, 12, 1), legal_limit=TWENTY, today=D(2026, 12, 1))
    provisional = compute_clock(cal, start=D(2026, 12, 1), legal_limit=TimeLimit(25), today=D(2026, 12, 1))
    assert (published.legal_due_date, published.provisional) == (D(2026, 12, 29), False)
    assert (provisional.legal_due_date, provisional.provisional) == (D(2027, 1, 6), True)
    # Looking at a 2026 deadline from 2027 also goes through the provisional year.
    late = compute_clock(cal, start=D(2026, 12, 1), legal_limit=TWENTY, today=D(2027, 1, 4))
    assert (late.remaining_workdays, late.light, late.provisional) == (
        -3,
        Light.RED,
        True,
    )  # 30, 31 Dec, 4 Jan


def test_promised_longer_than_legal_is_rejected(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarError) as excinfo:
        compute_clock(cal, start=JUN_1, legal_limit=TWENTY, promised_limit=TimeLimit(21), today=JUN_1)
    assert str(excinfo.value) == "承诺时限不能超过法定时限"


def test_promised_in_another_unit_is_not_compared(cal: WorkCalendar) -> None:
    # 25 natural days from 1 Jun = 26 Jun; the amounts in different units are not comparable.
    state = compute_clock(
        cal,
        start=JUN_1,
        legal_limit=TWENTY,
        promised_limit=TimeLimit(25, TimeUnit.NATURAL_DAY),
        today=JUN_1,
    )
    assert (state.legal_due_date, state.promised_due_date) == (D(2026, 6, 30), D(2026, 6, 26))


def test_negative_extension_is_rejected(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarError) as excinfo:
        compute_clock(cal, start=JUN_1, legal_limit=TWENTY, extensions=[10, -1], today=JUN_1)
    assert str(excinfo.value) == "延长的时限不能为负数"


def test_time_limit_and_suspension_validation() -> None:
    assert str(TimeLimit(20)) == "20个工作日"
    assert str(TimeLimit(30, TimeUnit.NATURAL_DAY)) == "30个自然日"
    with pytest.raises(CalendarError) as limit_error:
        TimeLimit(-1)
    assert str(limit_error.value) == "时限不能为负数"
    with pytest.raises(CalendarError) as period_error:
        Suspension(D(2026, 6, 5), D(2026, 6, 4))
    assert str(period_error.value) == "特别程序的结束日期不能早于开始日期"
