"""case_resume (特别程序结束, Art. 45): several special procedures move both due dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from haoban.cases.services import CaseConflict, case_resume, case_suspend
from haoban.cases.tests.factories import (
    accept,
    at,
    make_staff,
    outbox_mark,
    outbox_since,
    snapshot,
    submit_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 10, 26, 9), tick=False)


def test_several_suspensions_move_both_due_dates_by_their_working_days() -> None:
    # given: accepted 28 Sep: legal due Fri 30 Oct, promised due Sat 10 Oct
    case = accept(submit_case(at=at(2026, 9, 28, 9)), at(2026, 9, 28, 10))
    reviewer = make_staff("reviewer", case.department)

    # when: 12 → 14 Oct (2 working days), then 19 → 22 Oct (3 working days)
    case = case_suspend(
        case=case,
        actor=reviewer,
        at=at(2026, 10, 12, 9),
        procedure="inspection",
        reason="检验",
        expected_days=5,
    )
    case = case_resume(case=case, actor=reviewer, at=at(2026, 10, 14, 9))
    after_first = (case.legal_due_date, case.promised_due_date)
    case = case_suspend(
        case=case,
        actor=reviewer,
        at=at(2026, 10, 19, 9),
        procedure="expert_review",
        reason="评审",
        expected_days=5,
    )
    mark = outbox_mark()
    case = case_resume(case=case, actor=reviewer, at=at(2026, 10, 22, 9))

    # then
    assert after_first == (dt.date(2026, 11, 3), dt.date(2026, 10, 13))
    assert (case.legal_due_date, case.promised_due_date) == (dt.date(2026, 11, 6), dt.date(2026, 10, 16))
    assert (case.status, case.clock_paused) == ("in_review", False)
    # 26 Oct: 27–30 Oct and 2–6 Nov are the 9 working days left
    assert (case.remaining_workdays, case.light) == (9, "green")
    event = case.events.get(sequence=6)
    assert (event.action, event.from_status, event.to_status, event.data) == (
        "resume",
        "suspended",
        "in_review",
        {"procedure": "expert_review"},
    )
    assert outbox_since(mark) == [("cases.notify", {"event_id": event.pk})]


def test_resuming_a_case_not_suspended_is_a_conflict() -> None:
    case = accept(submit_case(at=at(2026, 9, 28, 9)), at(2026, 9, 28, 10))
    before = snapshot(case)

    with pytest.raises(CaseConflict) as raised:
        case_resume(case=case, actor=make_staff("reviewer", case.department))

    assert raised.value.message == "办件状态为“审查中”，不能执行“特别程序结束”"
    assert snapshot(case) == before
