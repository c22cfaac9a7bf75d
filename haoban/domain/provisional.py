"""Provisional holiday schedule for a year whose State Council notice is not yet published.

legal-rules.md §9: weekends plus the statutory holidays of 《全国年节及纪念日放假办法》 (as amended 2024,
第二条): 元旦 1 day (1 January), 春节 4 days (除夕 to 正月初三), 清明节 1 day (the 清明 solar term),
劳动节 2 days (1–2 May), 端午节 1 day (五月初五), 中秋节 1 day (八月十五), 国庆节 3 days (1–3 October).
The same article's rule that a holiday falling on a Saturday or Sunday is made up by a weekday off (补假)
is applied: each such day gives the first following weekday that is not already a rest day.
No make-up working days (调休上班) are guessed. Lunar dates and the solar term come from ``lunar_python``.
"""

from __future__ import annotations

import datetime as dt

from lunar_python import Lunar  # type: ignore[import-untyped]

from .workcalendar import YearSchedule


def _solar(lunar: object) -> dt.date:
    solar = lunar.getSolar()  # type: ignore[attr-defined]
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The statutory holidays of ``year``, each with its festival name.

    Two festivals can fall on the same day (中秋 on 3 October 2028): the day is kept once, with both names.
    """
    days: dict[dt.date, str] = {}

    def add(day: dt.date, name: str) -> None:
        days[day] = f"{days[day]}、{name}" if day in days else name

    add(dt.date(year, 1, 1), "元旦")
    # 除夕 (the day before 正月初一) of lunar year `year` always falls in solar year `year`: 春节 is
    # between 21 January and 20 February.
    new_year = _solar(Lunar.fromYmd(year, 1, 1))
    for offset in range(-1, 3):  # 除夕 .. 正月初三
        add(new_year + dt.timedelta(days=offset), "春节")
    qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    add(dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay()), "清明节")
    add(dt.date(year, 5, 1), "劳动节")
    add(dt.date(year, 5, 2), "劳动节")
    add(_solar(Lunar.fromYmd(year, 5, 5)), "端午节")  # the ordinary fifth month, never a leap one
    add(_solar(Lunar.fromYmd(year, 8, 15)), "中秋节")
    for day in (1, 2, 3):
        add(dt.date(year, 10, day), "国庆节")
    return days


def compensatory_rest_days(holidays: dict[dt.date, str]) -> dict[dt.date, str]:
    """补假: for each holiday on a weekend, the first later weekday that is not already a rest day."""
    taken: dict[dt.date, str] = {}
    for day in sorted(holidays):
        if day.weekday() < 5:
            continue
        candidate = day + dt.timedelta(days=1)
        while candidate.weekday() >= 5 or candidate in holidays or candidate in taken:
            candidate += dt.timedelta(days=1)
        taken[candidate] = f"{holidays[day].split('、')[0]}补假"
    return taken


def provisional_schedule(year: int) -> YearSchedule:
    """A provisional :class:`YearSchedule` (``published=False``) for ``year``: statutory holidays + 补假."""
    holidays = statutory_holidays(year)
    rest = set(holidays) | set(compensatory_rest_days(holidays))
    return YearSchedule(year=year, holidays=frozenset(rest), published=False)
