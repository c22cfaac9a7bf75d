"""The integration API through HTTP, signed the way a department system signs (haoban.integration.api)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from haoban.cases.models import Case, CaseEvent
from haoban.cases.tests.factories import at, make_case_version, make_staff, requirement, submit_case
from haoban.catalog.tests.factories import make_department
from haoban.core.models import OutboxMessage
from haoban.integration import services
from haoban.integration.models import UsedNonce
from haoban.integration.signing import sign_request
from haoban.integration.webhooks import WEBHOOK_TOPIC

pytestmark = pytest.mark.django_db

NOW = at(2026, 10, 12, 9)
LIST = "/api/v1/integration/cases/"


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def signed(
    http: Client,
    issued: services.IssuedClient,
    method: str,
    url: str,
    body: dict[str, Any] | None = None,
    *,
    secret: str | None = None,
    timestamp: int | None = None,
    nonce: str | None = None,
    extra: dict[str, str] | None = None,
) -> Any:
    raw = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
    headers = sign_request(
        client_id=issued.client.client_id,
        secret=secret or issued.secret,
        method=method,
        url=url,
        body=raw,
        timestamp=timestamp,
        nonce=nonce,
    )
    headers.update(extra or {})
    return http.generic(method, url, raw, content_type="application/json", headers=headers)


@pytest.fixture
def version(department):
    return make_case_version(department=department)


@pytest.fixture
def case(version) -> Case:
    return submit_case(version=version, at=at(2026, 10, 8, 9))


def events_url(case: Case) -> str:
    return f"/api/v1/integration/cases/{case.number}/events/"


# --- authentication ------------------------------------------------------------------------------------


def test_unsigned_request_is_401_with_the_scheme(client):
    response = client.get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'HMAC-SM3 realm="haoban-integration"'
    assert response.json() == {
        "code": "not_authenticated",
        "message": "请求未签名：请按 HMAC-SM3 签名规则提供 X-Haoban-Client、X-Haoban-Timestamp、"
        "X-Haoban-Nonce、X-Haoban-Signature 请求头",
        "fields": {},
    }


def test_session_login_is_not_enough(client, department):
    client.force_login(make_staff("window_clerk", department))
    assert client.get(LIST).status_code == 401


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"secret": "hbs_wrong"}, "signature_invalid", "签名无效"),
        ({"extra": {"X-Haoban-Signature": "0" * 64}}, "signature_invalid", "签名无效"),
        ({"timestamp": int(NOW.timestamp()) - 301}, "timestamp_out_of_range", "时间戳超出允许范围"),
        ({"timestamp": int(NOW.timestamp()) + 301}, "timestamp_out_of_range", "时间戳超出允许范围"),
        ({"extra": {"X-Haoban-Timestamp": "soon"}}, "timestamp_out_of_range", "时间戳超出允许范围"),
        ({"extra": {"X-Haoban-Client": "hbc_unknown"}}, "client_inactive", "客户端不存在或已停用"),
        (
            {"extra": {"X-Haoban-Nonce": ""}},
            "signature_headers_missing",
            "缺少签名请求头：X-Haoban-Nonce",
        ),
        (
            {"nonce": "short"},
            "nonce_malformed",
            "X-Haoban-Nonce 须为 8–64 个字母、数字、“-”或“_”",
        ),
    ],
)
def test_bad_signatures_are_refused_in_chinese(client, issued, change, code, message):
    response = signed(client, issued, "GET", LIST, **change)
    assert response.status_code == 401
    assert response.json() == {"code": code, "message": message, "fields": {}}
    assert UsedNonce.objects.count() == 0


def test_timestamp_at_the_edge_of_the_window_is_accepted(client, issued):
    response = signed(client, issued, "GET", LIST, timestamp=int(NOW.timestamp()) - 300)
    assert response.status_code == 200


def test_a_replayed_request_is_refused(client, issued):
    first = signed(client, issued, "GET", LIST, nonce="nonce-0001")
    again = signed(client, issued, "GET", LIST, nonce="nonce-0001")
    assert first.status_code == 200
    assert again.status_code == 401
    assert again.json() == {"code": "nonce_reused", "message": "请求已使用过（nonce 重复）", "fields": {}}


def test_revoked_client_is_refused(client, issued):
    services.integration_client_revoke(client=issued.client)
    response = signed(client, issued, "GET", LIST)
    assert (response.status_code, response.json()["message"]) == (401, "客户端不存在或已停用")


def test_a_changed_body_breaks_the_signature(client, issued, case):
    body = {"action": "accept", "occurred_at": "2026-10-08T15:00:00+08:00"}
    raw = json.dumps(body).encode()
    headers = sign_request(
        client_id=issued.client.client_id, secret=issued.secret, method="POST", url=events_url(case), body=raw
    )
    tampered = raw.replace(b"15:00", b"14:00")
    response = client.post(events_url(case), tampered, content_type="application/json", headers=headers)
    assert (response.status_code, response.json()["message"]) == (401, "签名无效")
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_successful_request_records_last_use(client, issued):
    signed(client, issued, "GET", LIST)
    issued.client.refresh_from_db()
    assert issued.client.last_used_at == NOW


# --- pull ----------------------------------------------------------------------------------------------


def test_list_shows_only_the_departments_cases_with_their_dates(client, issued, case, version):
    # given: the case is accepted on 2026-10-08 (20 / 5 working days after 国庆)
    make_staff("window_clerk", case.department)
    signed(
        client,
        issued,
        "POST",
        events_url(case),
        {"action": "accept", "occurred_at": "2026-10-08T15:00:00+08:00"},
    )
    submit_case(version=make_case_version(department=make_department(name="莆田市卫生健康委员会")))
    # when
    response = signed(client, issued, "GET", LIST)
    # then
    assert response.status_code == 200
    case.refresh_from_db()
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "number": case.number,
                "status": "in_review",
                "status_label": "审查中",
                "item_code": version.item.implementation_code,
                "item_name": version.name,
                "submitted_at": "2026-10-08T09:00:00+08:00",
                "accepted_on": "2026-10-08",
                "legal_due_date": "2026-11-04",
                "promised_due_date": "2026-10-14",
                "remaining_workdays": case.remaining_workdays,
                "light": case.light,
                "last_event_at": "2026-10-08T15:00:00+08:00",
                "updated_at": "2026-10-12T09:00:00+08:00",
            }
        ],
    }


def test_updated_since_filters_and_is_validated(client, issued, case):
    later = signed(client, issued, "GET", LIST + "?updated_since=2026-10-12T09:00:01%2B08:00")
    since = signed(client, issued, "GET", LIST + "?updated_since=2026-10-12T09:00:00%2B08:00")
    bad = signed(client, issued, "GET", LIST + "?updated_since=yesterday")
    naive = signed(client, issued, "GET", LIST + "?updated_since=2026-10-12T09:00:00")
    assert later.json()["count"] == 0
    assert [c["number"] for c in since.json()["results"]] == [case.number]
    for response in (bad, naive):
        assert response.status_code == 400
        assert response.json()["fields"] == {
            "updated_since": ["应为带时区的 ISO 8601 时间，例如 2026-12-01T08:00:00+08:00"]
        }


# --- push ----------------------------------------------------------------------------------------------


def test_accept_is_recorded_as_of_occurred_at_by_the_service_account(client, issued, case, department):
    # given: a second system of the department subscribes to webhooks
    other = services.integration_client_create(
        department=department, name="电子证照系统", webhook_url="http://127.0.0.1:9/hook"
    )
    services.integration_client_create(department=department, name="本系统回调", webhook_url="")
    OutboxMessage.objects.all().delete()
    # when
    response = signed(
        client,
        issued,
        "POST",
        events_url(case),
        {"action": "accept", "occurred_at": "2026-10-08T15:00:00+08:00"},
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["event"] == {
        "sequence": 2,
        "action": "accept",
        "from_status": "submitted",
        "to_status": "in_review",
        "occurred_at": "2026-10-08T15:00:00+08:00",
        "recorded_at": "2026-10-12T09:00:00+08:00",
    }
    assert (body["case"]["status"], body["case"]["accepted_on"]) == ("in_review", "2026-10-08")
    event = CaseEvent.objects.get(case=case, sequence=2)
    assert event.actor == issued.client.service_user
    assert event.integration_client == issued.client.client_id
    webhooks = OutboxMessage.objects.filter(topic=WEBHOOK_TOPIC)
    assert [m.payload["client"] for m in webhooks] == [other.client.pk]
    assert webhooks.get().payload["body"]["action"] == "accept"
    assert OutboxMessage.objects.filter(topic="cases.notice").count() == 1


def test_case_of_another_department_is_404_and_unchanged(client, department):
    stranger = services.integration_client_create(department=make_department(name="莆田市卫生健康委员会"))
    case = submit_case(version=make_case_version(department=department), at=at(2026, 10, 8, 9))
    response = signed(
        client,
        stranger,
        "POST",
        events_url(case),
        {"action": "accept", "occurred_at": "2026-10-08T15:00:00+08:00"},
    )
    missing = signed(client, stranger, "POST", "/api/v1/integration/cases/000/events/", {"action": "accept"})
    assert response.status_code == missing.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到该对象。", "fields": {}}
    case.refresh_from_db()
    assert case.status == "submitted"


def _snapshot(case: Case) -> tuple[Any, ...]:
    fresh = Case.objects.get(pk=case.pk)
    return (
        fresh.status,
        fresh.updated_at,
        CaseEvent.objects.filter(case=case).count(),
        OutboxMessage.objects.count(),
    )


def test_illegal_transition_is_409_and_nothing_changes(client, issued, case):
    before = _snapshot(case)
    response = signed(
        client,
        issued,
        "POST",
        events_url(case),
        {"action": "approve", "occurred_at": "2026-10-09T10:00:00+08:00"},
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": "办件状态为“已申请待受理”，不能执行“准予”",
        "fields": {},
    }
    assert _snapshot(case) == before


@pytest.mark.parametrize(
    ("occurred_at", "message"),
    [
        ("2026-10-12T09:00:01+08:00", "发生时间不能晚于当前时间"),
        ("2026-10-08T08:59:59+08:00", "发生时间不能早于上一事件（提交申请，2026-10-08 09:00:00）"),
    ],
)
def test_occurred_at_in_the_future_or_before_the_previous_event_is_400(
    client, issued, case, occurred_at, message
):
    before = _snapshot(case)
    response = signed(
        client, issued, "POST", events_url(case), {"action": "accept", "occurred_at": occurred_at}
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": f"occurred_at：{message}",
        "fields": {"occurred_at": [message]},
    }
    assert _snapshot(case) == before


def test_occurred_at_is_required(client, issued, case):
    response = signed(client, issued, "POST", events_url(case), {"action": "accept"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["occurred_at"]


def test_actions_of_the_applicant_and_fields_of_other_actions_are_refused(client, issued, case):
    withdraw = signed(
        client,
        issued,
        "POST",
        events_url(case),
        {"action": "withdraw", "occurred_at": "2026-10-09T10:00:00+08:00"},
    )
    extra = signed(
        client,
        issued,
        "POST",
        events_url(case),
        {"action": "accept", "occurred_at": "2026-10-09T10:00:00+08:00", "reason": "x", "method": "post"},
    )
    assert withdraw.status_code == extra.status_code == 400
    assert withdraw.json()["fields"]["action"][0].startswith(
        "部门系统不能回流动作“withdraw”；可回流：accept（受理）、"
    )
    assert extra.json()["fields"] == {"method": ["“受理”不使用该字段"], "reason": ["“受理”不使用该字段"]}
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_request_supplement_then_refused_second_accept_by_service_rules(client, issued, case, version):
    req = requirement(version, "食品经营许可申请书")
    response = signed(
        client,
        issued,
        "POST",
        events_url(case),
        {
            "action": "request-supplement",
            "occurred_at": "2026-10-09T10:00:00+08:00",
            "items": [{"material_requirement_id": req.pk, "problem": "申请书未签字"}],
        },
    )
    assert response.status_code == 201
    assert response.json()["case"]["status"] == "pending_supplement"
    assert CaseEvent.objects.get(case=case, sequence=2).data["items"] == [
        {"material_requirement_id": req.pk, "name": "食品经营许可申请书", "problem": "申请书未签字"}
    ]


def test_whole_decision_path_and_extension_approved_by_the_department_head(client, issued, case, department):
    head = make_staff("department_head", department, username="head1")
    steps = [
        {"action": "accept", "occurred_at": "2026-10-08T15:00:00+08:00"},
        {
            "action": "extend",
            "occurred_at": "2026-10-09T10:00:00+08:00",
            "reason": "需现场核查",
            "approved_by": head.username,
            "days": 5,
        },
        {"action": "approve", "occurred_at": "2026-10-10T10:00:00+08:00"},
        {"action": "issue", "occurred_at": "2026-10-10T11:00:00+08:00"},
        {"action": "deliver", "occurred_at": "2026-10-10T12:00:00+08:00", "method": "electronic"},
        {"action": "complete", "occurred_at": "2026-10-12T08:00:00+08:00"},
    ]
    statuses = []
    for step in steps:
        response = signed(client, issued, "POST", events_url(case), step)
        assert response.status_code == 201, response.json()
        statuses.append(response.json()["case"]["status"])
    assert statuses == ["in_review", "in_review", "approved", "issued", "delivered", "completed"]
    case.refresh_from_db()
    assert (case.extensions_used, case.completed_on) == (1, dt.date(2026, 10, 12))
    assert set(
        CaseEvent.objects.filter(case=case, sequence__gt=1).values_list("integration_client", flat=True)
    ) == {issued.client.client_id}


def test_extension_approved_by_an_unknown_account_is_400(client, issued, case):
    signed(
        client,
        issued,
        "POST",
        events_url(case),
        {"action": "accept", "occurred_at": "2026-10-08T15:00:00+08:00"},
    )
    response = signed(
        client,
        issued,
        "POST",
        events_url(case),
        {
            "action": "extend",
            "occurred_at": "2026-10-09T10:00:00+08:00",
            "reason": "核查",
            "approved_by": "nobody",
        },
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"approved_by": ["未找到账号“nobody”（延期须由部门负责人批准）"]}


def test_idempotency_key_replays_a_retried_push(client, issued, case):
    body = {"action": "accept", "occurred_at": "2026-10-08T15:00:00+08:00"}
    key = {"Idempotency-Key": "5c1f3d8e-accept"}
    first = signed(client, issued, "POST", events_url(case), body, extra=key)
    retry = signed(client, issued, "POST", events_url(case), body, extra=key)  # new nonce, same key
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert CaseEvent.objects.filter(case=case).count() == 2
