"""A case's legal clock from its events, on the 2026 notice calendar, with hand-computed dates.

June 2026: 1 Jun is a Monday, 端午 is 19–21 Jun (Fri–Sun). 20 working days from Mon 1 Jun end on Tue 30 Jun,
15 on Tue 23 Jun (test_clock.py counts them). 5 working days after 1 Jun: 2, 3, 4, 5, 8 → Mon 8 Jun.
Autumn: 中秋 25–27 Sep and 国庆 1–7 Oct are off, Sat 10 Oct is worked (调休上班).
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haoban.domain.case_clock import (
    ACCEPTANCE_WINDOW_WORKDAYS,
    CERTIFICATE_WORKDAYS,
    DEFAULT_EXTENSION,
    CaseClock,
    CaseClockError,
    ClockEvent,
    SystemEvent,
    compute_case_clock,
    parse_event_kind,
)
from haoban.domain.clock import Light, TimeLimit, TimeUnit
from haoban.domain.workcalendar import WorkCalendar
from haoban.domain.workflow import CaseAction, TransitionNotAllowed

from .notice2026 import calendar_2026

D = dt.date
TWENTY = TimeLimit(20)
FIFTEEN = TimeLimit(15)
DEEMED = "deemed_accept"


def ev(kind: str, on: dt.date, amount: int | None = None) -> ClockEvent:
    return ClockEvent(parse_event_kind(kind), on, amount)


def clock(
    cal: WorkCalendar,
    events: list[ClockEvent],
    today: dt.date,
    *,
    legal: TimeLimit = TWENTY,
    promised: TimeLimit | None = FIFTEEN,
    default_extension: int = DEFAULT_EXTENSION,
) -> CaseClock:
    return compute_case_clock(
        cal,
        events=events,
        legal_limit=legal,
        promised_limit=promised,
        default_extension=default_extension,
        today=today,
    )


# Submitted Fri 29 May, accepted Mon 1 Jun: the June case used by most tests.
ACCEPTED_JUN_1 = [ev("submit", D(2026, 5, 29)), ev("accept", D(2026, 6, 1))]


def test_the_legal_constants() -> None:
    assert (ACCEPTANCE_WINDOW_WORKDAYS, CERTIFICATE_WORKDAYS, DEFAULT_EXTENSION) == (5, 10, 10)


def test_no_events_no_clock(cal: WorkCalendar) -> None:
    assert clock(cal, [], D(2026, 6, 1)) == CaseClock(
        received_on=None,
        acceptance_due_date=None,
        acceptance_overdue=False,
        started_on=None,
        deemed_accepted=False,
        legal_due_date=None,
        promised_due_date=None,
        remaining_workdays=None,
        light=None,
        clock_paused=False,
        stopped_on=None,
        certificate_due_date=None,
        provisional=False,
    )


def test_submitted_case_has_only_the_acceptance_window(cal: WorkCalendar) -> None:
    assert clock(cal, [ev("submit", D(2026, 6, 1))], D(2026, 6, 1)) == CaseClock(
        received_on=D(2026, 6, 1),
        acceptance_due_date=D(2026, 6, 8),
        acceptance_overdue=False,
        started_on=None,
        deemed_accepted=False,
        legal_due_date=None,
        promised_due_date=None,
        remaining_workdays=None,
        light=None,
        clock_paused=False,
        stopped_on=None,
        certificate_due_date=None,
        provisional=False,
    )


@pytest.mark.parametrize(
    ("submitted", "today", "due", "overdue"),
    [
        (D(2026, 6, 1), D(2026, 6, 8), D(2026, 6, 8), False),  # the last day of the window
        (D(2026, 6, 1), D(2026, 6, 9), D(2026, 6, 8), True),
        # Over 端午: 17, 18 Jun (2), 19–21 off, 22, 23, 24 Jun (5).
        (D(2026, 6, 16), D(2026, 6, 24), D(2026, 6, 24), False),
        (D(2026, 6, 16), D(2026, 6, 25), D(2026, 6, 24), True),
        # Received on a Saturday: 8–12 Jun are 1–5.
        (D(2026, 6, 6), D(2026, 6, 12), D(2026, 6, 12), False),
        # Over 中秋 and 国庆: 28, 29, 30 Sep (3), 1–7 Oct off, 8, 9 Oct (5).
        (D(2026, 9, 24), D(2026, 10, 8), D(2026, 10, 9), False),
        (D(2026, 9, 24), D(2026, 10, 10), D(2026, 10, 9), True),
    ],
)
def test_acceptance_window_is_five_working_days_after_receipt(
    cal: WorkCalendar, submitted: dt.date, today: dt.date, due: dt.date, overdue: bool
) -> None:
    state = clock(cal, [ev("submit", submitted)], today)
    assert (state.acceptance_due_date, state.acceptance_overdue) == (due, overdue)


def test_accepted_before_national_day(cal: WorkCalendar) -> None:
    # given: received Thu 24 Sep, accepted Mon 28 Sep; 20 and 15 working days:
    # 29, 30 Sep (2), 1–7 Oct 国庆, 8, 9 Oct (4), Sat 10 Oct 调休上班 (5), 12–16 Oct (10), 19–23 Oct (15),
    # 26–30 Oct (20).
    events = [ev("submit", D(2026, 9, 24)), ev("accept", D(2026, 9, 28))]
    # when
    state = clock(cal, events, D(2026, 9, 28))
    # then
    assert state == CaseClock(
        received_on=D(2026, 9, 24),
        acceptance_due_date=D(2026, 10, 9),
        acceptance_overdue=False,
        started_on=D(2026, 9, 28),
        deemed_accepted=False,
        legal_due_date=D(2026, 10, 30),
        promised_due_date=D(2026, 10, 23),
        remaining_workdays=20,
        light=Light.GREEN,
        clock_paused=False,
        stopped_on=None,
        certificate_due_date=None,
        provisional=False,
    )


@pytest.mark.parametrize(
    ("today", "remaining", "light"),
    [
        # Yellow when remaining ≤ ⌈0.2 × 20⌉ = 4; red after 30 Jun.
        (D(2026, 6, 23), 5, Light.GREEN),
        (D(2026, 6, 24), 4, Light.YELLOW),
        (D(2026, 6, 30), 0, Light.YELLOW),
        (D(2026, 7, 2), -2, Light.RED),
    ],
)
def test_light_as_today_advances(cal: WorkCalendar, today: dt.date, remaining: int, light: Light) -> None:
    state = clock(cal, ACCEPTED_JUN_1, today)
    assert (state.remaining_workdays, state.light) == (remaining, light)


def test_two_suspensions_move_both_due_dates_by_their_working_days(cal: WorkCalendar) -> None:
    # given: (2 Jun, 4 Jun] = 3, 4 → 2 working days; (18 Jun, 22 Jun] = 22 Jun only (端午) → 1.
    events = [
        *ACCEPTED_JUN_1,
        ev("suspend", D(2026, 6, 2)),
        ev("resume", D(2026, 6, 4)),
        ev("suspend", D(2026, 6, 18)),
        ev("resume", D(2026, 6, 22)),
    ]
    # when
    state = clock(cal, events, D(2026, 6, 23))
    # then: 30 Jun + 3 = 1, 2, 3 Jul; 23 Jun + 3 = 24, 25, 26 Jun.
    assert (state.legal_due_date, state.promised_due_date) == (D(2026, 7, 3), D(2026, 6, 26))
    # (23 Jun, 3 Jul] = 24, 25, 26, 29, 30 Jun, 1, 2, 3 Jul
    assert (state.remaining_workdays, state.light, state.clock_paused) == (8, Light.GREEN, False)


def test_open_suspension_pauses_the_clock(cal: WorkCalendar) -> None:
    # given: suspended Wed 10 Jun, not resumed: (10 Jun, 30 Jun] = 13 working days were left.
    events = [*ACCEPTED_JUN_1, ev("suspend", D(2026, 6, 10))]
    # when: a week later, the open period (10 Jun, 17 Jun] = 11, 12, 15, 16, 17 counts as suspended
    state = clock(cal, events, D(2026, 6, 17))
    # then: 30 Jun + 5 = 1, 2, 3, 6, 7 Jul, and still 13 left
    assert (state.legal_due_date, state.promised_due_date) == (D(2026, 7, 7), D(2026, 6, 30))
    assert (state.remaining_workdays, state.light, state.clock_paused) == (13, Light.GREEN, True)
    assert state.stopped_on is None


@pytest.mark.parametrize(
    ("amount", "default", "legal"),
    [
        (None, 10, D(2026, 7, 14)),  # 30 Jun + 1–3, 6–10, 13, 14 Jul
        (None, 15, D(2026, 7, 21)),  # + 15, 16, 17, 20, 21 Jul
        (5, 10, D(2026, 7, 7)),  # 1, 2, 3, 6, 7 Jul
        (0, 10, D(2026, 6, 30)),
    ],
)
def test_extension_moves_only_the_legal_due_date(
    cal: WorkCalendar, amount: int | None, default: int, legal: dt.date
) -> None:
    events = [*ACCEPTED_JUN_1, ev("extend", D(2026, 6, 25), amount)]
    state = clock(cal, events, D(2026, 6, 25), default_extension=default)
    assert (state.legal_due_date, state.promised_due_date) == (legal, D(2026, 6, 23))


def test_extension_and_suspension_together(cal: WorkCalendar) -> None:
    # 30 Jun + 10 (extension) + 3 (suspension (10 Jun, 15 Jun] = 11, 12, 15) = 17 Jul.
    events = [
        *ACCEPTED_JUN_1,
        ev("suspend", D(2026, 6, 10)),
        ev("resume", D(2026, 6, 15)),
        ev("extend", D(2026, 6, 26)),
    ]
    state = clock(cal, events, D(2026, 6, 26))
    assert (state.legal_due_date, state.promised_due_date) == (D(2026, 7, 17), D(2026, 6, 26))


def test_deemed_acceptance_counts_from_receipt(cal: WorkCalendar) -> None:
    # given: received Mon 1 Jun, nothing done by Mon 8 Jun; the tick records the deemed acceptance on 9 Jun.
    events = [ev("submit", D(2026, 6, 1)), ev(DEEMED, D(2026, 6, 9))]
    # when
    state = clock(cal, events, D(2026, 6, 9))
    # then: the clock started on 1 Jun, so 6 of the 20 working days (2–5, 8, 9 Jun) are already gone.
    assert state == CaseClock(
        received_on=D(2026, 6, 1),
        acceptance_due_date=D(2026, 6, 8),
        acceptance_overdue=False,
        started_on=D(2026, 6, 1),
        deemed_accepted=True,
        legal_due_date=D(2026, 6, 30),
        promised_due_date=D(2026, 6, 23),
        remaining_workdays=14,  # (9 Jun, 30 Jun] = 10–12, 15–18, 22–26, 29, 30
        light=Light.GREEN,
        clock_paused=False,
        stopped_on=None,
        certificate_due_date=None,
        provisional=False,
    )


def test_an_accept_after_the_window_is_a_deemed_acceptance(cal: WorkCalendar) -> None:
    late = clock(cal, [ev("submit", D(2026, 6, 1)), ev("accept", D(2026, 6, 10))], D(2026, 6, 10))
    assert (late.started_on, late.deemed_accepted, late.legal_due_date) == (
        D(2026, 6, 1),
        True,
        D(2026, 6, 30),
    )


def test_an_accept_on_the_last_day_of_the_window_counts_from_that_day(cal: WorkCalendar) -> None:
    # 20 working days from Mon 8 Jun: 9–12 (4), 15–18 (8), 22–26 (13), 29, 30 (15), 1–3 Jul (18), 6, 7 Jul.
    state = clock(cal, [ev("submit", D(2026, 6, 1)), ev("accept", D(2026, 6, 8))], D(2026, 6, 8))
    assert (state.started_on, state.deemed_accepted, state.legal_due_date) == (
        D(2026, 6, 8),
        False,
        D(2026, 7, 7),
    )


def test_deemed_acceptance_inside_the_window_is_rejected(cal: WorkCalendar) -> None:
    with pytest.raises(CaseClockError) as excinfo:
        clock(cal, [ev("submit", D(2026, 6, 1)), ev(DEEMED, D(2026, 6, 8))], D(2026, 6, 8))
    assert str(excinfo.value) == "受理期限 2026-06-08 届满前不能视为受理（2026-06-08）"


def test_supplement_restarts_the_acceptance_window_from_the_supplement_date(cal: WorkCalendar) -> None:
    # given: received 1 Jun, one-time supplement notice 3 Jun, materials complete Mon 15 Jun
    notice = [ev("submit", D(2026, 6, 1)), ev("request-supplement", D(2026, 6, 3))]
    # while the applicant supplements, no window runs and nothing is overdue
    waiting = clock(cal, notice, D(2026, 6, 12))
    assert (waiting.received_on, waiting.acceptance_due_date, waiting.acceptance_overdue) == (
        D(2026, 6, 1),
        None,
        False,
    )
    # when: supplemented; 16, 17, 18, 22, 23 Jun
    supplemented = [*notice, ev("supplement", D(2026, 6, 15))]
    state = clock(cal, supplemented, D(2026, 6, 24))
    # then
    assert (state.received_on, state.acceptance_due_date, state.acceptance_overdue) == (
        D(2026, 6, 15),
        D(2026, 6, 23),
        True,
    )
    # and a deemed acceptance counts from the supplement date: 16–18 (3), 22–26 (8), 29, 30 (10),
    # 1–3 Jul (13), 6–10 (18), 13, 14 Jul (20).
    deemed = clock(cal, [*supplemented, ev(DEEMED, D(2026, 6, 24))], D(2026, 6, 24))
    assert (deemed.started_on, deemed.deemed_accepted, deemed.legal_due_date) == (
        D(2026, 6, 15),
        True,
        D(2026, 7, 14),
    )


def test_supplement_during_review_does_not_touch_the_clock(cal: WorkCalendar) -> None:
    # 容缺受理: the missing material arrives during the review.
    state = clock(cal, [*ACCEPTED_JUN_1, ev("supplement", D(2026, 6, 10))], D(2026, 6, 10))
    assert (state.received_on, state.started_on, state.legal_due_date) == (
        D(2026, 5, 29),
        D(2026, 6, 1),
        D(2026, 6, 30),
    )


def test_refusal_never_starts_the_clock(cal: WorkCalendar) -> None:
    events = [ev("submit", D(2026, 6, 1)), ev("refuse", D(2026, 6, 3)), ev("complete", D(2026, 6, 4))]
    state = clock(cal, events, D(2026, 6, 30))
    assert (state.acceptance_due_date, state.acceptance_overdue, state.started_on, state.light) == (
        D(2026, 6, 8),
        False,
        None,
        None,
    )


def test_withdrawal_before_acceptance_never_starts_the_clock(cal: WorkCalendar) -> None:
    events = [ev("submit", D(2026, 6, 1)), ev("withdraw", D(2026, 6, 3))]
    state = clock(cal, events, D(2026, 6, 30))
    assert (state.acceptance_overdue, state.started_on, state.stopped_on) == (False, None, None)


def test_approval_late_stays_red_and_sets_the_certificate_due_date(cal: WorkCalendar) -> None:
    # given: approved Thu 2 Jul, two working days after the legal due date of 30 Jun
    events = [*ACCEPTED_JUN_1, ev("approve", D(2026, 7, 2))]
    # when: looked at two months later
    state = clock(cal, events, D(2026, 9, 1))
    # then: frozen at 2 Jul; certificate: 3 Jul (1), 6–10 (6), 13–16 Jul (10)
    assert state == CaseClock(
        received_on=D(2026, 5, 29),
        acceptance_due_date=D(2026, 6, 5),  # 1, 2, 3, 4, 5 Jun
        acceptance_overdue=False,
        started_on=D(2026, 6, 1),
        deemed_accepted=False,
        legal_due_date=D(2026, 6, 30),
        promised_due_date=D(2026, 6, 23),
        remaining_workdays=-2,
        light=Light.RED,
        clock_paused=False,
        stopped_on=D(2026, 7, 2),
        certificate_due_date=D(2026, 7, 16),
        provisional=False,
    )


def test_denial_in_time_keeps_its_light(cal: WorkCalendar) -> None:
    # (12 Jun, 30 Jun] = 15–18, 22–26, 29, 30 = 11 working days left on the decision day.
    events = [*ACCEPTED_JUN_1, ev("deny", D(2026, 6, 12)), ev("complete", D(2026, 6, 15))]
    state = clock(cal, events, D(2026, 8, 3))
    assert (state.remaining_workdays, state.light, state.stopped_on, state.certificate_due_date) == (
        11,
        Light.GREEN,
        D(2026, 6, 12),
        None,
    )


def test_withdrawal_during_a_special_procedure_ends_it_and_stops_the_clock(cal: WorkCalendar) -> None:
    # (10 Jun, 17 Jun] = 5 working days suspended: due 7 Jul; (17 Jun, 7 Jul] = 13 left when withdrawn.
    events = [*ACCEPTED_JUN_1, ev("suspend", D(2026, 6, 10)), ev("withdraw", D(2026, 6, 17))]
    state = clock(cal, events, D(2026, 8, 3))
    assert (state.legal_due_date, state.remaining_workdays, state.clock_paused, state.stopped_on) == (
        D(2026, 7, 7),
        13,
        False,
        D(2026, 6, 17),
    )


def test_certificate_due_date_across_national_day(cal: WorkCalendar) -> None:
    # Approved Wed 30 Sep: 8, 9, 10 (Sat, worked), 12–16, 19, 20 Oct → 10th working day is Tue 20 Oct.
    events = [
        ev("submit", D(2026, 9, 24)),
        ev("accept", D(2026, 9, 28)),
        ev("approve", D(2026, 9, 30)),
        ev("pay", D(2026, 10, 8)),
        ev("issue", D(2026, 10, 9)),
    ]
    state = clock(cal, events, D(2026, 10, 9))
    assert (state.certificate_due_date, state.stopped_on, state.remaining_workdays) == (
        D(2026, 10, 20),
        D(2026, 9, 30),
        18,
    )


def test_immediate_item_on_the_spot(cal: WorkCalendar) -> None:
    # 即办件: promised 0 days, everything on Mon 1 Jun; the legal limit still applies for the record.
    day = D(2026, 6, 1)
    events = [ev(kind, day) for kind in ["submit", "accept", "approve", "issue", "deliver", "complete"]]
    state = clock(cal, events, D(2026, 6, 5), promised=TimeLimit(0))
    assert (state.started_on, state.promised_due_date, state.legal_due_date, state.stopped_on) == (
        day,
        day,
        D(2026, 6, 30),
        day,
    )
    assert (state.remaining_workdays, state.light, state.certificate_due_date) == (
        20,
        Light.GREEN,
        D(2026, 6, 15),
    )


def test_natural_day_limit_and_extension(cal: WorkCalendar) -> None:
    # 30 natural days from 1 Jun = 1 Jul, + 10 natural days extension = 11 Jul (a Saturday).
    events = [*ACCEPTED_JUN_1, ev("extend", D(2026, 6, 20), 10)]
    state = clock(cal, events, D(2026, 6, 22), legal=TimeLimit(30, TimeUnit.NATURAL_DAY), promised=None)
    assert (state.legal_due_date, state.promised_due_date) == (D(2026, 7, 11), None)


@pytest.mark.parametrize(
    ("events", "today", "field", "value"),
    [
        # Received Mon 28 Dec: 29, 30, 31 Dec (3), 1 Jan 2027 provisional 元旦, 4, 5 Jan (5).
        ([ev("submit", D(2026, 12, 28))], D(2026, 12, 28), "acceptance_due_date", D(2027, 1, 5)),
        # Accepted Tue 1 Dec, 20 days: 29 Dec 2026; approved 22 Dec: 23–25, 28–31 Dec (7), 4–6 Jan 2027.
        (
            [ev("submit", D(2026, 11, 30)), ev("accept", D(2026, 12, 1)), ev("approve", D(2026, 12, 22))],
            D(2026, 12, 22),
            "certificate_due_date",
            D(2027, 1, 6),
        ),
        # Suspended 15 Dec (open), today 5 Jan 2027: the due date moves into 2027.
        (
            [ev("submit", D(2026, 11, 30)), ev("accept", D(2026, 12, 1)), ev("suspend", D(2026, 12, 15))],
            D(2027, 1, 5),
            "clock_paused",
            True,
        ),
    ],
)
def test_provisional_when_a_date_goes_through_2027(
    cal: WorkCalendar, events: list[ClockEvent], today: dt.date, field: str, value: object
) -> None:
    state = clock(cal, events, today)
    assert (getattr(state, field), state.provisional) == (value, True)


def test_not_provisional_inside_2026(cal: WorkCalendar) -> None:
    events = [ev("submit", D(2026, 11, 30)), ev("accept", D(2026, 12, 1))]
    state = clock(cal, events, D(2026, 12, 1))
    assert (state.acceptance_due_date, state.legal_due_date, state.provisional) == (
        D(2026, 12, 7),
        D(2026, 12, 29),
        False,
    )


def test_events_of_one_day_keep_their_order(cal: WorkCalendar) -> None:
    # Suspended and resumed the same day: nothing excluded.
    events = [*ACCEPTED_JUN_1, ev("suspend", D(2026, 6, 10)), ev("resume", D(2026, 6, 10))]
    state = clock(cal, events, D(2026, 6, 11))
    assert (state.legal_due_date, state.clock_paused) == (D(2026, 6, 30), False)
    # The other way round is an impossible history.
    with pytest.raises(TransitionNotAllowed) as excinfo:
        clock(cal, [*ACCEPTED_JUN_1, events[3], events[2]], D(2026, 6, 11))
    assert str(excinfo.value) == "办件状态为“审查中”，不能执行“特别程序结束”"


def test_events_are_taken_in_date_order(cal: WorkCalendar) -> None:
    events = [
        *ACCEPTED_JUN_1,
        ev("suspend", D(2026, 6, 2)),
        ev("resume", D(2026, 6, 4)),
        ev("extend", D(2026, 6, 10)),
    ]
    assert clock(cal, events[::-1], D(2026, 6, 10)) == clock(cal, events, D(2026, 6, 10))


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([ev("accept", D(2026, 6, 1))], "办件尚未提交申请，不能执行“受理”"),
        ([*ACCEPTED_JUN_1, ev(DEEMED, D(2026, 6, 9))], "办件状态为“审查中”，不能执行“受理”"),
        ([*ACCEPTED_JUN_1, ev("approve", D(2026, 6, 2)), ev("deliver", D(2026, 6, 3))],
         "办件状态为“准予”，不能执行“送达”"),
    ],
)  # fmt: skip
def test_impossible_histories_are_rejected(cal: WorkCalendar, events: list[ClockEvent], message: str) -> None:
    with pytest.raises(TransitionNotAllowed) as excinfo:
        clock(cal, events, D(2026, 6, 10))
    assert str(excinfo.value) == message


def test_an_event_after_today_is_rejected(cal: WorkCalendar) -> None:
    with pytest.raises(CaseClockError) as excinfo:
        clock(cal, ACCEPTED_JUN_1, D(2026, 5, 31))
    assert str(excinfo.value) == "办件事件的日期 2026-06-01 晚于今天 2026-05-31"


def test_event_validation() -> None:
    with pytest.raises(CaseClockError) as not_extend:
        ClockEvent(CaseAction.SUSPEND, D(2026, 6, 1), 3)
    assert str(not_extend.value) == "只有“延期”事件可以指定延长的时限，“特别程序开始”不能"
    with pytest.raises(CaseClockError) as deemed:
        ClockEvent(SystemEvent.DEEMED_ACCEPT, D(2026, 6, 1), 3)
    assert str(deemed.value) == "只有“延期”事件可以指定延长的时限，“视为受理”不能"
    with pytest.raises(CaseClockError) as negative:
        ClockEvent(CaseAction.EXTEND, D(2026, 6, 1), -1)
    assert str(negative.value) == "延长的时限不能为负数"


def test_parse_event_kind() -> None:
    assert parse_event_kind("deemed_accept") is SystemEvent.DEEMED_ACCEPT
    assert parse_event_kind("request-supplement") is CaseAction.REQUEST_SUPPLEMENT
    assert SystemEvent.DEEMED_ACCEPT.label == "视为受理"
    with pytest.raises(CaseClockError) as excinfo:
        parse_event_kind("request_supplement")
    assert str(excinfo.value) == "未知的办件事件类型：request_supplement"


# --- properties ------------------------------------------------------------------------------------

CAL = calendar_2026()
accept_days = st.dates(min_value=D(2026, 1, 5), max_value=D(2026, 12, 31))


@st.composite
def review_events(draw: st.DrawFn, accepted: dt.date) -> tuple[list[ClockEvent], list[int], list[int]]:
    """Events after acceptance, on strictly increasing dates: closed suspensions and extensions.

    Returns the events, the working days of each suspension and the extension amounts.
    """
    events: list[ClockEvent] = []
    suspended: list[int] = []
    extended: list[int] = []
    cursor = accepted
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        start = cursor + dt.timedelta(days=draw(st.integers(min_value=1, max_value=15)))
        if draw(st.booleans()):
            end = start + dt.timedelta(days=draw(st.integers(min_value=1, max_value=20)))
            events += [ClockEvent(CaseAction.SUSPEND, start), ClockEvent(CaseAction.RESUME, end)]
            suspended.append(CAL.workdays_between(start, end).value)
            cursor = end
        else:
            amount = draw(st.integers(min_value=0, max_value=15))
            events.append(ClockEvent(CaseAction.EXTEND, start, amount))
            extended.append(amount)
            cursor = start
    return events, suspended, extended


def _accepted(day: dt.date) -> list[ClockEvent]:
    return [ClockEvent(CaseAction.SUBMIT, day - dt.timedelta(days=1)), ClockEvent(CaseAction.ACCEPT, day)]


@given(data=st.data(), accepted=accept_days, limit=st.integers(min_value=1, max_value=60))
def test_due_dates_are_the_limits_plus_the_sums(data: st.DataObject, accepted: dt.date, limit: int) -> None:
    # given
    events, suspended, extended = data.draw(review_events(accepted))
    promised = data.draw(st.integers(min_value=1, max_value=limit))
    today = max([accepted, *(e.on for e in events)])
    # when
    state = compute_case_clock(
        CAL,
        events=[*_accepted(accepted), *events],
        legal_limit=TimeLimit(limit),
        promised_limit=TimeLimit(promised),
        today=today,
    )
    # then
    k = sum(suspended)
    assert state.legal_due_date == CAL.add_workdays(accepted, limit + sum(extended) + k).value
    assert state.promised_due_date == CAL.add_workdays(accepted, promised + k).value


@given(
    data=st.data(),
    accepted=accept_days,
    limit=st.integers(min_value=1, max_value=60),
    offset=st.integers(min_value=0, max_value=40),
    length=st.integers(min_value=0, max_value=40),
)
def test_a_suspension_of_k_working_days_moves_both_due_dates_by_k(
    data: st.DataObject, accepted: dt.date, limit: int, offset: int, length: int
) -> None:
    # given: a case with some history, and one more suspension of k working days after it
    events, _, _ = data.draw(review_events(accepted))
    last = max([accepted, *(e.on for e in events)])
    s = last + dt.timedelta(days=offset)
    e = s + dt.timedelta(days=length)
    k = CAL.workdays_between(s, e).value
    base = [*_accepted(accepted), *events]
    legal, promised = TimeLimit(limit), TimeLimit(max(1, limit // 2))
    suspension = [ClockEvent(CaseAction.SUSPEND, s), ClockEvent(CaseAction.RESUME, e)]
    # when
    plain = compute_case_clock(CAL, events=base, legal_limit=legal, promised_limit=promised, today=e)
    moved = compute_case_clock(
        CAL, events=[*base, *suspension], legal_limit=legal, promised_limit=promised, today=e
    )
    # then
    assert plain.legal_due_date is not None and plain.promised_due_date is not None
    assert plain.remaining_workdays is not None
    assert moved.legal_due_date == CAL.add_workdays(plain.legal_due_date, k).value
    assert moved.promised_due_date == CAL.add_workdays(plain.promised_due_date, k).value
    assert moved.remaining_workdays == plain.remaining_workdays + k


@given(data=st.data(), accepted=accept_days, seed=st.integers(min_value=0, max_value=2**32))
def test_order_of_events_is_irrelevant(data: st.DataObject, accepted: dt.date, seed: int) -> None:
    # given: a history on distinct dates, and the same history given in another order
    events, _, extended = data.draw(review_events(accepted))
    history = [*_accepted(accepted), *events]
    shuffled = list(history)
    random.Random(seed).shuffle(shuffled)
    today = max(e.on for e in history)
    # and the extension amounts handed out to the extend events in another order
    amounts = list(extended)
    random.Random(seed).shuffle(amounts)
    iterator = iter(amounts)
    reassigned = [
        ClockEvent(e.action, e.on, next(iterator)) if e.action is CaseAction.EXTEND else e for e in history
    ]
    # when
    results = [
        compute_case_clock(CAL, events=h, legal_limit=TWENTY, promised_limit=FIFTEEN, today=today)
        for h in (history, shuffled, reassigned)
    ]
    # then
    assert results[0] == results[1] == results[2]
