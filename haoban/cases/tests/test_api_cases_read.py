"""GET /api/v1/cases/, /cases/{number}/ and the notice PDF: scoped lists that hide exactly what the detail
404s, filters, pagination, the detail's fields, events, notices and allowed actions."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haoban.accounts.models import User
from haoban.cases.models import Case

from .world import (
    World,
    add_event,
    add_material,
    add_notice,
    client_for,
    make_agent,
    make_case,
    make_staff,
    make_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def _list(user: User | None, query: str = "") -> list[str]:
    response = client_for(user).get(f"/api/v1/cases/{query}")
    assert response.status_code == 200, response.json()
    return [row["number"] for row in response.json()["results"]]


def test_anonymous_callers_are_told_to_log_in(world: World) -> None:
    case = make_case(world.version(world.market), world.applicant_a)

    for url in ("/api/v1/cases/", f"/api/v1/cases/{case.number}/"):
        response = client_for(None).get(url)
        assert (response.status_code, response["WWW-Authenticate"]) == (401, 'Basic realm="api"')
        assert response.json()["code"] == "not_authenticated"


def test_what_a_list_hides_the_detail_404s(world: World) -> None:
    # given
    w = world
    cases = [
        make_case(w.version(w.market), w.applicant_a, service_center=w.city_center),
        make_case(w.version(w.market), w.applicant_b),
        make_case(w.version(w.xianyou_market), w.applicant_a, service_center=w.xianyou_center),
        make_case(w.version(w.fengting_gov), w.applicant_b),
        make_case(w.version(w.chengxiang_market), w.applicant_b),
    ]
    callers = {
        "applicant_a": w.applicant_a.user,
        "applicant_b": w.applicant_b.user,
        "agent_in": make_agent("agent-in", w.applicant_a, days_from=-1, days_to=1),
        "agent_expired": make_agent("agent-out", w.applicant_a, days_from=-9, days_to=-1),
        "clerk_city": make_staff("clerk-city", "window_clerk", service_centers=[w.city_center]),
        "reviewer_market": make_staff("reviewer-market", "reviewer", departments=[w.market]),
        "clerk_xianyou": make_staff("clerk-xianyou", "window_clerk", region=w.xianyou),
        "clerk_chengxiang": make_staff("clerk-chengxiang", "window_clerk", region=w.chengxiang),
        "catalog": make_staff("catalog", "catalog_manager", region=w.city),
        "supervisor": make_staff("supervisor", "efficiency_supervisor", region=w.city),
    }
    index = {case.number: i for i, case in enumerate(cases)}

    # when
    listed = {name: sorted(index[n] for n in _list(user)) for name, user in callers.items()}
    details = {
        name: sorted(
            index[case.number]
            for case in cases
            if client_for(user).get(f"/api/v1/cases/{case.number}/").status_code == 200
        )
        for name, user in callers.items()
    }

    # then: exactly these, and the detail agrees with the list for everyone
    assert listed == {
        "applicant_a": [0, 2],
        "applicant_b": [1, 3, 4],
        "agent_in": [0, 2],
        "agent_expired": [],
        "clerk_city": [0],
        "reviewer_market": [0, 1],
        "clerk_xianyou": [2, 3],
        "clerk_chengxiang": [4],
        "catalog": [],
        "supervisor": [0, 1, 2, 3, 4],
    }
    assert details == listed
    hidden = client_for(callers["clerk_chengxiang"]).get(f"/api/v1/cases/{cases[0].number}/")
    assert hidden.status_code == 404
    assert hidden.json() == {"code": "not_found", "message": "未找到该对象。", "fields": {}}


def test_filters_and_their_errors(world: World) -> None:
    w = world
    supervisor = make_staff("supervisor", "efficiency_supervisor", region=w.city)
    red = make_case(w.version(w.market), w.applicant_a, status="in_review", light="red", remaining_workdays=0)
    green = make_case(
        w.version(w.xianyou_market), w.applicant_b, status="in_review", light="green", remaining_workdays=6
    )
    submitted = make_case(w.version(w.market), w.applicant_b)

    assert _list(supervisor) == [red.number, green.number, submitted.number]  # by urgency
    assert _list(supervisor, "?status=submitted") == [submitted.number]
    assert _list(supervisor, "?status=submitted,in_review") == [red.number, green.number, submitted.number]
    assert _list(supervisor, f"?item={green.item.implementation_code}") == [green.number]
    assert _list(supervisor, f"?department={w.market.uscc}") == [red.number, submitted.number]
    assert _list(supervisor, "?light=red,yellow") == [red.number]
    assert _list(supervisor, f"?status=in_review&department={w.xianyou_market.uscc}") == [green.number]

    bad = client_for(supervisor).get("/api/v1/cases/?status=open&light=blue")
    assert bad.status_code == 400
    assert bad.json()["fields"] == {
        "status": [
            "未知的办件状态：open（可选：submitted、pending_supplement、refused、in_review、suspended、approved、"
            "denied、issued、delivered、completed、withdrawn）"
        ],
        "light": ["未知的红黄绿灯：blue（可选：green、yellow、red）"],
    }


def test_list_is_paginated_and_masks_resident_ids(world: World) -> None:
    w = world
    for _ in range(3):
        make_case(w.version(w.market), w.applicant_a)

    response = client_for(w.applicant_a.user).get("/api/v1/cases/?page_size=2")

    body = response.json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"].endswith("page=2&page_size=2")
    row = body["results"][0]
    assert row["applicant"]["identifier"] == w.applicant_a.masked_resident_id
    assert w.applicant_a.resident_id not in response.content.decode()
    assert set(row) == {
        "number",
        "status",
        "status_label",
        "item",
        "department",
        "applicant",
        "channel",
        "submitted_at",
        "current_step",
        "step_due_date",
        "step_overdue",
        "legal_due_date",
        "promised_due_date",
        "remaining_workdays",
        "light",
        "clock_paused",
        "provisional",
    }


def test_detail_shows_clock_events_notices_materials_and_the_callers_actions(world: World) -> None:
    # given: an accepted case with its notice and two materials
    w = world
    clerk = make_staff("clerk", "window_clerk", departments=[w.market])
    reviewer = make_staff("reviewer", "reviewer", departments=[w.market])
    supervisor = make_staff("supervisor", "efficiency_supervisor", region=w.city)
    case = make_case(
        w.version(w.market),
        w.applicant_a,
        status="in_review",
        light="yellow",
        remaining_workdays=1,
        clock_paused=False,
        provisional=True,
    )
    Case.objects.filter(pk=case.pk).update(
        legal_due_date="2026-03-30", promised_due_date="2026-03-09", accepted_on="2026-03-02"
    )
    accepted = add_event(case, "accept", "submitted", "in_review", actor=clerk, actor_role="window_clerk")
    notice = add_notice(case, accepted)
    add_material(case, reference="1.2.156.3005.2.X.1.001.Y")

    # when
    response = client_for(w.applicant_a.user).get(f"/api/v1/cases/{case.number}/")

    # then
    body = response.json()
    assert response.status_code == 200
    assert {k: body[k] for k in ("number", "status", "status_label", "channel", "light")} == {
        "number": case.number,
        "status": "in_review",
        "status_label": "审查中",
        "channel": "pc",
        "light": "yellow",
    }
    assert body["item"] == {
        "implementation_code": case.item.implementation_code,
        "name": "食品经营许可（新办）",
        "version": 1,
    }
    assert (body["legal_due_date"], body["promised_due_date"], body["remaining_workdays"]) == (
        "2026-03-30",
        "2026-03-09",
        1,
    )
    assert (body["clock_paused"], body["provisional"]) == (False, True)
    assert body["events"] == [
        {
            "sequence": 1,
            "action": "submit",
            "action_label": "提交申请",
            "from_status": "",
            "to_status": "submitted",
            "occurred_at": "2026-03-02T09:30:00+08:00",
            "actor": "张三",
            "actor_role": "",
            "reason": "",
            "days": None,
        },
        {
            "sequence": 2,
            "action": "accept",
            "action_label": "受理",
            "from_status": "submitted",
            "to_status": "in_review",
            "occurred_at": "2026-03-02T09:30:00+08:00",
            "actor": "clerk 工作人员",
            "actor_role": "window_clerk",
            "reason": "",
            "days": None,
        },
    ]
    assert body["notices"] == [
        {
            "id": str(notice.uuid),
            "kind": "acceptance",
            "kind_label": "受理通知书",
            "document_number": notice.document_number,
            "issued_on": "2026-03-02",
            "event_sequence": 2,
            "download_url": f"/api/v1/cases/{case.number}/notices/{notice.uuid}/pdf",
        }
    ]
    assert [(m["name"], m["source"], m["reference"]) for m in body["materials"]] == [
        ("食品经营许可申请书", "e_license", "1.2.156.3005.2.X.1.001.Y")
    ]
    assert body["allowed_actions"] == ["supplement", "pay", "withdraw"]

    def actions(user: User) -> list[str]:
        return client_for(user).get(f"/api/v1/cases/{case.number}/").json()["allowed_actions"]

    assert actions(clerk) == ["pay"]
    assert actions(reviewer) == ["suspend"]  # 决定 is the department head's step
    assert actions(supervisor) == []


def test_notice_pdf_is_served_to_whoever_sees_the_case(world: World, private_dir: Path) -> None:
    # given: a notice whose PDF is in the private directory
    w = world
    case = make_case(w.version(w.market), w.applicant_a)
    notice = add_notice(case, case.events.get(), storage_path=f"notices/{case.number}/acceptance.pdf")
    path = private_dir / notice.storage_path
    path.parent.mkdir(parents=True)
    path.write_bytes(b"%PDF-1.7 notice")
    url = f"/api/v1/cases/{case.number}/notices/{notice.uuid}/pdf"
    reviewer = make_staff("reviewer", "reviewer", departments=[w.market])
    outsider = make_staff("outsider", "reviewer", departments=[w.xianyou_market])

    # when
    mine = client_for(w.applicant_a.user).get(url)
    staff = client_for(reviewer).get(url)
    other = client_for(w.applicant_b.user).get(url)
    outside = client_for(outsider).get(url)
    anonymous = client_for(None).get(url)

    # then
    assert mine.status_code == 200
    assert mine["Content-Type"] == "application/pdf"
    assert mine["Cache-Control"] == "private, no-store"
    assert "attachment" in mine["Content-Disposition"]
    assert b"".join(mine.streaming_content) == b"%PDF-1.7 notice"
    assert staff.status_code == 200
    assert (other.status_code, outside.status_code, anonymous.status_code) == (404, 404, 401)


def test_notice_pdf_missing_on_disk_or_outside_the_private_directory_is_404(world: World) -> None:
    w = world
    case = make_case(w.version(w.market), w.applicant_a)
    missing = add_notice(case, case.events.get(), storage_path="notices/none.pdf")
    escaping = add_notice(case, case.events.get(), storage_path="../../etc/passwd")
    client = client_for(w.applicant_a.user)

    for notice in (missing, escaping):
        response = client.get(f"/api/v1/cases/{case.number}/notices/{notice.uuid}/pdf")
        assert response.status_code == 404


def test_list_and_detail_queries_do_not_grow_with_the_data(world: World) -> None:
    w = world
    reviewer = make_staff("reviewer", "reviewer", departments=[w.market])
    clerk = make_staff("clerk", "window_clerk", departments=[w.market])

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client_for(reviewer).get(url).status_code == 200
        return len(context)

    case = make_case(w.version(w.market), w.applicant_a, status="in_review", service_center=w.city_center)
    add_notice(case, add_event(case, "accept", "submitted", "in_review", actor=clerk))
    few_list, few_detail = queries("/api/v1/cases/"), queries(f"/api/v1/cases/{case.number}/")
    for _ in range(5):
        other = make_case(
            w.version(w.market), w.applicant_b, status="in_review", service_center=w.city_center
        )
        add_notice(other, add_event(other, "accept", "submitted", "in_review", actor=clerk))
        add_material(case)
    for n in range(5):
        add_notice(
            case,
            add_event(
                case,
                "pay",
                "in_review",
                "in_review",
                actor=make_staff(f"c{n}", "window_clerk", departments=[w.market]),
            ),
        )

    assert queries("/api/v1/cases/") == few_list
    assert queries(f"/api/v1/cases/{case.number}/") == few_detail
