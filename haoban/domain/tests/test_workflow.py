"""The case workflow: every (status, action) pair, allowed or not, against a table typed in here.

The expected table below is written independently of ``workflow.TRANSITION_ROWS``, with the raw API
strings, so that a changed verb, status value, row or label fails a test.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haoban.domain import workflow
from haoban.domain.workflow import (
    CaseAction,
    CaseStatus,
    TransitionNotAllowed,
    allowed_actions,
    clock_running,
    is_final,
    next_status,
)

STATUS_LABELS = {
    "submitted": "已申请待受理",
    "pending_supplement": "待补正",
    "refused": "不予受理",
    "in_review": "审查中",
    "suspended": "特别程序中",
    "approved": "准予",
    "denied": "不予许可",
    "issued": "已制证",
    "delivered": "已送达",
    "completed": "办结",
    "withdrawn": "撤回",
}

ACTION_LABELS = {
    "submit": "提交申请",
    "accept": "受理",
    "refuse": "不予受理",
    "request-supplement": "一次性告知补正",
    "supplement": "补正",
    "extend": "延期",
    "suspend": "特别程序开始",
    "resume": "特别程序结束",
    "approve": "准予",
    "deny": "不予许可",
    "issue": "制证",
    "pay": "缴费",
    "deliver": "送达",
    "complete": "办结",
    "withdraw": "撤回",
}

# from status → {action: to status}; every pair not listed is forbidden.
EXPECTED: dict[str | None, dict[str, str]] = {
    None: {"submit": "submitted"},
    "submitted": {
        "accept": "in_review",
        "refuse": "refused",
        "request-supplement": "pending_supplement",
        "pay": "submitted",
        "withdraw": "withdrawn",
    },
    "pending_supplement": {"supplement": "submitted", "withdraw": "withdrawn"},
    "refused": {"complete": "completed"},
    "in_review": {
        "supplement": "in_review",
        "extend": "in_review",
        "suspend": "suspended",
        "approve": "approved",
        "deny": "denied",
        "pay": "in_review",
        "withdraw": "withdrawn",
    },
    "suspended": {"supplement": "suspended", "resume": "in_review", "withdraw": "withdrawn"},
    "approved": {"issue": "issued", "pay": "approved"},
    "denied": {"complete": "completed"},
    "issued": {"pay": "issued", "deliver": "delivered"},
    "delivered": {"pay": "delivered", "complete": "completed"},
    "completed": {},
    "withdrawn": {},
}

ALL_PAIRS = list(itertools.product([None, *STATUS_LABELS], ACTION_LABELS))
ALLOWED = [(s, a, t) for s, a in ALL_PAIRS if (t := EXPECTED[s].get(a)) is not None]
FORBIDDEN = [(s, a) for s, a in ALL_PAIRS if a not in EXPECTED[s]]


def _status(value: str | None) -> CaseStatus | None:
    return None if value is None else CaseStatus(value)


def test_the_enums_hold_exactly_the_canonical_values_and_labels() -> None:
    assert {s.value: s.label for s in CaseStatus} == STATUS_LABELS
    assert {a.value: a.label for a in CaseAction} == ACTION_LABELS
    assert [a.value for a in CaseAction] == list(ACTION_LABELS)  # the order buttons are shown in
    assert CaseAction("request-supplement") is CaseAction.REQUEST_SUPPLEMENT


def test_the_cross_product_splits_into_allowed_and_forbidden() -> None:
    assert len(ALL_PAIRS) == 12 * 15
    assert (len(ALLOWED), len(FORBIDDEN)) == (26, 154)
    # No pair is listed twice in the module's rows, and the lookup table holds exactly the expected pairs.
    assert len(workflow.TRANSITION_ROWS) == len(workflow.TRANSITIONS) == 26
    assert {(_status(s), CaseAction(a)): CaseStatus(t) for s, a, t in ALLOWED} == workflow.TRANSITIONS


@pytest.mark.parametrize(("status", "action", "target"), ALLOWED)
def test_allowed_transition(status: str | None, action: str, target: str) -> None:
    assert next_status(_status(status), CaseAction(action)) is CaseStatus(target)


@pytest.mark.parametrize(("status", "action"), FORBIDDEN)
def test_forbidden_transition(status: str | None, action: str) -> None:
    with pytest.raises(TransitionNotAllowed) as excinfo:
        next_status(_status(status), CaseAction(action))
    if status is None:
        expected = f"办件尚未提交申请，不能执行“{ACTION_LABELS[action]}”"
    else:
        expected = f"办件状态为“{STATUS_LABELS[status]}”，不能执行“{ACTION_LABELS[action]}”"
    assert str(excinfo.value) == expected
    assert (excinfo.value.status, excinfo.value.action) == (_status(status), CaseAction(action))


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        (CaseStatus.COMPLETED, CaseAction.ACCEPT, "办件状态为“办结”，不能执行“受理”"),
        (CaseStatus.SUSPENDED, CaseAction.APPROVE, "办件状态为“特别程序中”，不能执行“准予”"),
        (CaseStatus.APPROVED, CaseAction.DELIVER, "办件状态为“准予”，不能执行“送达”"),
        (CaseStatus.APPROVED, CaseAction.WITHDRAW, "办件状态为“准予”，不能执行“撤回”"),
        (CaseStatus.PENDING_SUPPLEMENT, CaseAction.ACCEPT, "办件状态为“待补正”，不能执行“受理”"),
        (CaseStatus.SUBMITTED, CaseAction.SUBMIT, "办件状态为“已申请待受理”，不能执行“提交申请”"),
        (None, CaseAction.REQUEST_SUPPLEMENT, "办件尚未提交申请，不能执行“一次性告知补正”"),
    ],
)
def test_messages_read_as_plain_chinese(status: CaseStatus | None, action: CaseAction, message: str) -> None:
    with pytest.raises(TransitionNotAllowed) as excinfo:
        next_status(status, action)
    assert str(excinfo.value) == message


def test_transition_not_allowed_is_a_value_error() -> None:
    assert issubclass(TransitionNotAllowed, ValueError)


@pytest.mark.parametrize("status", [None, *STATUS_LABELS])
def test_allowed_actions_in_enum_order(status: str | None) -> None:
    expected = [a for a in ACTION_LABELS if a in EXPECTED[status]]
    assert [a.value for a in allowed_actions(_status(status))] == expected


def test_allowed_actions_examples() -> None:
    assert allowed_actions(CaseStatus.SUBMITTED) == [
        CaseAction.ACCEPT,
        CaseAction.REFUSE,
        CaseAction.REQUEST_SUPPLEMENT,
        CaseAction.PAY,
        CaseAction.WITHDRAW,
    ]
    assert allowed_actions(CaseStatus.SUSPENDED) == [
        CaseAction.SUPPLEMENT,
        CaseAction.RESUME,
        CaseAction.WITHDRAW,
    ]
    assert allowed_actions(CaseStatus.COMPLETED) == []


@pytest.mark.parametrize("status", list(CaseStatus))
def test_final_exactly_when_nothing_is_allowed(status: CaseStatus) -> None:
    assert is_final(status) is (status in {CaseStatus.COMPLETED, CaseStatus.WITHDRAWN})
    assert is_final(status) is (allowed_actions(status) == [])


@pytest.mark.parametrize("status", list(CaseStatus))
def test_clock_runs_only_in_review(status: CaseStatus) -> None:
    assert clock_running(status) is (status is CaseStatus.IN_REVIEW)


def test_immediate_item_is_the_same_transitions_on_the_spot() -> None:
    # 即办件: accept, approve, issue, deliver and complete at the window, one after the other.
    status = next_status(None, CaseAction.SUBMIT)
    seen = [status]
    for action in ["accept", "approve", "issue", "deliver", "complete"]:
        status = next_status(status, CaseAction(action))
        seen.append(status)
    assert [s.value for s in seen] == [
        "submitted",
        "in_review",
        "approved",
        "issued",
        "delivered",
        "completed",
    ]


def _reachable() -> set[CaseStatus | None]:
    seen: set[CaseStatus | None] = {None}
    frontier: list[CaseStatus | None] = [None]
    while frontier:
        status = frontier.pop()
        for action in allowed_actions(status):
            target = next_status(status, action)
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    return seen


def test_every_status_is_reachable_and_every_case_can_end() -> None:
    assert _reachable() == {None, *CaseStatus}
    # From every status some path leads to a final status.
    for status in CaseStatus:
        current, steps = status, 0
        while not is_final(current):
            # Prefer actions that move the case on (the last allowed is withdraw / complete / deliver ...).
            moving = [a for a in allowed_actions(current) if next_status(current, a) is not current]
            current = next_status(current, moving[-1])
            steps += 1
            assert steps < 10


@given(choices=st.lists(st.integers(min_value=0, max_value=100), max_size=40))
def test_random_walks_follow_the_table(choices: list[int]) -> None:
    # given: a walk that always picks one of the allowed actions
    status: CaseStatus | None = None
    for choice in choices:
        actions = allowed_actions(status)
        if not actions:
            break
        action = actions[choice % len(actions)]
        # when
        target = next_status(status, action)
        # then: the step is in the expected table, and the decision clock runs only in review
        assert EXPECTED[None if status is None else status.value][action.value] == target.value
        status = target
    if status is not None:
        assert clock_running(status) is (status is CaseStatus.IN_REVIEW)


def _render_markdown_table() -> str:
    header = "| 状态 \\ 动作 | " + " | ".join(f"`{a}`" for a in ACTION_LABELS) + " |"
    rule = "|---|" + "---|" * len(ACTION_LABELS)
    rows = [header, rule]
    for status in [None, *STATUS_LABELS]:
        name = "（无）" if status is None else f"`{status}` {STATUS_LABELS[status]}"
        cells = [f"`{EXPECTED[status][a]}`" if a in EXPECTED[status] else "" for a in ACTION_LABELS]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def test_docs_workflow_md_shows_this_table() -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "workflow.md"
    assert _render_markdown_table() in docs.read_text(encoding="utf-8")
