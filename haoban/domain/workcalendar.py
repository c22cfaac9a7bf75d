"""Working-day calendar (工作日历).

《中华人民共和国行政许可法》第八十二条: the periods of that law are counted in working days (工作日), excluding
statutory holidays. A day is a working day when it is a weekday that is not a published holiday, or a
published make-up working day (调休上班日) that falls on a weekend.

Counting convention (legal-rules.md §1): the day of the starting event is not counted; the due date is the
N-th working day after it, so ``workdays_between(d, add_workdays(d, n)) == n``.

All queries are O(log n): the calendar precomputes the sorted ordinals of every working day of the years it
covers and answers with binary search.

Years without a published State Council notice are *provisional* (legal-rules.md §9): results computed
through such a year say so, and are recomputed when the year is published.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field


class CalendarError(ValueError):
    """A date or count the calendar cannot answer for (message in Chinese)."""


@dataclass(frozen=True)
class YearSchedule:
    """One year's rest-day data.

    ``holidays`` are the days off announced for the year (they may fall on weekends; that is harmless).
    ``makeup_workdays`` are weekend days that are working days (调休上班). ``published`` is false for a
    provisional schedule derived from the statutory holidays alone.
    """

    year: int
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    makeup_workdays: frozenset[dt.date] = field(default_factory=frozenset)
    published: bool = True

    def __post_init__(self) -> None:
        for day in sorted(self.holidays | self.makeup_workdays):  # sorted: the same message every run
            if day.year != self.year:
                raise CalendarError(f"{self.year} 年的节假日安排中出现了其他年份的日期：{day.isoformat()}")
        both = self.holidays & self.makeup_workdays
        if both:
            first = min(both).isoformat()
            raise CalendarError(f"{first} 不能同时是放假日和调休上班日")

    def is_workday(self, day: dt.date) -> bool:
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


@dataclass(frozen=True)
class Dated:
    """A date computed by the calendar, flagged when it depended on a provisional year."""

    value: dt.date
    provisional: bool


@dataclass(frozen=True)
class Counted:
    """A count computed by the calendar, flagged when it depended on a provisional year."""

    value: int
    provisional: bool


class WorkCalendar:
    """Working days over a contiguous range of years.

    Build it from one :class:`YearSchedule` per year; the years must be contiguous (no gaps), because a
    deadline can cross any of them.
    """

    def __init__(self, schedules: Iterable[YearSchedule]) -> None:
        by_year: dict[int, YearSchedule] = {}
        for schedule in schedules:
            if schedule.year in by_year:
                raise CalendarError(f"{schedule.year} 年的节假日安排重复")
            by_year[schedule.year] = schedule
        if not by_year:
            raise CalendarError("工作日历中没有任何年份的数据")
        years = sorted(by_year)
        missing = sorted(set(range(years[0], years[-1] + 1)) - set(years))
        if missing:
            raise CalendarError(f"工作日历缺少 {missing[0]} 年的数据")
        self.first_year = years[0]
        self.last_year = years[-1]
        self._schedules = by_year
        self.provisional_years = frozenset(y for y, s in by_year.items() if not s.published)
        self._first = dt.date(self.first_year, 1, 1).toordinal()
        self._last = dt.date(self.last_year, 12, 31).toordinal()
        self._workdays: list[int] = [
            o for o in range(self._first, self._last + 1) if by_year[_year_of(o)].is_workday(_day_of(o))
        ]

    # -- queries -------------------------------------------------------------------------------------

    def covers(self, day: dt.date) -> bool:
        return self._first <= day.toordinal() <= self._last

    def schedule(self, year: int) -> YearSchedule:
        try:
            return self._schedules[year]
        except KeyError:
            raise CalendarError(self._range_message(year)) from None

    def is_provisional_year(self, year: int) -> bool:
        return year in self.provisional_years

    def is_workday(self, day: dt.date) -> bool:
        self._check(day)
        index = bisect_left(self._workdays, day.toordinal())
        return index < len(self._workdays) and self._workdays[index] == day.toordinal()

    def add_workdays(self, start: dt.date, n: int) -> Dated:
        """The n-th working day after ``start`` (the start day itself is not counted).

        ``n`` may be 0 (the start day itself) or negative (the |n|-th working day before ``start``).
        """
        self._check(start)
        base = bisect_right(self._workdays, start.toordinal())
        if n > 0:
            index = base + n - 1
        elif n < 0:
            # Working days strictly before start: indexes < bisect_left(start).
            index = bisect_left(self._workdays, start.toordinal()) + n
        else:
            return Dated(start, self.touches_provisional(start, start))
        if index < 0 or index >= len(self._workdays):
            raise CalendarError(
                f"计算结果超出工作日历范围（{self.first_year}–{self.last_year} 年），请先导入相应年份的节假日安排"
            )
        result = _day_of(self._workdays[index])
        return Dated(result, self.touches_provisional(start, result))

    def workdays_between(self, a: dt.date, b: dt.date) -> Counted:
        """Working days in the interval (a, b]: after ``a``, up to and including ``b``.

        Negative when ``b`` is before ``a``, so that ``workdays_between(a, b) == -workdays_between(b, a)``.
        """
        self._check(a)
        self._check(b)
        count = bisect_right(self._workdays, b.toordinal()) - bisect_right(self._workdays, a.toordinal())
        return Counted(count, self.touches_provisional(a, b))

    def next_workday(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first working day after it."""
        if self.is_workday(day):
            return day
        return self.add_workdays(day, 1).value

    def touches_provisional(self, a: dt.date, b: dt.date) -> bool:
        """Whether any day between ``a`` and ``b`` (inclusive, either order) lies in a provisional year."""
        low, high = (a, b) if a <= b else (b, a)
        return any(low.year <= y <= high.year for y in self.provisional_years)

    # -- helpers -------------------------------------------------------------------------------------

    def _check(self, day: dt.date) -> None:
        if not self.covers(day):
            raise CalendarError(self._range_message(day.year))

    def _range_message(self, year: int) -> str:
        return (
            f"{year} 年不在工作日历范围内（{self.first_year}–{self.last_year} 年），"
            "请先导入该年份的节假日安排"
        )


def _day_of(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


def _year_of(ordinal: int) -> int:
    return dt.date.fromordinal(ordinal).year
