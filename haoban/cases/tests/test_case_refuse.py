"""case_refuse (不予受理, Art. 32): decision, 否定报备 register, notice; refused after the window."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.cases.models import NegativeDecision
from haoban.cases.services import CaseConflict, case_refuse
from haoban.cases.tests.factories import at, make_staff, outbox_mark, outbox_since, snapshot, submit_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 10, 12, 9), tick=False)


def test_refusal_is_a_decision_in_the_negative_register_with_a_notice() -> None:
    # given
    case = submit_case(at=at(2026, 9, 28, 9))
    clerk = make_staff("window_clerk", case.department)
    mark = outbox_mark()

    # when
    case = case_refuse(
        case=case,
        actor=clerk,
        at=at(2026, 9, 29, 10),
        reason=" 申请事项不属于本机关职权范围 ",
        competent_office="莆田市卫生健康委员会",
    )

    # then
    assert (case.status, case.decided_on, case.accepted_on, case.legal_due_date) == (
        "refused",
        dt.date(2026, 9, 29),
        None,
        None,
    )
    event = case.events.get(sequence=2)
    assert (event.action, event.reason, event.data) == (
        "refuse",
        "申请事项不属于本机关职权范围",
        {"competent_office": "莆田市卫生健康委员会"},
    )
    register = NegativeDecision.objects.get()
    assert (register.case, register.event, register.kind, register.reason, register.department) == (
        case,
        event,
        "refusal",
        "申请事项不属于本机关职权范围",
        case.department,
    )
    assert register.decided_at == at(2026, 9, 29, 10)
    assert outbox_since(mark) == [
        ("cases.notice", {"event_id": event.pk, "kind": "refusal"}),
        ("cases.notify", {"event_id": event.pk}),
    ]


def test_reason_is_required_and_nothing_is_written() -> None:
    case = submit_case(at=at(2026, 10, 9, 9))
    before = snapshot(case)

    with pytest.raises(ValidationError) as raised:
        case_refuse(case=case, actor=make_staff("window_clerk", case.department), reason="  ")

    assert raised.value.message_dict == {"reason": ["请填写不予受理的理由"]}
    assert snapshot(case) == before


def test_after_the_acceptance_window_the_case_is_accepted_by_law() -> None:
    # given: received 28 Sep, the window ended Sat 10 Oct; the tick has not run yet
    case = submit_case(at=at(2026, 9, 28, 9))
    before = snapshot(case)

    # when
    with pytest.raises(CaseConflict) as raised:
        case_refuse(case=case, actor=make_staff("window_clerk", case.department), reason="材料不全")

    # then
    assert raised.value.message == "受理期限已于 2026-10-10 届满，依法视为受理，不能再不予受理"
    assert snapshot(case) == before


def test_refusing_an_accepted_case_is_a_conflict() -> None:
    from haoban.cases.tests.factories import accept

    case = accept(submit_case(at=at(2026, 9, 28, 9)), at(2026, 9, 28, 10))
    before = snapshot(case)

    with pytest.raises(CaseConflict) as raised:
        case_refuse(case=case, actor=make_staff("window_clerk", case.department), reason="材料不全")

    assert raised.value.message == "办件状态为“审查中”，不能执行“不予受理”"
    assert snapshot(case) == before
