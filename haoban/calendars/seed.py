"""Seed data from the ``chinese_calendar`` package (PyPI ``chinesecalendar``), 2004–2026.

Shared by the data migration (with historical models) and ``services.calendar_seed_from_package``. The
package keys its dicts by date with English festival names; :data:`FESTIVAL_NAMES` gives the Chinese names
used everywhere in Haoban (the same as ``haoban.domain.provisional``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import chinese_calendar  # type: ignore[import-untyped]

SEED_FIRST_YEAR = 2004
# Frozen so that a newer package version does not silently change what a fresh database contains: later
# years are imported from their notice with `haoban calendar import-year`.
SEED_LAST_YEAR = 2026

FESTIVAL_NAMES: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def festival_name(english: str) -> str:
    try:
        return FESTIVAL_NAMES[english]
    except KeyError:  # a festival added by a later package version
        return str(chinese_calendar.Holiday(english).chinese)


def package_days(year: int) -> tuple[list[tuple[dt.date, str]], list[tuple[dt.date, str]]]:
    """(holidays, make-up working days) of ``year`` in the package, sorted by date."""
    holidays = sorted((d, festival_name(n)) for d, n in chinese_calendar.holidays.items() if d.year == year)
    workdays = sorted((d, festival_name(n)) for d, n in chinese_calendar.workdays.items() if d.year == year)
    return holidays, workdays


def package_version() -> str:
    return str(getattr(chinese_calendar, "__version__", "unknown"))


def seed_years(
    holiday_year_model: Any, calendar_day_model: Any, *, first: int, last: int, now: dt.datetime
) -> list[int]:
    """Create the years ``first``–``last`` that do not exist yet; returns the years created.

    Takes the model classes so that the data migration can pass its historical models.
    """
    existing = set(
        holiday_year_model.objects.filter(year__range=(first, last)).values_list("year", flat=True)
    )
    wanted = [y for y in range(first, last + 1) if y not in existing]
    if not wanted:
        return []
    source = f"chinesecalendar {package_version()}"
    holiday_year_model.objects.bulk_create(
        [
            holiday_year_model(
                year=y,
                published=True,
                source_notice=f"国务院办公厅关于{y}年部分节假日安排的通知",
                published_at=now,
                notes=f"初始数据，取自 {source} 软件包。",
            )
            for y in wanted
        ]
    )
    # Fetch the keys rather than rely on bulk_create returning them (it depends on the database).
    ids = dict(holiday_year_model.objects.filter(year__in=wanted).values_list("year", "id"))
    days = []
    for y in wanted:
        holidays, workdays = package_days(y)
        days += [calendar_day_model(year_id=ids[y], date=d, kind="holiday", name=n) for d, n in holidays]
        days += [
            calendar_day_model(year_id=ids[y], date=d, kind="makeup_workday", name=n) for d, n in workdays
        ]
    calendar_day_model.objects.bulk_create(days, batch_size=500)
    return wanted
