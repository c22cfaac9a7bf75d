"""case_withdraw (撤回): only the applicant, their agent or a window clerk; before the decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.accounts.services import agent_authorize
from haoban.accounts.tests.helpers import make_user
from haoban.cases.services import CaseConflict, case_withdraw
from haoban.cases.tests.factories import at, case_in_status, make_staff, outbox_mark, outbox_since, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 10, 12, 9), tick=False)


@pytest.mark.parametrize("status", ["submitted", "pending_supplement", "in_review", "suspended"])
def test_the_applicant_withdraws_before_the_decision(status: str) -> None:
    case = case_in_status(status, at=at(2026, 10, 9, 9))
    mark = outbox_mark()

    case = case_withdraw(case=case, actor=case.applicant.user, reason=" 不再经营 ")

    assert (case.status, case.withdrawn_reason, case.completed_on, case.clock_paused) == (
        "withdrawn",
        "不再经营",
        dt.date(2026, 10, 12),
        False,
    )
    event = case.events.order_by("-sequence").first()
    assert (event.action, event.actor_role, event.reason) == ("withdraw", "applicant", "不再经营")
    assert outbox_since(mark) == [("cases.notify", {"event_id": event.pk})]


def test_an_agent_or_a_window_clerk_may_withdraw() -> None:
    first = case_in_status("submitted", at=at(2026, 10, 9, 9))
    agent = make_user("agent")
    agent_authorize(agent=agent, principal=first.applicant, valid_from=dt.date(2026, 1, 1))
    second = case_in_status("submitted", at=at(2026, 10, 9, 9))

    first = case_withdraw(case=first, actor=agent)
    second = case_withdraw(case=second, actor=make_staff("window_clerk", second.department))

    assert [first.status, second.status] == ["withdrawn", "withdrawn"]
    assert first.events.get(sequence=2).actor_role == "agent"
    assert second.events.get(sequence=2).actor_role == "window_clerk"


def test_someone_else_cannot_withdraw() -> None:
    case = case_in_status("in_review", at=at(2026, 10, 9, 9))
    before = snapshot(case)

    with pytest.raises(ValidationError) as raised:
        case_withdraw(case=case, actor=make_staff("reviewer", case.department))

    assert raised.value.message_dict == {"actor": ["只有申请人、其代办人或代为办理的窗口人员可以撤回申请"]}
    assert snapshot(case) == before


def test_no_withdrawal_after_the_decision() -> None:
    case = case_in_status("approved", at=at(2026, 10, 9, 9))
    before = snapshot(case)

    with pytest.raises(CaseConflict) as raised:
        case_withdraw(case=case, actor=case.applicant.user)

    assert raised.value.message == "办件状态为“准予”，不能执行“撤回”"
    assert snapshot(case) == before
