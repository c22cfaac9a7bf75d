"""Reads of the working-day calendar.

:func:`get_work_calendar` is what every deadline computation uses. Building a
:class:`~haoban.domain.workcalendar.WorkCalendar` takes a few tens of milliseconds, so it is cached in the
process. Whether it is still current is asked of the database (one cheap aggregate over a few dozen rows:
the number of years, of published years, and their latest ``updated_at``, which every write in
``services`` bumps) at most every ``HAOBAN_CALENDAR_CHECK_SECONDS`` (default 2 s) per process, so a change
made by one gunicorn worker, the worker process or the CLI is seen by all the others within that time — and
at once in the process that made it (``services`` and the admin clear this cache; saving or deleting a
``HolidayYear`` or ``CalendarDay`` does too). The write path of a submission therefore does not pay the
aggregate on every request. ``0`` checks on every call (the test settings use it).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from haoban.domain.provisional import provisional_schedule, statutory_holidays
from haoban.domain.workcalendar import WorkCalendar, YearSchedule

from .models import CalendarChange, CalendarDay, DayKind, HolidayYear

# legal-rules.md §9: years after the last published one are provisional; cover five of them (and always
# next year, so that a calendar left unpublished for long still answers for current cases).
PROVISIONAL_YEARS_AHEAD = 5

CacheKey = tuple[int, int, dt.datetime | None, int]

_lock = threading.Lock()
_cached: tuple[CacheKey, WorkCalendar] | None = None
# (monotonic time of the last check, the day it was made for) — see the module docstring.
_checked: tuple[float, dt.date] | None = None
DEFAULT_CHECK_SECONDS = 2.0


def calendar_version(*, today: dt.date | None = None) -> CacheKey:
    today = today or timezone.localdate()
    agg = HolidayYear.objects.aggregate(
        n=Count("id"), published=Count("id", filter=Q(published=True)), latest=Max("updated_at")
    )
    return (agg["n"], agg["published"], agg["latest"], today.year)


def get_work_calendar(*, today: dt.date | None = None) -> WorkCalendar:
    """The working-day calendar: published years from the database, provisional years after them."""
    global _cached, _checked
    day = today or timezone.localdate()
    cached, checked = _cached, _checked
    interval = float(getattr(settings, "HAOBAN_CALENDAR_CHECK_SECONDS", DEFAULT_CHECK_SECONDS))
    if (
        cached is not None
        and checked is not None
        and checked[1] == day
        and time.monotonic() - checked[0] < interval
    ):
        return cached[1]
    key = calendar_version(today=day)
    if cached is not None and cached[0] == key:
        _checked = (time.monotonic(), day)
        return cached[1]
    with _lock:
        calendar = _build(current_year=key[3])
        _cached = (key, calendar)
        _checked = (time.monotonic(), day)
    return calendar


def clear_work_calendar_cache() -> None:
    """Forget this process's calendar (the next call rebuilds it); other processes notice by the key
    within ``HAOBAN_CALENDAR_CHECK_SECONDS``."""
    global _cached, _checked
    _cached = None
    _checked = None


def _build(*, current_year: int) -> WorkCalendar:
    published = sorted(HolidayYear.objects.filter(published=True).values_list("year", flat=True))
    holidays: dict[int, set[dt.date]] = defaultdict(set)
    makeups: dict[int, set[dt.date]] = defaultdict(set)
    for year, date, kind in CalendarDay.objects.filter(year__published=True).values_list(
        "year__year", "date", "kind"
    ):
        (holidays if kind == DayKind.HOLIDAY else makeups)[year].add(date)
    if published:
        first, last_published = published[0], published[-1]
    else:
        first = last_published = current_year - 1
    last = max(last_published + PROVISIONAL_YEARS_AHEAD, current_year + 1)
    published_set = set(published)
    schedules = [
        YearSchedule(year=y, holidays=frozenset(holidays[y]), makeup_workdays=frozenset(makeups[y]))
        if y in published_set
        else provisional_schedule(y)
        for y in range(first, last + 1)
    ]
    return WorkCalendar(schedules)


@dataclass(frozen=True)
class YearSnapshot:
    """The effective rest days of one year: the published data, or the provisional statutory holidays."""

    year: int
    published: bool
    holidays: dict[dt.date, str]
    makeup_workdays: dict[dt.date, str]


def year_snapshot(year: int) -> YearSnapshot:
    row = HolidayYear.objects.filter(year=year, published=True).first()
    if row is None:
        return YearSnapshot(year, False, statutory_holidays(year), {})
    days = list(row.days.values_list("date", "kind", "name"))
    return YearSnapshot(
        year,
        True,
        {d: n for d, k, n in days if k == DayKind.HOLIDAY},
        {d: n for d, k, n in days if k == DayKind.MAKEUP_WORKDAY},
    )


@dataclass(frozen=True)
class YearOverview:
    year: int
    published: bool
    source_notice: str
    holidays: int
    makeup_workdays: int


def years_overview() -> list[YearOverview]:
    """Every stored year with its day counts, oldest first."""
    rows = HolidayYear.objects.annotate(
        n_holidays=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
        n_makeup=Count("days", filter=Q(days__kind=DayKind.MAKEUP_WORKDAY)),
    ).order_by("year")
    return [
        YearOverview(r.year, r.published, r.source_notice, r.n_holidays, r.n_makeup)  # type: ignore[attr-defined]
        for r in rows
    ]


def latest_change(year: int) -> CalendarChange | None:
    return CalendarChange.objects.filter(year=year).order_by("-created_at", "-id").first()
