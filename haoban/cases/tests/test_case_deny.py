"""case_deny (不予许可, Art. 38): reasons required, 否定报备 register, notice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.cases.models import NegativeDecision
from haoban.cases.services import CaseConflict, case_deny
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
    time_machine.move_to(at(2026, 10, 20, 9), tick=False)


def test_denial_is_registered_and_noticed() -> None:
    # given
    case = accept(submit_case(at=at(2026, 9, 28, 9)), at(2026, 9, 28, 10))
    head = make_staff("department_head", case.department)
    mark = outbox_mark()

    # when
    case = case_deny(case=case, actor=head, at=at(2026, 10, 19, 15), reason="经营场所与住宅未有效隔离")

    # then
    assert (case.status, case.decided_on, case.certificate_due_date, case.current_step) == (
        "denied",
        dt.date(2026, 10, 19),
        None,
        None,
    )
    event = case.events.get(sequence=3)
    assert (event.action, event.reason, event.actor_role) == (
        "deny",
        "经营场所与住宅未有效隔离",
        "department_head",
    )
    register = NegativeDecision.objects.get()
    assert (register.kind, register.reason, register.event, register.department) == (
        "denial",
        "经营场所与住宅未有效隔离",
        event,
        case.department,
    )
    assert outbox_since(mark) == [
        ("cases.notice", {"event_id": event.pk, "kind": "denial"}),
        ("cases.notify", {"event_id": event.pk}),
    ]


def test_denial_without_reasons_is_refused() -> None:
    case = accept(submit_case(at=at(2026, 9, 28, 9)), at(2026, 9, 28, 10))
    before = snapshot(case)

    with pytest.raises(ValidationError) as raised:
        case_deny(case=case, actor=make_staff("department_head", case.department), reason="")

    assert raised.value.message_dict == {"reason": ["不予许可须说明理由"]}
    assert snapshot(case) == before


def test_denying_a_case_not_accepted_is_a_conflict() -> None:
    case = submit_case(at=at(2026, 10, 19, 9))
    before = snapshot(case)

    with pytest.raises(CaseConflict) as raised:
        case_deny(case=case, actor=make_staff("department_head", case.department), reason="不符合条件")

    assert raised.value.message == "办件状态为“已申请待受理”，不能执行“不予许可”"
    assert snapshot(case) == before
    assert NegativeDecision.objects.count() == 0
