"""get_work_calendar: published years plus five provisional ones, cached per process, rebuilt on change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F

from haoban.calendars import selectors
from haoban.calendars.models import CalendarDay, DayKind, HolidayYear
from haoban.calendars.selectors import YearOverview, get_work_calendar, year_snapshot, years_overview
from haoban.calendars.services import calendar_import_year
from haoban.domain.provisional import statutory_holidays

from .conftest import example_2027_days

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 6, 1)


def test_published_years_then_five_provisional_ones() -> None:
    calendar = get_work_calendar(today=TODAY)
    assert (calendar.first_year, calendar.last_year) == (2004, 2031)
    assert calendar.provisional_years == frozenset(range(2027, 2032))
    assert calendar.add_workdays(D(2026, 9, 30), 1).value == D(2026, 10, 8)


def test_calendar_always_reaches_next_year() -> None:
    calendar = get_work_calendar(today=D(2035, 3, 1))
    assert calendar.last_year == 2036
    assert calendar.provisional_years == frozenset(range(2027, 2037))


def test_cached_between_calls_with_one_cheap_query(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    first = get_work_calendar(today=TODAY)
    with django_assert_num_queries(1):
        again = get_work_calendar(today=TODAY)
    assert again is first


def test_rebuilt_after_an_import() -> None:
    # given
    first = get_work_calendar(today=TODAY)
    # when
    calendar_import_year(
        year=2027,
        holidays=example_2027_days("holidays"),
        makeup_workdays=example_2027_days("makeup_workdays"),
        source_notice="通知",
    )
    # then
    second = get_work_calendar(today=TODAY)
    assert second is not first
    assert (second.last_year, second.is_provisional_year(2027)) == (2032, False)


def test_rebuilt_when_another_process_changed_the_data() -> None:
    # given: this process has the calendar cached
    assert get_work_calendar(today=TODAY).is_workday(D(2026, 12, 26)) is False
    # when: another process (a CLI import, another gunicorn worker) changes a day and bumps the year,
    # as every service does; nothing in this process is told
    year = HolidayYear.objects.get(year=2026)
    CalendarDay.objects.create(year=year, date=D(2026, 12, 26), kind=DayKind.MAKEUP_WORKDAY, name="调休")
    HolidayYear.objects.filter(pk=year.pk).update(updated_at=F("updated_at") + dt.timedelta(seconds=1))
    # then
    assert get_work_calendar(today=TODAY).is_workday(D(2026, 12, 26)) is True


def test_version_moves_even_when_another_year_is_stamped_in_the_future() -> None:
    # given: a clock ahead on some app server stamped 2004 a day into the future
    future = HolidayYear.objects.get(year=2004).updated_at + dt.timedelta(days=1)
    HolidayYear.objects.filter(year=2004).update(updated_at=future)
    before = selectors.calendar_version(today=TODAY)
    get_work_calendar(today=TODAY)
    # when
    calendar_import_year(
        year=2027, holidays=[(D(2027, 1, 1), "元旦")], makeup_workdays=[], source_notice="通知"
    )
    # then
    after = selectors.calendar_version(today=TODAY)
    assert after[2] is not None and before[2] is not None and after[2] > before[2]
    assert get_work_calendar(today=TODAY).is_provisional_year(2027) is False


def test_an_unpublished_year_in_the_middle_is_provisional() -> None:
    # given: 2025 unpublished (its stored days are then ignored)
    HolidayYear.objects.filter(year=2025).update(
        published=False, updated_at=F("updated_at") + dt.timedelta(1)
    )
    # when
    calendar = get_work_calendar(today=TODAY)
    # then: 2025 follows the statutory days only; 26 Jan 2025 (a Sunday make-up day) is a rest day
    assert calendar.provisional_years == frozenset({2025, *range(2027, 2032)})
    assert calendar.is_workday(D(2025, 1, 26)) is False
    assert calendar.is_workday(D(2025, 2, 3)) is True  # off in the notice, not statutory
    assert calendar.add_workdays(D(2024, 12, 31), 1).provisional is True


def test_no_published_year_at_all() -> None:
    HolidayYear.objects.all().delete()
    calendar = get_work_calendar(today=TODAY)
    assert (calendar.first_year, calendar.last_year) == (2025, 2030)
    assert calendar.provisional_years == frozenset(range(2025, 2031))


def test_year_snapshot() -> None:
    published = year_snapshot(2026)
    assert (published.published, len(published.holidays), len(published.makeup_workdays)) == (True, 33, 6)
    assert published.makeup_workdays[D(2026, 10, 10)] == "国庆节"
    provisional = year_snapshot(2027)
    assert provisional.published is False
    assert provisional.holidays == statutory_holidays(2027)
    assert provisional.makeup_workdays == {}


def test_years_overview() -> None:
    overview = years_overview()
    assert len(overview) == 23
    assert overview[-1] == YearOverview(2026, True, "国务院办公厅关于2026年部分节假日安排的通知", 33, 6)
    assert overview[0] == YearOverview(2004, True, "国务院办公厅关于2004年部分节假日安排的通知", 22, 6)


def test_clear_cache_forces_a_rebuild() -> None:
    first = get_work_calendar(today=TODAY)
    selectors.clear_work_calendar_cache()
    assert get_work_calendar(today=TODAY) is not first


def test_production_checks_the_database_at_most_every_interval(settings, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    # given: the production setting (the tests' default is 0: every call checks)
    settings.HAOBAN_CALENDAR_CHECK_SECONDS = 60
    first = get_work_calendar(today=TODAY)
    # when another process bumps a year (nothing in this process is told)
    HolidayYear.objects.filter(year=2026).update(updated_at=F("updated_at") + dt.timedelta(seconds=1))
    # then: within the interval the calendar is not asked about, not even by the one cheap query
    with django_assert_num_queries(0):
        assert get_work_calendar(today=TODAY) is first
    # and a call for another day asks (and the bumped year makes it rebuild)
    rebuilt = get_work_calendar(today=TODAY + dt.timedelta(days=1))
    assert rebuilt is not first
    # once the interval has passed, the next call asks again
    settings.HAOBAN_CALENDAR_CHECK_SECONDS = 0
    HolidayYear.objects.filter(year=2026).update(updated_at=F("updated_at") + dt.timedelta(seconds=1))
    assert get_work_calendar(today=TODAY) is not rebuilt


def test_a_change_saved_in_this_process_is_seen_at_once(settings) -> None:  # type: ignore[no-untyped-def]
    settings.HAOBAN_CALENDAR_CHECK_SECONDS = 60
    assert get_work_calendar(today=TODAY).is_workday(D(2026, 12, 26)) is False
    # when: a day is saved through the ORM in this process (admin, services)
    year = HolidayYear.objects.get(year=2026)
    CalendarDay.objects.create(year=year, date=D(2026, 12, 26), kind=DayKind.MAKEUP_WORKDAY, name="调休")
    year.save()
    # then
    assert get_work_calendar(today=TODAY).is_workday(D(2026, 12, 26)) is True
    # and deleting it is seen too
    CalendarDay.objects.get(date=D(2026, 12, 26)).delete()
    assert get_work_calendar(today=TODAY).is_workday(D(2026, 12, 26)) is False
