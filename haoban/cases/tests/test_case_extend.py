"""case_extend (延期, Art. 42): department-head approval, default days, the item's cap; only the legal due
date moves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.cases.services import CaseConflict, case_extend
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
from haoban.catalog.tests.factories import make_department

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 10, 26, 9), tick=False)


def _accepted(**kwargs: Any) -> Any:
    return accept(submit_case(at=at(2026, 9, 28, 9), **kwargs), at(2026, 9, 28, 10))


def test_extension_by_the_default_ten_days_moves_only_the_legal_due_date() -> None:
    # given: accepted Mon 28 Sep, legal due 30 Oct, promised due Sat 10 Oct (make-up day)
    case = _accepted()
    head = make_staff("department_head", case.department)
    reviewer = make_staff("reviewer", case.department)
    mark = outbox_mark()

    # when
    case = case_extend(
        case=case, actor=reviewer, at=at(2026, 10, 20, 9), reason="需现场核查", approved_by=head
    )

    # then
    assert (case.legal_due_date, case.promised_due_date) == (dt.date(2026, 11, 13), dt.date(2026, 10, 10))
    assert case.extensions_used == 1
    assert case.status == "in_review"
    event = case.events.get(sequence=3)
    assert (event.action, event.amount, event.reason, event.actor_role) == (
        "extend",
        10,
        "需现场核查",
        "reviewer",
    )
    assert event.data == {
        "approved_by": head.pk,
        "approved_by_name": str(head),
        "previous_legal_due_date": "2026-10-30",
    }
    assert outbox_since(mark) == [
        ("cases.notice", {"event_id": event.pk, "kind": "extension"}),
        ("cases.notify", {"event_id": event.pk}),
    ]


def test_fewer_days_than_the_item_allows() -> None:
    case = _accepted()

    case = case_extend(
        case=case,
        actor=make_staff("reviewer", case.department),
        days=3,
        reason="补充核查",
        approved_by=make_staff("department_head", case.department),
    )

    assert case.legal_due_date == dt.date(2026, 11, 4)


def test_approval_by_someone_other_than_this_departments_head_is_refused() -> None:
    # given
    case = _accepted()
    other_head = make_staff("department_head", make_department())
    before = snapshot(case)

    # when
    with pytest.raises(ValidationError) as raised:
        case_extend(case=case, actor=other_head, days=11, reason=" ", approved_by=other_head)

    # then
    assert raised.value.message_dict == {
        "days": ["延长的天数不能超过该事项规定的 10 日"],
        "reason": ["请填写延期理由（须告知申请人）"],
        "approved_by": ["延期须经本部门负责人批准"],
    }
    assert snapshot(case) == before


def test_at_most_the_items_number_of_extensions() -> None:
    # given: an item allowing two extensions of 5 days; both used
    version = make_case_version(extension_amount=5, max_extensions=2)
    case = _accepted(version=version)
    head = make_staff("department_head", case.department)
    case = case_extend(case=case, actor=head, reason="一", approved_by=head)
    case = case_extend(case=case, actor=head, reason="二", approved_by=head)
    assert (case.legal_due_date, case.extensions_used) == (dt.date(2026, 11, 13), 2)
    before = snapshot(case)

    # when
    with pytest.raises(CaseConflict) as raised:
        case_extend(case=case, actor=head, reason="三", approved_by=head)

    # then
    assert raised.value.message == "该事项最多可延期 2 次，本办件已延期 2 次"
    assert snapshot(case) == before


def test_extending_a_suspended_case_is_a_conflict() -> None:
    from haoban.cases.services import case_suspend

    case = _accepted()
    head = make_staff("department_head", case.department)
    case = case_suspend(case=case, actor=head, procedure="hearing", reason="听证", expected_days=5)
    before = snapshot(case)

    with pytest.raises(CaseConflict) as raised:
        case_extend(case=case, actor=head, reason="x", approved_by=head)

    assert raised.value.message == "办件状态为“特别程序中”，不能执行“延期”"
    assert snapshot(case) == before
