"""case_issue (制证, Art. 44): after approval, tracked against the certificate due date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from haoban.cases.services import CaseConflict, case_issue
from haoban.cases.tests.factories import (
    accept,
    approve,
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
    time_machine.move_to(at(2026, 10, 30, 9), tick=False)


@pytest.mark.parametrize(("day", "on_time"), [(dt.date(2026, 10, 19), True), (dt.date(2026, 10, 20), False)])
def test_issue_moves_to_delivery_and_records_whether_on_time(day: dt.date, on_time: bool) -> None:
    # given: approved Tue 29 Sep → certificate due Mon 19 Oct (国庆 in between)
    case = approve(accept(submit_case(at=at(2026, 9, 28, 9)), at(2026, 9, 28, 10)), at(2026, 9, 29, 9))
    assert case.certificate_due_date == dt.date(2026, 10, 19)
    mark = outbox_mark()

    # when
    case = case_issue(
        case=case, actor=make_staff("window_clerk", case.department), at=at(day.year, day.month, day.day)
    )

    # then
    assert case.status == "issued"
    assert case.current_step.name == "送达"
    assert case.step_due_date == make_due(day)
    event = case.events.get(sequence=4)
    assert (event.action, event.data) == ("issue", {"on_time": on_time})
    assert outbox_since(mark) == [("cases.notify", {"event_id": event.pk})]


def make_due(day: dt.date) -> dt.date:
    # 送达 is given 2 working days
    return {dt.date(2026, 10, 19): dt.date(2026, 10, 21), dt.date(2026, 10, 20): dt.date(2026, 10, 22)}[day]


def test_issue_before_approval_is_a_conflict() -> None:
    case = accept(submit_case(at=at(2026, 10, 28, 9)), at(2026, 10, 28, 10))
    before = snapshot(case)

    with pytest.raises(CaseConflict) as raised:
        case_issue(case=case, actor=make_staff("window_clerk", case.department))

    assert raised.value.message == "办件状态为“审查中”，不能执行“制证”"
    assert snapshot(case) == before
