"""case_approve (准予, Art. 38, 44): the clock stops, the certificate is due in 10 working days, 告知承诺."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.cases.models import PostVerificationTask
from haoban.cases.services import CaseConflict, case_approve
from haoban.cases.tests.factories import (
    accept,
    at,
    make_case_version,
    make_staff,
    outbox_mark,
    outbox_since,
    snapshot,
    submit_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 11, 20, 9), tick=False)


@pytest.mark.parametrize(
    ("day", "certificate_due", "light"),
    [
        (dt.date(2026, 9, 29), dt.date(2026, 10, 19), "green"),  # across 国庆, Sat 10 Oct works
        (dt.date(2026, 10, 16), dt.date(2026, 10, 30), "green"),
        (dt.date(2026, 10, 30), dt.date(2026, 11, 13), "yellow"),  # decided on the due date itself
    ],
)
def test_approval_stops_the_clock_and_sets_the_certificate_due_date(
    day: dt.date, certificate_due: dt.date, light: str
) -> None:
    # given: accepted Mon 28 Sep, legal due 30 Oct
    case = accept(submit_case(at=at(2026, 9, 28, 9)), at(2026, 9, 28, 10))
    head = make_staff("department_head", case.department)
    mark = outbox_mark()

    # when
    case = case_approve(case=case, actor=head, at=at(day.year, day.month, day.day, 16))

    # then
    assert (case.status, case.decided_on, case.certificate_due_date) == ("approved", day, certificate_due)
    assert case.light == light  # frozen as of the decision day
    assert (case.current_step.name, case.commitment_basis) == ("制证", False)
    event = case.events.get(sequence=3)
    assert (event.action, event.data) == ("approve", {"basis": "standard"})
    assert outbox_since(mark) == [
        ("cases.notice", {"event_id": event.pk, "kind": "approval"}),
        ("cases.notify", {"event_id": event.pk}),
    ]
    assert PostVerificationTask.objects.count() == 0


def test_late_approval_stays_red() -> None:
    case = accept(submit_case(at=at(2026, 9, 28, 9)), at(2026, 9, 28, 10))

    case = case_approve(
        case=case, actor=make_staff("department_head", case.department), at=at(2026, 11, 2, 9)
    )

    assert (case.light, case.remaining_workdays) == ("red", -1)


def test_commitment_approval_creates_a_post_verification_task() -> None:
    # given
    version = make_case_version(tags=["commitment"])
    case = accept(submit_case(version=version, at=at(2026, 10, 12, 9)), at(2026, 10, 12, 10))

    # when
    case = case_approve(
        case=case,
        actor=make_staff("department_head", case.department),
        at=at(2026, 10, 12, 11),
        basis="commitment",
    )

    # then
    assert case.commitment_basis is True
    task = PostVerificationTask.objects.get()
    assert (task.case, task.event, task.department, task.status, task.due_on) == (
        case,
        case.events.get(sequence=3),
        case.department,
        "open",
        dt.date(2026, 11, 9),
    )


def test_commitment_only_for_items_in_the_commitment_list() -> None:
    case = accept(submit_case(at=at(2026, 10, 12, 9)), at(2026, 10, 12, 10))
    before = snapshot(case)
    head = make_staff("department_head", case.department)

    with pytest.raises(ValidationError) as untagged:
        case_approve(case=case, actor=head, basis="commitment")
    with pytest.raises(ValidationError) as unknown:
        case_approve(case=case, actor=head, basis="quick")

    assert untagged.value.message_dict == {"basis": ["该事项未列入告知承诺清单，不能按告知承诺审批"]}
    assert unknown.value.message_dict == {
        "basis": ["审批方式只能是 standard（一般审批）或 commitment（告知承诺）"]
    }
    assert snapshot(case) == before


def test_a_suspended_case_must_resume_before_the_decision() -> None:
    from haoban.cases.services import case_suspend

    case = accept(submit_case(at=at(2026, 10, 12, 9)), at(2026, 10, 12, 10))
    head = make_staff("department_head", case.department)
    case = case_suspend(case=case, actor=head, procedure="appraisal", reason="鉴定", expected_days=10)
    before = snapshot(case)

    with pytest.raises(CaseConflict) as raised:
        case_approve(case=case, actor=head)

    assert raised.value.message == "办件状态为“特别程序中”，不能执行“准予”"
    assert snapshot(case) == before
