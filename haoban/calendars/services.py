"""Every write to the working-day calendar (工作日历).

- :func:`calendar_import_year` publishes one year from its State Council notice (国务院办公厅关于部分节假日
  安排的通知): validated in full before anything is written, atomic, Chinese errors keyed by field.
- :func:`calendar_seed_from_package` creates 2004–2026 from ``chinese_calendar`` (idempotent).
- :func:`calendar_year_edited` records an edit made in the admin.

legal-rules.md §9: anything computed through a year without a published notice is provisional and "is
recomputed when the year is published". Apps that store deadlines (cases, work orders, data-sharing
requests) register a *deadline recomputer* with :func:`register_deadline_recomputer`; every write here
calls each one with the changed year, inside the same transaction, after the new data is in place (so
``selectors.get_work_calendar()`` already answers with it), and stores what they report in a
:class:`~haoban.calendars.models.CalendarChange`. A recomputer that raises rolls the whole change back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from . import selectors
from .models import MAX_YEAR, MIN_YEAR, CalendarChange, CalendarDay, ChangeKind, DayKind, HolidayYear
from .seed import SEED_FIRST_YEAR, SEED_LAST_YEAR, seed_years

# --- deadline recomputers --------------------------------------------------------------------------------

ChangeRecord = dict[str, Any]
DeadlineRecomputer = Callable[[int], list[ChangeRecord]]
"""Called with the year whose calendar changed; returns one JSON-serialisable record per stored deadline
it changed, e.g. ``{"case": "HB2027000123", "field": "legal_due_date", "old": "2027-01-11",
"new": "2027-01-12"}``. It must be idempotent: it may run again for the same year."""

_recomputers: list[DeadlineRecomputer] = []


def register_deadline_recomputer(fn: DeadlineRecomputer) -> DeadlineRecomputer:
    """Register ``fn`` (usable as a decorator; registering twice is a no-op)."""
    if fn not in _recomputers:
        _recomputers.append(fn)
    return fn


def unregister_deadline_recomputer(fn: DeadlineRecomputer) -> None:
    if fn in _recomputers:
        _recomputers.remove(fn)


# --- validation ----------------------------------------------------------------------------------------

DayEntries = Sequence[tuple[dt.date, str]]
FIELD_LABELS = {"holidays": "放假日期", "makeup_workdays": "调休上班日期"}
_WEEKDAYS = "一二三四五六日"


def validate_year_input(
    *, year: object, holidays: DayEntries, makeup_workdays: DayEntries, source_notice: str
) -> dict[str, list[str]]:
    """All problems of an import, keyed by field (``holidays[2].date``); empty when it is valid."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    year_ok = isinstance(year, int) and not isinstance(year, bool) and MIN_YEAR <= year <= MAX_YEAR
    if not year_ok:
        add("year", f"年份应为 {MIN_YEAR}–{MAX_YEAR} 之间的整数，实际为“{year}”")
    if not source_notice.strip():
        add("source_notice", "依据通知不能为空：请填写国务院办公厅通知的标题和文号")
    elif len(source_notice.strip()) > 200:
        add("source_notice", "依据通知不能超过 200 个字符")
    if not holidays:
        add("holidays", "放假日期不能为空")
    seen: dict[dt.date, str] = {}
    for field, entries in (("holidays", holidays), ("makeup_workdays", makeup_workdays)):
        for i, (day, name) in enumerate(entries):
            where = f"{field}[{i}]"
            if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
                add(f"{where}.date", f"“{day}”不是有效的日期")
            else:
                iso = day.isoformat()
                if year_ok and day.year != year:
                    add(f"{where}.date", f"{iso} 不在 {year} 年内")
                if day in seen:
                    other = seen[day]
                    if other.startswith(field):
                        add(f"{where}.date", f"{iso} 重复出现（与 {other} 相同）")
                    else:
                        add(f"{where}.date", f"{iso} 同时出现在放假日期和调休上班日期中（见 {other}）")
                else:
                    seen[day] = where
                if field == "makeup_workdays" and day.weekday() < 5:
                    add(
                        f"{where}.date", f"{iso} 是星期{_WEEKDAYS[day.weekday()]}，调休上班日只能是周六或周日"
                    )
            if not isinstance(name, str) or not name.strip():
                add(f"{where}.name", "名称不能为空")
            elif len(name.strip()) > 100:
                add(f"{where}.name", "名称不能超过 100 个字符")
    return errors


# --- writes ------------------------------------------------------------------------------------------


def calendar_import_year(
    *,
    year: int,
    holidays: DayEntries,
    makeup_workdays: DayEntries,
    source_notice: str,
    notes: str = "",
    actor: AbstractBaseUser | None = None,
) -> HolidayYear:
    """Publish ``year`` from its notice, replacing whatever the year had; recompute dependent deadlines.

    Raises ``ValidationError`` (a dict keyed by field, Chinese messages) and writes nothing when the input
    is invalid.
    """
    errors = validate_year_input(
        year=year, holidays=holidays, makeup_workdays=makeup_workdays, source_notice=source_notice
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = HolidayYear.objects.select_for_update().filter(year=year).first()
        before = selectors.year_snapshot(year)
        now = timezone.now()
        if row is None:
            row = HolidayYear(year=year)
        row.published = True
        row.published_at = now
        row.source_notice = source_notice.strip()
        row.notes = notes.strip()
        row.full_clean()
        row.save()
        CalendarDay.objects.filter(year=row).delete()
        CalendarDay.objects.bulk_create(
            [CalendarDay(year=row, date=d, kind=DayKind.HOLIDAY, name=n.strip()) for d, n in holidays]
            + [
                CalendarDay(year=row, date=d, kind=DayKind.MAKEUP_WORKDAY, name=n.strip())
                for d, n in makeup_workdays
            ]
        )
        _bump_version(row)
        _record_change(year=year, kind=ChangeKind.IMPORT, actor=actor, before=before, now=now)
    row.refresh_from_db()
    return row


def calendar_seed_from_package(
    *, first: int = SEED_FIRST_YEAR, last: int = SEED_LAST_YEAR, actor: AbstractBaseUser | None = None
) -> list[int]:
    """Create the years ``first``–``last`` missing from the database from ``chinese_calendar``.

    Idempotent: years already stored (published or edited) are left alone. Returns the years created.
    """
    with transaction.atomic():
        befores = {y: selectors.year_snapshot(y) for y in range(first, last + 1)}
        now = timezone.now()
        created = seed_years(HolidayYear, CalendarDay, first=first, last=last, now=now)
        for year in created:
            _bump_version(HolidayYear.objects.get(year=year))
            _record_change(year=year, kind=ChangeKind.SEED, actor=actor, before=befores[year], now=now)
    return created


def calendar_year_edited(
    *, year: HolidayYear, before: selectors.YearSnapshot, actor: AbstractBaseUser | None = None
) -> CalendarChange:
    """Record an edit already saved by the admin (its forms validate each day), and recompute."""
    with transaction.atomic():
        if year.published and year.published_at is None:
            year.published_at = timezone.now()
            year.save(update_fields=["published_at", "updated_at"])
        _bump_version(year)
        return _record_change(
            year=year.year, kind=ChangeKind.EDIT, actor=actor, before=before, now=timezone.now()
        )


# --- helpers -------------------------------------------------------------------------------------------


def _bump_version(row: HolidayYear) -> None:
    """Make ``updated_at`` the strictly greatest of all years: it is the calendar's cache version.

    ``max(updated_at)`` must change on every write even when another app server's clock is ahead.
    """
    latest = HolidayYear.objects.exclude(pk=row.pk).aggregate(m=Max("updated_at"))["m"]
    stamp = timezone.now()
    if latest is not None and stamp <= latest:
        stamp = latest + dt.timedelta(microseconds=1)
    HolidayYear.objects.filter(pk=row.pk).update(updated_at=stamp)


def _dates(days: dict[dt.date, str]) -> list[str]:
    return [d.isoformat() for d in sorted(days)]


def _record_change(
    *,
    year: int,
    kind: ChangeKind,
    actor: AbstractBaseUser | None,
    before: selectors.YearSnapshot,
    now: dt.datetime,
) -> CalendarChange:
    after = selectors.year_snapshot(year)
    diff = {
        "holidays_added": _dates({d: n for d, n in after.holidays.items() if d not in before.holidays}),
        "holidays_removed": _dates({d: n for d, n in before.holidays.items() if d not in after.holidays}),
        "makeup_workdays_added": _dates(
            {d: n for d, n in after.makeup_workdays.items() if d not in before.makeup_workdays}
        ),
        "makeup_workdays_removed": _dates(
            {d: n for d, n in before.makeup_workdays.items() if d not in after.makeup_workdays}
        ),
    }
    recomputed: list[ChangeRecord] = []
    for recompute in list(_recomputers):
        recomputed.extend(recompute(year))
    state = {True: "已发布", False: "临时日历"}
    summary = (
        f"{year} 年节假日安排{ChangeKind(kind).label}（{state[before.published]} → {state[after.published]}）："
        f"放假 {len(after.holidays)} 天，调休上班 {len(after.makeup_workdays)} 天；"
        f"新增放假 {len(diff['holidays_added'])} 天，取消放假 {len(diff['holidays_removed'])} 天，"
        f"新增调休上班 {len(diff['makeup_workdays_added'])} 天，"
        f"取消调休上班 {len(diff['makeup_workdays_removed'])} 天；重算期限 {len(recomputed)} 条。"
    )
    change = CalendarChange(
        year=year,
        kind=kind,
        created_at=now,
        actor=actor,
        summary=summary,
        details={
            "was_published": before.published,
            "published": after.published,
            **diff,
            "recomputed": recomputed,
        },
    )
    change.save()
    return change
