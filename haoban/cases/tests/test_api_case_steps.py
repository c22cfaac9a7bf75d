"""Process steps through the API: POST /cases/{number}/forward/, the step and mine list filters, and the
step fields of a case (docs/workflow.md "环节")."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from haoban.accounts.models import User
from haoban.cases.models import Case
from haoban.cases.services import case_forward
from haoban.cases.tests.factories import (
    accept,
    at,
    make_case_version,
    make_department,
    make_staff,
    snapshot,
    submit_case,
)
from haoban.catalog.tests.factories import make_region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 11, 18, 15), tick=False)


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def market() -> Any:
    return make_department(region=make_region("350300", "莆田市"), name="莆田市市场监督管理局")


def _in_review(version: Any) -> Case:
    """Accepted Mon 2 Nov 2026: in 审查, step due Mon 16 Nov (overdue on 18 Nov)."""
    return accept(submit_case(version=version, at=at(2026, 11, 2, 9)), at(2026, 11, 2, 10))


def test_forward_through_the_api(market: Any) -> None:
    # given
    case = _in_review(make_case_version(department=market))
    reviewer = make_staff("reviewer", market)

    # when
    before = _client(reviewer).get(f"/api/v1/cases/{case.number}/").json()
    response = _client(reviewer).post(
        f"/api/v1/cases/{case.number}/forward/", {"note": "同意"}, format="json"
    )

    # then
    assert (before["current_step"], before["step_due_date"], before["step_overdue"]) == (
        "审查",
        "2026-11-16",
        True,
    )
    assert before["allowed_actions"] == ["suspend", "forward"]  # 决定 is the department head's
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["current_step"], body["step_due_date"], body["step_overdue"]) == (
        "in_review",
        "决定",
        "2026-11-20",
        False,
    )
    assert (
        body["events"][-1]["action"],
        body["events"][-1]["action_label"],
        body["events"][-1]["reason"],
    ) == (
        "forward",
        "流转",
        "",  # the note is internal: kept in the event's data, not its reason
    )
    assert Case.objects.get(pk=case.pk).events.get(action="forward").data["note"] == "同意"
    assert "forward" not in body["allowed_actions"]  # 决定 is the department head's


def test_forward_by_someone_else_is_403_and_at_the_decision_step_409(market: Any) -> None:
    # given
    case = _in_review(make_case_version(department=market))
    clerk = make_staff("window_clerk", market)
    before = snapshot(case)

    # when: a window clerk of the department (sees the case, does not hold 审查)
    refused = _client(clerk).post(f"/api/v1/cases/{case.number}/forward/", {}, format="json")

    # then
    assert refused.status_code == 403
    assert refused.json()["message"] == "您没有对该办件执行“流转”的权限。"
    assert snapshot(case) == before

    # given: at 决定, the head holds the step but 决定 is the last step forward reaches
    case = case_forward(case=case, actor=make_staff("reviewer", market))
    head = make_staff("department_head", market)
    before = snapshot(case)

    # when
    conflict = _client(head).post(f"/api/v1/cases/{case.number}/forward/", {}, format="json")

    # then
    assert conflict.status_code == 409
    assert conflict.json()["message"] == (
        "当前环节“决定”是作出决定前的最后一个环节，不能再流转；请作出准予或不予许可决定"
    )
    assert snapshot(case) == before


def test_forward_from_a_step_the_case_has_left_is_409(market: Any) -> None:
    case = _in_review(make_case_version(department=market))
    reviewer = make_staff("reviewer", market)
    case_forward(case=case, actor=reviewer)
    before = snapshot(case)

    response = _client(make_staff("department_head", market)).post(
        f"/api/v1/cases/{case.number}/forward/", {"expected_step": "审查"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["message"] == "办件已流转至“决定”环节，请刷新后再办理"
    assert snapshot(case) == before


def test_forward_refuses_a_bad_note(market: Any) -> None:
    case = _in_review(make_case_version(department=market))
    before = snapshot(case)

    response = _client(make_staff("reviewer", market)).post(
        f"/api/v1/cases/{case.number}/forward/", {"note": "很" * 501}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["note"]
    assert snapshot(case) == before


def test_list_filters_by_step_and_mine(market: Any) -> None:
    # given: one case not accepted yet, one in 审查, one forwarded to 决定; and one in 审查 of another
    # department (仙游县), outside the market reviewer's scope
    version = make_case_version(department=market)
    waiting = submit_case(version=version, at=at(2026, 11, 2, 9))
    reviewing = _in_review(version)
    deciding = case_forward(case=_in_review(version), actor=make_staff("reviewer", market))
    other = make_department(
        region=make_region("350322", parent=make_region("350300")), name="仙游县市场监督管理局"
    )
    _in_review(make_case_version(department=other))
    reviewer = make_staff("reviewer", market)
    head = make_staff("department_head", market)
    clerk = make_staff("window_clerk", market)

    def numbers(user: User, query: str) -> set[str]:
        response = _client(user).get(f"/api/v1/cases/?{query}")
        assert response.status_code == 200, response.json()
        return {row["number"] for row in response.json()["results"]}

    # then
    assert numbers(reviewer, "mine=1") == {reviewing.number}
    assert numbers(head, "mine=1") == {deciding.number}
    assert numbers(clerk, "mine=1") == {waiting.number}
    assert numbers(reviewer, "step=决定") == {deciding.number}
    assert numbers(reviewer, "") == {waiting.number, reviewing.number, deciding.number}
    assert numbers(reviewer, "mine=0") == {waiting.number, reviewing.number, deciding.number}
    rows = _client(reviewer).get("/api/v1/cases/?mine=1").json()["results"]
    assert (rows[0]["current_step"], rows[0]["step_due_date"], rows[0]["step_overdue"]) == (
        "审查",
        "2026-11-16",
        True,
    )


def test_mine_follows_the_step_department(market: Any) -> None:
    # given: 审查 is done by the 卫健委 for this item
    health = make_department(region=make_region("350300"), name="莆田市卫生健康委员会")
    from haoban.cases.tests.factories import STEPS

    steps = [dict(s) for s in STEPS]
    steps[1] |= {"department": health.uscc}
    case = _in_review(make_case_version(department=market, steps=steps))

    # then: the health reviewer's inbox has it, the market reviewer's does not
    assert _client(make_staff("reviewer", health)).get("/api/v1/cases/?mine=1").json()["count"] == 1
    assert _client(make_staff("reviewer", market)).get("/api/v1/cases/?mine=1").json()["count"] == 0
    assert case.current_step.department_id == health.pk


@pytest.mark.parametrize("query", ["mine=yes", f"step={'审' * 61}"])
def test_bad_filters_are_400(market: Any, query: str) -> None:
    response = _client(make_staff("reviewer", market)).get(f"/api/v1/cases/?{query}")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [query.split("=")[0]]


def test_step_due_date_is_null_without_a_step(market: Any) -> None:
    case = submit_case(version=make_case_version(department=market), at=at(2026, 11, 2, 9))

    body = _client(make_staff("window_clerk", market)).get(f"/api/v1/cases/{case.number}/").json()

    assert (body["current_step"], body["step_due_date"], body["step_overdue"]) == ("", None, False)


@pytest.mark.parametrize(
    ("decision_role", "deciders"),
    [
        ("department_head", {"head"}),
        ("reviewer", {"reviewer"}),
        (None, {"reviewer", "head"}),  # no 决定 step: the roles' actions (STAFF_ACTIONS) decide
    ],
)
def test_the_decision_step_decides_who_may_approve_and_deny(
    market: Any, decision_role: str | None, deciders: set[str]
) -> None:
    # given
    from haoban.cases.tests.factories import STEPS

    steps = [dict(s) for s in STEPS]
    if decision_role is None:
        del steps[2]
    else:
        steps[2] |= {"role": decision_role}
    version = make_case_version(department=market, steps=steps)
    users = {"reviewer": make_staff("reviewer", market), "head": make_staff("department_head", market)}

    for name, user in users.items():
        for action, body in (("deny", {"reason": "不符合条件"}), ("approve", {})):
            case = _in_review(version)
            before = snapshot(case)

            # when
            response = _client(user).post(f"/api/v1/cases/{case.number}/{action}/", body, format="json")

            # then
            if name in deciders:
                assert (name, action, response.status_code) == (name, action, 200)
            else:
                assert (name, action, response.status_code) == (name, action, 403)
                assert snapshot(case) == before
