"""case_suspend (特别程序, Art. 45): the clock pauses; the procedure kinds; notice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.cases.services import CaseConflict, case_suspend
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
    time_machine.move_to(at(2026, 10, 14, 9), tick=False)


def test_suspension_pauses_the_clock_and_sends_the_special_procedure_notice() -> None:
    # given: accepted 28 Sep (legal due 30 Oct), suspended on Mon 12 Oct; today Wed 14 Oct
    case = accept(submit_case(at=at(2026, 9, 28, 9)), at(2026, 9, 28, 10))
    reviewer = make_staff("reviewer", case.department)
    mark = outbox_mark()

    # when
    case = case_suspend(
        case=case,
        actor=reviewer,
        at=at(2026, 10, 12, 9),
        procedure="testing",
        reason="送检",
        expected_days=15,
    )

    # then: the open period counts up to today, so the due date moves with it and the remaining days stand
    assert (case.status, case.clock_paused) == ("suspended", True)
    assert (case.legal_due_date, case.promised_due_date) == (dt.date(2026, 11, 3), dt.date(2026, 10, 13))
    assert case.remaining_workdays == 14
    event = case.events.get(sequence=3)
    assert (event.action, event.reason, event.data) == (
        "suspend",
        "送检",
        {"procedure": "testing", "procedure_label": "检测", "expected_days": 15},
    )
    assert outbox_since(mark) == [
        ("cases.notice", {"event_id": event.pk, "kind": "special_procedure"}),
        ("cases.notify", {"event_id": event.pk}),
    ]


def test_unknown_procedure_and_missing_reason_are_refused() -> None:
    case = accept(submit_case(at=at(2026, 9, 28, 9)), at(2026, 9, 28, 10))
    before = snapshot(case)

    with pytest.raises(ValidationError) as raised:
        case_suspend(
            case=case,
            actor=make_staff("reviewer", case.department),
            procedure="lunch",
            reason="",
            expected_days=0,
        )

    assert raised.value.message_dict == {
        "procedure": ["特别程序只能是听证、招标、拍卖、检验、检测、检疫、鉴定或专家评审"],
        "reason": ["请填写启动特别程序的理由"],
        "expected_days": ["请填写特别程序预计所需的工作日数（正整数，须书面告知申请人）"],
    }
    assert snapshot(case) == before


def test_a_case_not_yet_accepted_cannot_be_suspended() -> None:
    case = submit_case(at=at(2026, 10, 13, 9))
    before = snapshot(case)

    with pytest.raises(CaseConflict) as raised:
        case_suspend(
            case=case,
            actor=make_staff("reviewer", case.department),
            procedure="hearing",
            reason="听证",
            expected_days=5,
        )

    assert raised.value.message == "办件状态为“已申请待受理”，不能执行“特别程序开始”"
    assert snapshot(case) == before
