"""Hypothesis properties of the working-day calendar and the legal clock (legal-rules.md §1)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from haoban.domain.clock import Suspension, TimeLimit, compute_clock
from haoban.domain.workcalendar import WorkCalendar

from .notice2026 import calendar_2026

CAL: WorkCalendar = calendar_2026()  # 2026 published, 2027 provisional

days_2026 = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31))
counts = st.integers(min_value=1, max_value=200)  # 200 working days from 31 Dec 2026 stay inside 2027


@given(day=days_2026, n=counts)
def test_add_workdays_lands_on_a_working_day(day: dt.date, n: int) -> None:
    assert CAL.is_workday(CAL.add_workdays(day, n).value)


@given(day=days_2026, n=counts)
def test_workdays_between_inverts_add_workdays(day: dt.date, n: int) -> None:
    result = CAL.add_workdays(day, n)
    assert CAL.workdays_between(day, result.value).value == n
    assert CAL.workdays_between(result.value, day).value == -n


@given(day=days_2026, n=counts)
def test_add_workdays_is_strictly_increasing_in_n(day: dt.date, n: int) -> None:
    assert CAL.add_workdays(day, n - 1).value < CAL.add_workdays(day, n).value


@given(day=days_2026.filter(CAL.is_workday), n=counts)
def test_stepping_back_returns_to_the_working_day(day: dt.date, n: int) -> None:
    assert CAL.add_workdays(CAL.add_workdays(day, n).value, -n).value == day


@given(day=days_2026, n=counts)
def test_provisional_flag_says_whether_2027_was_touched(day: dt.date, n: int) -> None:
    result = CAL.add_workdays(day, n)
    assert result.provisional is (result.value.year == 2027)


limits = st.integers(min_value=1, max_value=60)


@given(
    start=days_2026,
    limit=limits,
    offset=st.integers(min_value=0, max_value=40),
    length=st.integers(min_value=0, max_value=40),
)
def test_a_suspension_of_k_working_days_moves_both_due_dates_by_k(
    start: dt.date, limit: int, offset: int, length: int
) -> None:
    # given: a suspension from S to E somewhere after the start, excluding k = workdays_between(S, E)
    s = start + dt.timedelta(days=offset)
    e = s + dt.timedelta(days=length)
    k = CAL.workdays_between(s, e).value
    promised = max(1, limit // 2)
    # when
    plain = compute_clock(
        CAL, start=start, legal_limit=TimeLimit(limit), promised_limit=TimeLimit(promised), today=start
    )
    moved = compute_clock(
        CAL,
        start=start,
        legal_limit=TimeLimit(limit),
        promised_limit=TimeLimit(promised),
        suspensions=[Suspension(s, e)],
        today=start,
    )
    # then
    assert moved.legal_due_date == CAL.add_workdays(plain.legal_due_date, k).value
    assert plain.promised_due_date is not None
    assert moved.promised_due_date == CAL.add_workdays(plain.promised_due_date, k).value
    assert CAL.workdays_between(plain.legal_due_date, moved.legal_due_date).value == k


@given(
    start=days_2026,
    limit=limits,
    extensions=st.lists(st.integers(min_value=0, max_value=15), max_size=3),
)
def test_extensions_move_only_the_legal_due_date(start: dt.date, limit: int, extensions: list[int]) -> None:
    promised = TimeLimit(max(0, limit - 5))
    plain = compute_clock(
        CAL, start=start, legal_limit=TimeLimit(limit), promised_limit=promised, today=start
    )
    extended = compute_clock(
        CAL,
        start=start,
        legal_limit=TimeLimit(limit),
        promised_limit=promised,
        extensions=extensions,
        today=start,
    )
    assert extended.legal_due_date == CAL.add_workdays(plain.legal_due_date, sum(extensions)).value
    assert extended.promised_due_date == plain.promised_due_date


@st.composite
def suspension_lists(draw: st.DrawFn, start: dt.date) -> list[Suspension]:
    periods: list[Suspension] = []
    cursor = start
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        s = cursor + dt.timedelta(days=draw(st.integers(min_value=0, max_value=20)))
        e = s + dt.timedelta(days=draw(st.integers(min_value=0, max_value=20)))
        periods.append(Suspension(s, e))
        cursor = e
    return periods


@given(data=st.data(), start=days_2026, limit=limits)
def test_promised_never_after_legal(data: st.DataObject, start: dt.date, limit: int) -> None:
    promised = data.draw(st.integers(min_value=0, max_value=limit))
    suspensions = data.draw(suspension_lists(start))
    extensions = data.draw(st.lists(st.integers(min_value=0, max_value=15), max_size=2))
    today = start + dt.timedelta(days=data.draw(st.integers(min_value=0, max_value=120)))
    state = compute_clock(
        CAL,
        start=start,
        legal_limit=TimeLimit(limit),
        promised_limit=TimeLimit(promised),
        suspensions=suspensions,
        extensions=extensions,
        today=today,
    )
    assert state.promised_due_date is not None
    assert state.promised_due_date <= state.legal_due_date


@given(data=st.data(), start=days_2026, limit=limits)
def test_several_suspensions_add_up(data: st.DataObject, start: dt.date, limit: int) -> None:
    suspensions = data.draw(suspension_lists(start))
    total = sum(CAL.workdays_between(p.start, p.end).value for p in suspensions if p.end is not None)
    state = compute_clock(
        CAL, start=start, legal_limit=TimeLimit(limit), suspensions=suspensions, today=start
    )
    assert state.legal_due_date == CAL.add_workdays(start, limit + total).value
