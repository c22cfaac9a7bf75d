"""Time-driven case rules (``haoban tick``) and the calendar's deadline recomputer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from haoban.calendars.services import calendar_import_year
from haoban.cases import ticks
from haoban.cases.models import Case
from haoban.cases.services import case_accept
from haoban.cases.tests.factories import (
    accept,
    at,
    case_in_status,
    make_case_version,
    make_staff,
    outbox_mark,
    outbox_since,
    requirement,
    snapshot,
    submit_case,
)
from haoban.core.ticks import registered_ticks, run_ticks

pytestmark = pytest.mark.django_db


def test_jobs_are_registered() -> None:
    assert {"cases.deemed_acceptance", "cases.refresh_clocks", "cases.tolerant_overdue"} <= set(
        registered_ticks()
    )


def test_deemed_acceptance_after_the_fifth_working_day(time_machine: Any) -> None:
    # given: received Mon 28 Sep; the window ends Sat 10 Oct (a make-up working day)
    time_machine.move_to(at(2026, 9, 28, 9), tick=False)
    case = submit_case()
    waiting = case_in_status("pending_supplement")
    time_machine.move_to(at(2026, 10, 10, 23, 59), tick=False)
    assert ticks.deemed_acceptance(at(2026, 10, 10, 23, 59)) == "视为受理 0 件"
    mark = outbox_mark()

    # when: the first tick after the window
    time_machine.move_to(at(2026, 10, 11, 0, 1), tick=False)
    summary = ticks.deemed_acceptance(at(2026, 10, 11, 0, 1))

    # then (Art. 32): accepted from the receipt date, recorded as its own event without actor
    assert summary == "视为受理 1 件"
    case.refresh_from_db()
    assert (case.status, case.deemed_accepted, case.accepted_on) == ("in_review", True, dt.date(2026, 9, 28))
    assert (case.legal_due_date, case.promised_due_date) == (dt.date(2026, 10, 30), dt.date(2026, 10, 10))
    assert case.current_step.name == "审查"
    event = case.events.get(sequence=2)
    assert (event.action, event.actor, event.actor_role, event.from_status, event.to_status) == (
        "deemed_accept",
        None,
        "system",
        "submitted",
        "in_review",
    )
    assert outbox_since(mark) == [
        ("cases.notice", {"event_id": event.pk, "kind": "acceptance"}),
        ("cases.notify", {"event_id": event.pk}),
    ]
    # a case waiting for the applicant's materials has no window running
    waiting.refresh_from_db()
    assert waiting.status == "pending_supplement"

    # and a second run changes nothing
    before = snapshot(case)
    assert ticks.deemed_acceptance(at(2026, 10, 11, 0, 2)) == "视为受理 0 件"
    assert snapshot(case) == before


def test_refresh_clocks_once_a_day(time_machine: Any) -> None:
    # given: accepted Mon 28 Sep (legal due 30 Oct), last computed that day
    time_machine.move_to(at(2026, 9, 28, 9), tick=False)
    case = accept(submit_case())
    done = case_in_status("completed")
    assert (case.remaining_workdays, case.light) == (20, "green")

    # when
    time_machine.move_to(at(2026, 10, 27, 0, 5), tick=False)
    summary = run_ticks(at(2026, 10, 27, 0, 5))

    # then: 28–30 Oct are the 3 working days left: yellow (≤ 20 % of 20)
    assert summary["cases.refresh_clocks"] == "重算期限 1 件，变化 1 件"
    case.refresh_from_db()
    assert (case.remaining_workdays, case.light, case.clock_computed_on) == (
        3,
        "yellow",
        dt.date(2026, 10, 27),
    )
    assert Case.objects.get(pk=done.pk).clock_computed_on == dt.date(2026, 9, 28)
    assert ticks.refresh_clocks(at(2026, 10, 27, 0, 6)) == "重算期限 0 件，变化 0 件"

    # a day after the due date: red
    time_machine.move_to(at(2026, 11, 2, 0, 5), tick=False)
    ticks.refresh_clocks(at(2026, 11, 2, 0, 5))
    case.refresh_from_db()
    assert (case.remaining_workdays, case.light) == (-1, "red")


def test_tolerant_overdue_alerts_once(time_machine: Any) -> None:
    # given: 容缺受理 on 28 Sep, materials promised by Fri 9 Oct
    time_machine.move_to(at(2026, 9, 28, 9), tick=False)
    version = make_case_version(tags=["tolerant_acceptance"])
    case = submit_case(version=version)
    case = case_accept(
        case=case,
        actor=make_staff("window_clerk", case.department),
        deficient_materials=[requirement(version, "食品安全管理制度文本")],
        tolerant_due_date=dt.date(2026, 10, 9),
    )
    accepted = case.events.get(sequence=2)
    time_machine.move_to(at(2026, 10, 9, 20), tick=False)
    assert ticks.tolerant_overdue(at(2026, 10, 9, 20)) == "容缺逾期提醒 0 件"
    mark = outbox_mark()

    # when
    time_machine.move_to(at(2026, 10, 10, 0, 1), tick=False)
    first = ticks.tolerant_overdue(at(2026, 10, 10, 0, 1))
    second = ticks.tolerant_overdue(at(2026, 10, 10, 0, 2))

    # then
    assert (first, second) == ("容缺逾期提醒 1 件", "容缺逾期提醒 0 件")
    case.refresh_from_db()
    assert case.tolerant_alerted_on == dt.date(2026, 10, 10)
    assert outbox_since(mark) == [
        (
            "cases.notify",
            {
                "event_id": accepted.pk,
                "case_id": case.pk,
                "kind": "tolerant_overdue",
                "tolerant_due_date": "2026-10-09",
            },
        )
    ]


def test_publishing_a_year_recomputes_provisional_cases(time_machine: Any) -> None:
    # given: accepted Mon 14 Dec 2026; the legal due date falls in 2027, not yet published
    time_machine.move_to(at(2026, 12, 14, 9), tick=False)
    case = accept(submit_case())
    old_decided = case_in_status("approved")
    assert (case.legal_due_date, case.provisional) == (dt.date(2027, 1, 12), True)
    time_machine.move_to(at(2026, 12, 21, 9), tick=False)

    # when: 2027 is published with 4 and 5 Jan as holidays (a made-up notice for the test)
    calendar_import_year(
        year=2027,
        holidays=[
            (dt.date(2027, 1, 1), "元旦"),
            (dt.date(2027, 1, 4), "测试假日"),
            (dt.date(2027, 1, 5), "测试假日"),
        ],
        makeup_workdays=[],
        source_notice="测试通知（虚构）",
    )

    # then
    from haoban.calendars.models import CalendarChange

    change = CalendarChange.objects.filter(year=2027).latest("created_at")
    records = [r for r in change.details["recomputed"] if r["case"] == case.number]
    assert records == [
        {"case": case.number, "field": "legal_due_date", "old": "2027-01-12", "new": "2027-01-14"},
        {"case": case.number, "field": "remaining_workdays", "old": 20, "new": 15},
        {"case": case.number, "field": "provisional", "old": True, "new": False},
    ]
    case.refresh_from_db()
    assert (case.legal_due_date, case.provisional, case.remaining_workdays) == (
        dt.date(2027, 1, 14),
        False,
        15,
    )
    # the approved case's stored legal due date was provisional too, and is corrected
    assert [r for r in change.details["recomputed"] if r["case"] == old_decided.number] == [
        {"case": old_decided.number, "field": "legal_due_date", "old": "2027-01-12", "new": "2027-01-14"},
        {"case": old_decided.number, "field": "provisional", "old": True, "new": False},
    ]
