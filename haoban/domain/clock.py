"""The legal clock of a case (法定时限与承诺时限).

Rules (legal-rules.md §1, 《中华人民共和国行政许可法》):

- 第四十二条: decide within the item's legal limit counted from acceptance (20 working days by default);
  an extension approved by the head of the office adds days (10 by default) to the **legal** due date only.
- 第四十五条: the time of 听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审 is not counted. A suspension from S
  (``suspend`` event) to E (``resume`` event) excludes ``workdays_between(S, E)`` working days; both due
  dates move later by that many working days; several suspensions add up. While a suspension is open the
  clock is paused: its end is taken as "today", so the remaining working days stay where they were.
- 第八十二条: the periods are working days, excluding statutory holidays; the start day is not counted.
- Items may also set a limit in natural days (``natural_day``); suspensions then move the due dates by
  calendar days and extensions add calendar days.
- The promised due date (承诺时限) counts from the same start with the promised limit; it moves with
  suspensions but not with extensions.
- Supervision light (legal-rules.md §8, 红黄牌): red when today is past the legal due date; yellow when the
  remaining working days are ≤ max(1, ⌈ratio × limit⌉) (ratio configurable, 20 % by default); else green.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from .workcalendar import CalendarError, WorkCalendar


class TimeUnit(StrEnum):
    WORKDAY = "workday"
    NATURAL_DAY = "natural_day"

    @property
    def label(self) -> str:
        return "个工作日" if self is TimeUnit.WORKDAY else "个自然日"


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


DEFAULT_YELLOW_RATIO = 0.2


@dataclass(frozen=True)
class TimeLimit:
    amount: int
    unit: TimeUnit = TimeUnit.WORKDAY

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise CalendarError("时限不能为负数")

    def __str__(self) -> str:
        return f"{self.amount}{self.unit.label}"


@dataclass(frozen=True)
class Suspension:
    """A special-procedure period (特别程序, 第四十五条); ``end`` is None while it is still running."""

    start: dt.date
    end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise CalendarError("特别程序的结束日期不能早于开始日期")


@dataclass(frozen=True)
class ClockState:
    legal_due_date: dt.date
    promised_due_date: dt.date | None
    remaining_workdays: int
    light: Light
    clock_paused: bool
    provisional: bool


def _shift(calendar: WorkCalendar, start: dt.date, amount: int, unit: TimeUnit) -> tuple[dt.date, bool]:
    if unit is TimeUnit.WORKDAY:
        result = calendar.add_workdays(start, amount)
        return result.value, result.provisional
    day = start + dt.timedelta(days=amount)
    return day, calendar.touches_provisional(start, day)


def _suspended_amount(
    calendar: WorkCalendar, suspensions: Sequence[Suspension], today: dt.date, unit: TimeUnit
) -> tuple[int, bool]:
    total = 0
    provisional = False
    for period in suspensions:
        end = period.end if period.end is not None else max(today, period.start)
        if unit is TimeUnit.WORKDAY:
            counted = calendar.workdays_between(period.start, end)
            total += counted.value
            provisional = provisional or counted.provisional
        else:
            total += (end - period.start).days
            provisional = provisional or calendar.touches_provisional(period.start, end)
    return total, provisional


def due_date(
    calendar: WorkCalendar,
    *,
    start: dt.date,
    limit: TimeLimit,
    suspensions: Sequence[Suspension] = (),
    extensions: Sequence[int] = (),
    today: dt.date,
) -> tuple[dt.date, bool]:
    """Due date for ``limit`` counted from ``start``, moved by suspensions and extensions.

    Returns ``(date, provisional)``.
    """
    suspended, prov_s = _suspended_amount(calendar, suspensions, today, limit.unit)
    amount = limit.amount + sum(extensions) + suspended
    day, prov_d = _shift(calendar, start, amount, limit.unit)
    return day, prov_s or prov_d


def light_for(
    remaining_workdays: int, limit: TimeLimit, *, overdue: bool, yellow_ratio: float = DEFAULT_YELLOW_RATIO
) -> Light:
    """红黄牌 light: red past the due date, yellow within the threshold, green otherwise (legal-rules §8).

    ``overdue`` is "today is after the due date"; it is separate from ``remaining_workdays`` because on a
    rest day just after the due date no working day has passed yet, and the case is overdue all the same.
    """
    if overdue or remaining_workdays < 0:
        return Light.RED
    # Exact arithmetic: in floats 0.14 × 50 is 7.000000000000001, whose ceiling would be 8, not 7.
    threshold = max(1, math.ceil(Fraction(str(yellow_ratio)) * limit.amount))
    if remaining_workdays <= threshold:
        return Light.YELLOW
    return Light.GREEN


def compute_clock(
    calendar: WorkCalendar,
    *,
    start: dt.date,
    legal_limit: TimeLimit,
    promised_limit: TimeLimit | None = None,
    suspensions: Sequence[Suspension] = (),
    extensions: Sequence[int] = (),
    today: dt.date,
    yellow_ratio: float = DEFAULT_YELLOW_RATIO,
) -> ClockState:
    """Everything the case pages and the supervision board show about a case's time.

    ``extensions`` are amounts in the unit of the legal limit. ``remaining_workdays`` is the number of
    working days from ``today`` (exclusive) to the legal due date (inclusive); 0 means due today, a negative
    number means overdue by that many working days.
    """
    if (
        promised_limit is not None
        and promised_limit.unit is legal_limit.unit
        and promised_limit.amount > legal_limit.amount
    ):
        raise CalendarError("承诺时限不能超过法定时限")
    if any(amount < 0 for amount in extensions):
        # A negative extension would pull the legal due date before the promised one.
        raise CalendarError("延长的时限不能为负数")
    ordered = sorted(suspensions, key=lambda s: s.start)
    for previous, current in itertools.pairwise(ordered):
        if previous.end is None or current.start < previous.end:
            raise CalendarError("特别程序期间不能重叠")
    paused = any(s.end is None for s in ordered)
    legal, prov_legal = due_date(
        calendar, start=start, limit=legal_limit, suspensions=ordered, extensions=extensions, today=today
    )
    promised: dt.date | None = None
    prov_promised = False
    if promised_limit is not None:
        promised, prov_promised = due_date(
            calendar, start=start, limit=promised_limit, suspensions=ordered, today=today
        )
    remaining = calendar.workdays_between(today, legal)
    total_limit = TimeLimit(legal_limit.amount + sum(extensions), legal_limit.unit)
    return ClockState(
        legal_due_date=legal,
        promised_due_date=promised,
        remaining_workdays=remaining.value,
        light=light_for(remaining.value, total_limit, overdue=today > legal, yellow_ratio=yellow_ratio),
        clock_paused=paused,
        provisional=prov_legal or prov_promised or remaining.provisional,
    )
