"""A case's legal clock, derived from its event list (legal-rules.md §1, docs/workflow.md).

The events are replayed through the workflow table (an impossible history raises
:class:`~haoban.domain.workflow.TransitionNotAllowed`), then the decision clock is computed by
:func:`haoban.domain.clock.compute_clock`. All periods are working days (《行政许可法》第八十二条), the day
of the starting event not counted.

- **Receipt** (收到申请材料): the ``submit`` date; after a ``supplement`` of a case waiting for materials,
  the supplement date, because the materials were complete only then.
- **Acceptance window** (第三十二条): the office must accept, refuse or send the one-time supplement notice
  by the 5th working day after receipt (``acceptance_due_date``). Otherwise the application is deemed
  accepted from the receipt date: ``acceptance_overdue`` tells the daily tick to record a ``deemed_accept``
  event. An ``accept`` recorded after the window is also a deemed acceptance: the law already accepted
  the case on the receipt date, whatever the office did later. While the applicant supplements materials
  no window runs (``acceptance_due_date`` is None).
- **Decision clock** (第四十二条): starts at acceptance (``started_on``: the accept date, or the receipt
  date for a deemed acceptance); ``suspend``–``resume`` periods are not counted (第四十五条), an open one
  pauses the clock; each ``extend`` adds its amount (by default ``default_extension``) to the legal due
  date only.
- **Decision** (``approve``/``deny``) or a withdrawal after acceptance stops the clock on that day
  (``stopped_on``): the due dates, the remaining working days and the light are those of that day and no
  longer change, so a case decided late stays red and one decided in time keeps its light.
- **Certificate** (第四十四条): the licence is issued and delivered within 10 working days of the
  approval (``certificate_due_date``).

Before acceptance the decision-clock fields are None (``clock_paused`` False). ``provisional`` is true when
any date shown, the acceptance due date included, was computed through a year without a published
holiday notice (legal-rules.md §9).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from .clock import DEFAULT_YELLOW_RATIO, Light, Suspension, TimeLimit, compute_clock
from .workcalendar import WorkCalendar
from .workflow import CaseAction, CaseStatus, next_status

ACCEPTANCE_WINDOW_WORKDAYS = 5  # 第三十二条: 五日内一次告知
CERTIFICATE_WORKDAYS = 10  # 第四十四条: 自作出决定之日起十日内颁发、送达
DEFAULT_EXTENSION = 10  # 第四十二条: 经本行政机关负责人批准，可以延长十日


class SystemEvent(StrEnum):
    """Events the system records by itself (the daily tick), not a person's action."""

    DEEMED_ACCEPT = "deemed_accept"

    @property
    def label(self) -> str:
        return "视为受理"


class CaseClockError(ValueError):
    """An event list the clock cannot be computed from (message in Chinese)."""


def parse_event_kind(value: str) -> CaseAction | SystemEvent:
    """The kind of a stored event: an API verb or a system event."""
    if value == SystemEvent.DEEMED_ACCEPT:
        return SystemEvent.DEEMED_ACCEPT
    try:
        return CaseAction(value)
    except ValueError:
        raise CaseClockError(f"未知的办件事件类型：{value}") from None


@dataclass(frozen=True)
class ClockEvent:
    """One event of the case, as far as time is concerned.

    ``amount`` is only for ``extend``: the working (or natural) days added, in the unit of the legal limit;
    None means the item's default extension.
    """

    action: CaseAction | SystemEvent
    on: dt.date
    amount: int | None = None

    def __post_init__(self) -> None:
        if self.amount is not None:
            if self.action is not CaseAction.EXTEND:
                raise CaseClockError(f"只有“延期”事件可以指定延长的时限，“{self.action.label}”不能")
            if self.amount < 0:
                raise CaseClockError("延长的时限不能为负数")


@dataclass(frozen=True)
class CaseClock:
    received_on: dt.date | None
    acceptance_due_date: dt.date | None
    acceptance_overdue: bool
    started_on: dt.date | None
    deemed_accepted: bool
    legal_due_date: dt.date | None
    promised_due_date: dt.date | None
    remaining_workdays: int | None
    light: Light | None
    clock_paused: bool
    stopped_on: dt.date | None
    certificate_due_date: dt.date | None
    provisional: bool


def compute_case_clock(
    calendar: WorkCalendar,
    *,
    events: Sequence[ClockEvent],
    legal_limit: TimeLimit,
    promised_limit: TimeLimit | None = None,
    default_extension: int = DEFAULT_EXTENSION,
    today: dt.date,
    yellow_ratio: float = DEFAULT_YELLOW_RATIO,
) -> CaseClock:
    """The clock of a case with these events, as of ``today``.

    Events are taken in date order; events of the same day keep the order they are given in (the order
    they were recorded).
    """
    ordered = sorted(events, key=lambda e: e.on)
    if ordered and ordered[-1].on > today:
        raise CaseClockError(f"办件事件的日期 {ordered[-1].on.isoformat()} 晚于今天 {today.isoformat()}")

    status: CaseStatus | None = None
    provisional = False
    received: dt.date | None = None
    acceptance_due: dt.date | None = None
    acceptance_due_provisional = False
    started: dt.date | None = None
    deemed = False
    suspended_since: dt.date | None = None
    suspensions: list[Suspension] = []
    extensions: list[int] = []
    stopped: dt.date | None = None
    certificate_due: dt.date | None = None

    for event in ordered:
        action = CaseAction.ACCEPT if event.action is SystemEvent.DEEMED_ACCEPT else event.action
        previous = status
        status = next_status(status, action)
        if action is CaseAction.SUBMIT or (
            action is CaseAction.SUPPLEMENT and previous is CaseStatus.PENDING_SUPPLEMENT
        ):
            received = event.on
            window = calendar.add_workdays(received, ACCEPTANCE_WINDOW_WORKDAYS)
            acceptance_due, acceptance_due_provisional = window.value, window.provisional
        elif action is CaseAction.REQUEST_SUPPLEMENT:
            # The one-time notice was given in time: no window runs until the materials come back.
            acceptance_due, acceptance_due_provisional = None, False
        elif action is CaseAction.ACCEPT:
            assert received is not None and acceptance_due is not None  # accept only from submitted
            late = event.on > acceptance_due
            if event.action is SystemEvent.DEEMED_ACCEPT and not late:
                raise CaseClockError(
                    f"受理期限 {acceptance_due.isoformat()} 届满前不能视为受理（{event.on.isoformat()}）"
                )
            deemed = late
            started = received if late else event.on
        elif action is CaseAction.SUSPEND:
            suspended_since = event.on
        elif action is CaseAction.RESUME:
            assert suspended_since is not None  # resume only from suspended
            suspensions.append(Suspension(suspended_since, event.on))
            suspended_since = None
        elif action is CaseAction.EXTEND:
            extensions.append(default_extension if event.amount is None else event.amount)
        elif action is CaseAction.APPROVE:
            stopped = event.on
            certificate = calendar.add_workdays(event.on, CERTIFICATE_WORKDAYS)
            certificate_due, provisional = certificate.value, certificate.provisional
        elif action is CaseAction.DENY or (action is CaseAction.WITHDRAW and started is not None):
            stopped = event.on
            if suspended_since is not None:  # withdrawn during a special procedure: it ends here
                suspensions.append(Suspension(suspended_since, event.on))
                suspended_since = None

    provisional = provisional or acceptance_due_provisional
    if started is None:
        return CaseClock(
            received_on=received,
            acceptance_due_date=acceptance_due,
            acceptance_overdue=(
                status is CaseStatus.SUBMITTED and acceptance_due is not None and today > acceptance_due
            ),
            started_on=None,
            deemed_accepted=False,
            legal_due_date=None,
            promised_due_date=None,
            remaining_workdays=None,
            light=None,
            clock_paused=False,
            stopped_on=None,
            certificate_due_date=None,
            provisional=provisional,
        )

    if suspended_since is not None:
        suspensions.append(Suspension(suspended_since))
    state = compute_clock(
        calendar,
        start=started,
        legal_limit=legal_limit,
        promised_limit=promised_limit,
        suspensions=suspensions,
        extensions=extensions,
        today=stopped if stopped is not None else today,
        yellow_ratio=yellow_ratio,
    )
    return CaseClock(
        received_on=received,
        acceptance_due_date=acceptance_due,
        acceptance_overdue=False,
        started_on=started,
        deemed_accepted=deemed,
        legal_due_date=state.legal_due_date,
        promised_due_date=state.promised_due_date,
        remaining_workdays=state.remaining_workdays,
        light=state.light,
        clock_paused=state.clock_paused,
        stopped_on=stopped,
        certificate_due_date=certificate_due,
        provisional=provisional or state.provisional,
    )
