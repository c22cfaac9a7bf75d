"""POST /api/v1/cases/{number}/<action>/: every role against every action through HTTP (200 / 403 / 404
exactly), a 409 for a transition the status does not allow with nothing changed, 400 naming the field,
``occurred_at`` only from trusted callers, and idempotent retries."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from haoban.accounts.models import User
from haoban.accounts.services import agent_authorize, staff_assign
from haoban.accounts.tests.helpers import make_person, make_user
from haoban.cases.models import Case, CaseEvent, CaseMaterial
from haoban.cases.tests.factories import (
    at,
    case_in_status,
    make_case_version,
    make_department,
    pdf,
    requirement,
    signature_png,
    snapshot,
)
from haoban.catalog.models import ServiceItemVersion
from haoban.catalog.tests.factories import make_region
from haoban.domain.workflow import CaseAction

pytestmark = pytest.mark.django_db

NOW = at(2026, 11, 24, 15)
SUBMITTED_AT = at(2026, 11, 23, 9)


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@dataclass
class Office:
    version: ServiceItemVersion
    users: dict[str, User]


@pytest.fixture
def office() -> Office:
    city = make_region("350300", "莆田市")
    xianyou = make_region("350322", parent=city)
    market = make_department(region=city, name="莆田市市场监督管理局")
    other = make_department(region=xianyou, name="仙游县市场监督管理局")
    version = make_case_version(
        department=market, tags=("once", "online", "tolerant_acceptance", "commitment")
    )

    def staff(username: str, role: str, **scope: Any) -> User:
        user = make_user(username, display_name=f"{username}工作人员")
        staff_assign(user=user, role=role, **scope)
        return user

    applicant = make_person("applicant", name="林晓梅")
    users = {
        "applicant": applicant.user,
        "agent": make_user("agent", display_name="王芳"),
        "agent_expired": make_user("agent-expired", display_name="陈静"),
        "stranger": make_person("stranger", name="李四").user,
        "clerk": staff("clerk", "window_clerk", departments=[market]),
        "reviewer": staff("reviewer", "reviewer", departments=[market]),
        "head": staff("head", "department_head", departments=[market]),
        "other_reviewer": staff("other-reviewer", "reviewer", departments=[other]),
        "supervisor": staff("supervisor", "efficiency_supervisor", region=city),
        "sysadmin": staff("sysadmin", "system_admin"),
    }
    today = NOW.date()
    agent_authorize(agent=users["agent"], principal=applicant, valid_from=today - dt.timedelta(days=30))
    agent_authorize(
        agent=users["agent_expired"],
        principal=applicant,
        valid_from=today - dt.timedelta(days=60),
        valid_to=today - dt.timedelta(days=1),
    )
    return Office(version=version, users=users)


def _case(office: Office, status: str) -> Case:
    applicant = office.users["applicant"].applicant_profile
    return case_in_status(status, version=office.version, applicant=applicant, at=SUBMITTED_AT)


def _client(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _post(
    user: User | None, case: Case, action: str, body: dict[str, Any] | None = None, **headers: str
) -> Any:
    return _client(user).post(f"/api/v1/cases/{case.number}/{action}/", body or {}, format="json", **headers)


# The status each action is legal in, and a valid body for it.
def _body(action: str, case: Case) -> dict[str, Any]:
    version = case.item_version
    return {
        "accept": {},
        "refuse": {"reason": "不属于本机关职权范围", "competent_office": "莆田市卫生健康委员会"},
        "request-supplement": {
            "items": [
                {"requirement": requirement(version, "食品经营许可申请书").pk, "problem": "申请书未签字"}
            ]
        },
        "supplement": {
            "materials": [
                {"requirement": requirement(version, "营业执照").pk, "reference": "1.2.156.3005.2.X.1.001.Y"}
            ]
        },
        "extend": {"reason": "需要现场核查，情况复杂"},
        "suspend": {"procedure": "inspection", "reason": "委托检验", "expected_days": 5},
        "resume": {},
        "approve": {},
        "deny": {"reason": "经营场所不符合要求"},
        "issue": {},
        "pay": {"method": "现金", "amount": "80.00"},
        "deliver": {
            "method": "window",
            "recipient": "林晓梅",
            "signature": "data:image/png;base64," + base64.b64encode(signature_png()).decode(),
        },
        "complete": {},
        "withdraw": {"reason": "不再经营"},
    }[action]


LEGAL_STATUS = {
    "accept": "submitted",
    "refuse": "submitted",
    "request-supplement": "submitted",
    "supplement": "pending_supplement",
    "extend": "in_review",
    "suspend": "in_review",
    "resume": "suspended",
    "approve": "in_review",
    "deny": "in_review",
    "issue": "approved",
    "pay": "in_review",
    "deliver": "issued",
    "complete": "delivered",
    "withdraw": "submitted",
}
TARGET_STATUS = {
    "accept": "in_review",
    "refuse": "refused",
    "request-supplement": "pending_supplement",
    "supplement": "submitted",
    "extend": "in_review",
    "suspend": "suspended",
    "resume": "in_review",
    "approve": "approved",
    "deny": "denied",
    "issue": "issued",
    "pay": "in_review",
    "deliver": "delivered",
    "complete": "completed",
    "withdraw": "withdrawn",
}

ALLOWED = {
    "applicant": {"supplement", "withdraw", "pay"},
    "agent": {"supplement", "withdraw", "pay"},
    "clerk": {"accept", "refuse", "request-supplement", "pay", "deliver", "complete"},
    "reviewer": {"suspend", "resume", "issue"},  # 决定 is the department head's step in the test items
    "head": {"extend", "approve", "deny"},
}
# Callers who do not see the case at all: 404, never 403.
INVISIBLE = {"agent_expired", "stranger", "other_reviewer"}
ACTIONS = [a.value for a in CaseAction if a is not CaseAction.SUBMIT]


def test_every_action_has_a_legal_status_and_a_target() -> None:
    assert set(LEGAL_STATUS) == set(ACTIONS) == set(TARGET_STATUS)


@pytest.mark.parametrize("action", ACTIONS)
def test_every_role_against_the_action(office: Office, action: str) -> None:
    # given: a case in a status where the action is legal
    case = _case(office, LEGAL_STATUS[action])
    before = snapshot(case)

    # when: everyone who may not act tries first
    refused = {}
    for name, user in office.users.items():
        if action in ALLOWED.get(name, set()):
            continue
        refused[name] = _post(user, case, action, _body(action, case)).status_code
    anonymous = _post(None, case, action, _body(action, case))

    # then: 404 for those who do not see the case, 403 for those who see it but may not act, 401 for the
    # anonymous; nothing changed
    assert refused == {name: 404 if name in INVISIBLE else 403 for name in refused}
    assert (anonymous.status_code, anonymous["WWW-Authenticate"]) == (401, 'Basic realm="api"')
    assert anonymous.json()["code"] == "not_authenticated"
    assert snapshot(case) == before

    # and each caller who may act succeeds on a fresh case in the same status
    for name, allowed in ALLOWED.items():
        if action not in allowed:
            continue
        fresh = _case(office, LEGAL_STATUS[action])
        response = _post(office.users[name], fresh, action, _body(action, fresh))
        assert (name, response.status_code) == (name, 200), response.json()
        assert response.json()["status"] == TARGET_STATUS[action]
        last = CaseEvent.objects.filter(case=fresh).order_by("-sequence").first()
        assert last is not None
        assert (last.action, last.actor) == (action, office.users[name])


def test_forbidden_message_names_the_action(office: Office) -> None:
    case = _case(office, "submitted")

    response = _post(office.users["reviewer"], case, "accept")

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "您没有对该办件执行“受理”的权限。",
        "fields": {},
    }


def test_an_illegal_transition_is_409_with_the_domain_message_and_nothing_changes(office: Office) -> None:
    # given
    case = _case(office, "submitted")
    before = snapshot(case)

    # when: approving a case that has not been accepted
    response = _post(office.users["head"], case, "approve")

    # then
    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": "办件状态为“已申请待受理”，不能执行“准予”",
        "fields": {},
    }
    assert snapshot(case) == before


def test_a_service_conflict_is_409_and_nothing_changes(office: Office) -> None:
    # given: the item allows one extension, already used
    case = _case(office, "in_review")
    head = office.users["head"]
    assert _post(head, case, "extend", {"reason": "情况复杂"}).status_code == 200
    before = snapshot(case)

    # when
    response = _post(head, case, "extend", {"reason": "仍需核查"})

    # then
    assert response.status_code == 409
    assert response.json()["message"] == "该事项最多可延期 1 次，本办件已延期 1 次"
    assert snapshot(case) == before


def test_bad_input_is_400_naming_the_field_and_nothing_changes(office: Office) -> None:
    case = _case(office, "submitted")
    before = snapshot(case)
    clerk = office.users["clerk"]

    missing = _post(clerk, case, "refuse", {})
    blank = _post(clerk, case, "refuse", {"reason": "  "})
    wrong_type = _post(clerk, case, "accept", {"deficient_materials": "all"})

    assert missing.status_code == 400
    assert missing.json()["fields"] == {"reason": ["该字段是必填项。"]}
    assert blank.status_code == 400
    assert blank.json()["fields"] == {"reason": ["请填写不予受理的理由"]}
    assert wrong_type.status_code == 400
    assert list(wrong_type.json()["fields"]) == ["deficient_materials"]
    assert snapshot(case) == before


def test_unknown_material_in_a_supplement_names_the_row(office: Office) -> None:
    case = _case(office, "pending_supplement")
    before = snapshot(case)

    response = _post(
        office.users["applicant"],
        case,
        "supplement",
        {"materials": [{"requirement": 999999, "reference": "X"}]},
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"materials[0].requirement": ["材料 999999 不属于该事项的申报材料"]}
    assert snapshot(case) == before


def test_occurred_at_only_from_trusted_callers(office: Office) -> None:
    # given
    case = _case(office, "submitted")
    before = snapshot(case)
    when = at(2026, 11, 23, 16).isoformat()

    # when: a window clerk sends occurred_at
    response = _post(office.users["clerk"], case, "accept", {"occurred_at": when})

    # then
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "occurred_at：occurred_at 仅限部门系统回流办件时使用",
        "fields": {"occurred_at": ["occurred_at 仅限部门系统回流办件时使用"]},
    }
    assert snapshot(case) == before


def test_a_system_admin_who_also_accepts_may_record_when_it_happened(office: Office) -> None:
    # given: a system admin who is also a window clerk of the department
    case = _case(office, "submitted")
    admin = office.users["sysadmin"]
    staff_assign(user=admin, role="window_clerk", departments=[case.department])

    # when
    response = _post(admin, case, "accept", {"occurred_at": at(2026, 11, 23, 16).isoformat()})
    future = _post(admin, _case(office, "submitted"), "accept", {"occurred_at": at(2026, 11, 25).isoformat()})

    # then
    assert response.status_code == 200, response.json()
    event = CaseEvent.objects.get(case=case, action="accept")
    assert event.occurred_at == at(2026, 11, 23, 16)
    assert future.status_code == 400
    assert future.json()["fields"] == {"occurred_at": ["发生时间不能晚于当前时间"]}


def test_a_retried_action_with_the_same_key_is_replayed_not_repeated(office: Office) -> None:
    case = _case(office, "in_review")
    applicant = office.users["applicant"]
    body = {"method": "线上支付", "amount": "80.00", "order_id": "PAY-1"}

    first = _post(applicant, case, "pay", body, HTTP_IDEMPOTENCY_KEY="pay-1")
    second = _post(applicant, case, "pay", body, HTTP_IDEMPOTENCY_KEY="pay-1")

    assert (first.status_code, second.status_code) == (200, 200)
    assert second["Idempotent-Replayed"] == "true"
    assert CaseEvent.objects.filter(case=case, action="pay").count() == 1


def test_the_response_is_the_case_detail_with_the_callers_next_actions(office: Office) -> None:
    case = _case(office, "submitted")

    response = _post(office.users["clerk"], case, "accept")

    body = response.json()
    assert body["number"] == case.number
    assert body["status"] == "in_review"
    assert body["allowed_actions"] == ["pay"]
    assert [e["action"] for e in body["events"]] == ["submit", "accept"]
    assert body["events"][1]["actor"] == "clerk工作人员"
    assert body["events"][1]["actor_role"] == "window_clerk"


def test_supplement_with_a_file_over_multipart(office: Office) -> None:
    # given: a case waiting for a signed 申请书
    case = _case(office, "pending_supplement")
    form = requirement(case.item_version, "食品经营许可申请书")

    # when
    response = _client(office.users["applicant"]).post(
        f"/api/v1/cases/{case.number}/supplement/",
        {f"material_{form.pk}": pdf("申请书（签字）.pdf")},
        format="multipart",
    )

    # then
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    newest = CaseMaterial.objects.filter(case=case, requirement=form).order_by("-created_at", "-pk").first()
    assert newest is not None
    assert newest.original_name == "申请书（签字）.pdf"


def test_other_actions_take_json_only(office: Office) -> None:
    case = _case(office, "submitted")
    before = snapshot(case)

    response = _client(office.users["clerk"]).post(
        f"/api/v1/cases/{case.number}/refuse/", {"reason": "不属于本机关职权范围"}, format="multipart"
    )

    assert response.status_code == 415
    assert snapshot(case) == before
