"""The 2026 State Council holiday notice (legal-rules.md §9), typed in from the notice itself.

Deliberately not taken from ``chinese_calendar``: these tests check the calendar code against the notice,
so the data must come from somewhere other than the package the application seeds from.
"""

from __future__ import annotations

import datetime as dt

from haoban.domain.provisional import provisional_schedule
from haoban.domain.workcalendar import WorkCalendar, YearSchedule


def span(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


D = dt.date

HOLIDAYS_2026: dict[str, list[dt.date]] = {
    "元旦": span(D(2026, 1, 1), D(2026, 1, 3)),
    "春节": span(D(2026, 2, 15), D(2026, 2, 23)),
    "清明节": span(D(2026, 4, 4), D(2026, 4, 6)),
    "劳动节": span(D(2026, 5, 1), D(2026, 5, 5)),
    "端午节": span(D(2026, 6, 19), D(2026, 6, 21)),
    "中秋节": span(D(2026, 9, 25), D(2026, 9, 27)),
    "国庆节": span(D(2026, 10, 1), D(2026, 10, 7)),
}

MAKEUP_WORKDAYS_2026: dict[dt.date, str] = {
    D(2026, 1, 4): "元旦",  # Sunday
    D(2026, 2, 14): "春节",  # Saturday
    D(2026, 2, 28): "春节",  # Saturday
    D(2026, 5, 9): "劳动节",  # Saturday
    D(2026, 9, 20): "国庆节",  # Sunday
    D(2026, 10, 10): "国庆节",  # Saturday
}

ALL_HOLIDAYS_2026 = frozenset(day for days in HOLIDAYS_2026.values() for day in days)

SCHEDULE_2026 = YearSchedule(
    year=2026, holidays=ALL_HOLIDAYS_2026, makeup_workdays=frozenset(MAKEUP_WORKDAYS_2026)
)


def calendar_2026() -> WorkCalendar:
    """2026 as published, 2027 provisional (no notice yet)."""
    return WorkCalendar([SCHEDULE_2026, provisional_schedule(2027)])


def calendar_2026_only() -> WorkCalendar:
    return WorkCalendar([SCHEDULE_2026])
