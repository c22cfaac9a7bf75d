"""case_forward (流转): an accepted case moves through the item's process steps up to the 决定 step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.cases.models import Case
from haoban.cases.services import CaseConflict, case_approve, case_forward
from haoban.cases.tests.factories import (
    STEPS,
    accept,
    at,
    case_in_status,
    make_case_version,
    make_department,
    make_staff,
    outbox_mark,
    outbox_since,
    snapshot,
    submit_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 11, 4, 15), tick=False)


def _accepted(**version: Any) -> Case:
    """Accepted Mon 2 Nov 2026: in 审查 (10 working days), due Mon 16 Nov."""
    return accept(
        submit_case(version=make_case_version(**version), at=at(2026, 11, 2, 9)), at(2026, 11, 2, 10)
    )


def test_forward_moves_to_the_next_step_with_its_own_working_day_allocation() -> None:
    # given
    case = _accepted()
    assert (case.current_step.name, case.step_due_date) == ("审查", dt.date(2026, 11, 16))
    Case.objects.filter(pk=case.pk).update(step_alerted_on=dt.date(2026, 11, 3))
    reviewer = make_staff("reviewer", case.department)
    mark = outbox_mark()

    # when: forwarded on Wed 4 Nov; 决定 takes 2 working days
    case = case_forward(case=case, actor=reviewer, note="审查意见：符合条件")

    # then: status and legal clock unchanged, the step and its due date moved, the alert flag cleared
    assert (case.status, case.current_step.name, case.step_due_date) == (
        "in_review",
        "决定",
        dt.date(2026, 11, 6),
    )
    assert case.step_alerted_on is None
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.current_step_id, fresh.step_due_date, fresh.step_alerted_on) == (
        case.current_step_id,
        dt.date(2026, 11, 6),
        None,
    )
    assert (fresh.legal_due_date, fresh.promised_due_date) == (dt.date(2026, 11, 30), dt.date(2026, 11, 9))
    event = case.events.order_by("-sequence").first()
    review = case.item_version.steps.get(name="审查")
    assert (event.sequence, event.action, event.from_status, event.to_status) == (
        3,
        "forward",
        "in_review",
        "in_review",
    )
    assert (event.actor_id, event.actor_role, event.reason) == (reviewer.pk, "reviewer", "")
    assert event.data == {
        "from_step": {"id": review.pk, "name": "审查"},
        "to_step": {"id": case.current_step_id, "name": "决定"},
        "step_due_date": "2026-11-06",
        "note": "审查意见：符合条件",
    }
    # no notice; the notify handler has no applicant message for it; department webhooks as for any event
    assert outbox_since(mark) == [("cases.notify", {"event_id": event.pk})]


def test_natural_day_allocation() -> None:
    # given: 决定 takes 3 natural days
    steps = [dict(s) for s in STEPS]
    steps[2] |= {"time_amount": 3, "time_unit": "natural_day"}
    case = _accepted(steps=steps)

    # when
    case = case_forward(case=case, actor=make_staff("reviewer", case.department))

    # then: Wed 4 Nov + 3 days = Sat 7 Nov
    assert (case.current_step.name, case.step_due_date) == ("决定", dt.date(2026, 11, 7))


def test_cannot_forward_past_the_decision_step() -> None:
    # given: the case is at 决定
    case = _accepted()
    case = case_forward(case=case, actor=make_staff("reviewer", case.department))
    head = make_staff("department_head", case.department)
    before = snapshot(case)

    # when / then
    with pytest.raises(CaseConflict) as raised:
        case_forward(case=case, actor=head)
    assert (
        raised.value.message
        == "当前环节“决定”是作出决定前的最后一个环节，不能再流转；请作出准予或不予许可决定"
    )
    assert snapshot(case) == before


def test_without_a_decision_step_forwarding_stops_before_the_result_steps() -> None:
    # given: 受理 → 审查 → 核准 → 制证, no step named 决定
    steps = [
        {"name": "受理", "role": "window_clerk", "time_amount": 1},
        {"name": "审查", "role": "reviewer", "time_amount": 5},
        {"name": "核准", "role": "department_head", "time_amount": 1},
        {"name": "制证", "role": "window_clerk", "time_amount": 1},
    ]
    case = _accepted(steps=steps)
    case = case_forward(case=case, actor=make_staff("reviewer", case.department))
    assert case.current_step.name == "核准"
    before = snapshot(case)

    # when / then
    with pytest.raises(CaseConflict):
        case_forward(case=case, actor=make_staff("department_head", case.department))
    assert snapshot(case) == before


@pytest.mark.parametrize(
    "who",
    ["window_clerk_same_department", "reviewer_other_department", "applicant"],
)
def test_wrong_role_or_out_of_scope_is_refused_and_nothing_changes(who: str) -> None:
    # given: the case is in 审查 (reviewer of the case's department)
    case = _accepted()
    actor = {
        "window_clerk_same_department": lambda: make_staff("window_clerk", case.department),
        "reviewer_other_department": lambda: make_staff(
            "reviewer", make_department(name="莆田市卫生健康委员会")
        ),
        "applicant": lambda: case.applicant.user,
    }[who]()
    before = snapshot(case)

    # when / then
    with pytest.raises(ValidationError) as raised:
        case_forward(case=case, actor=actor)
    assert raised.value.message_dict == {
        "actor": [f"“审查”环节由{case.department.name}的审查人员办理，您不能提交下一环节"]
    }
    assert snapshot(case) == before


def test_the_step_department_decides_who_forwards() -> None:
    # given: 审查 is assigned to another department
    review_office = make_department(name="莆田市卫生健康委员会")
    steps = [dict(s) for s in STEPS]
    steps[1] |= {"department": review_office.uscc}
    case = _accepted(steps=steps)
    own_reviewer = make_staff("reviewer", case.department)
    before = snapshot(case)

    # when: the case department's reviewer tries → refused; the step department's reviewer may
    with pytest.raises(ValidationError):
        case_forward(case=case, actor=own_reviewer)
    assert snapshot(case) == before
    case = case_forward(case=case, actor=make_staff("reviewer", review_office))

    # then
    assert case.current_step.name == "决定"


@pytest.mark.parametrize("status", ["submitted", "suspended", "approved"])
def test_only_a_case_in_review_can_be_forwarded(status: str) -> None:
    case = case_in_status(status, at=at(2026, 11, 2, 10))
    before = snapshot(case)

    with pytest.raises(CaseConflict):
        case_forward(case=case, actor=make_staff("reviewer", case.department))
    assert snapshot(case) == before


def test_approve_moves_on_to_the_certificate_step_after_forwarding() -> None:
    case = _accepted()
    case = case_forward(case=case, actor=make_staff("reviewer", case.department))

    case = case_approve(case=case, actor=make_staff("department_head", case.department))

    assert (case.status, case.current_step.name, case.step_due_date) == (
        "approved",
        "制证",
        dt.date(2026, 11, 9),
    )


def test_a_second_forward_from_the_same_step_is_refused_not_applied_twice() -> None:
    # given: 审查 → 复审 → 决定; two reviewers both saw the case in 审查
    steps = [dict(s) for s in STEPS]
    steps.insert(2, {"name": "复审", "role": "reviewer", "time_amount": 3, "time_unit": "workday"})
    case = _accepted(steps=steps)
    first, second = make_staff("reviewer", case.department), make_staff("reviewer", case.department)
    case = case_forward(case=case, actor=first, expected_step="审查")
    before = snapshot(case)

    # when / then
    with pytest.raises(CaseConflict) as raised:
        case_forward(case=case, actor=second, expected_step="审查")
    assert raised.value.message == "办件已流转至“复审”环节，请刷新后再办理"
    assert snapshot(case) == before
    assert case_forward(case=case, actor=second, expected_step="复审").current_step.name == "决定"
