"""The workbench by process step: 待我办理 inbox, step due dates with their light, and 流转 (forward)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from haoban.cases import ticks
from haoban.cases.models import Case, CaseEvent
from haoban.cases.tests.factories import (
    STEPS,
    accept,
    at,
    make_case_version,
    make_department,
    make_staff,
    snapshot,
    submit_case,
)
from haoban.core.outbox import process_outbox

pytestmark = pytest.mark.django_db

NOW = at(2026, 11, 18, 10)


@pytest.fixture(autouse=True)
def private_dir(tmp_path: Path, settings: Any) -> Path:
    settings.HAOBAN_PRIVATE_DIR = tmp_path / "private"
    return Path(settings.HAOBAN_PRIVATE_DIR)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _in_review(version: Any, day: int = 2) -> Case:
    """Accepted on ``day`` Nov 2026: in 审查 for 10 working days (from 2 Nov: due 16 Nov, overdue now)."""
    return accept(submit_case(version=version, at=at(2026, 11, day, 9)), at(2026, 11, day, 9, 30))


def test_my_inbox_shows_the_cases_of_my_step(time_machine: Any) -> None:
    # given: one case waiting for acceptance, one in 审查 (overdue), one in 审查 of another department
    version = make_case_version()
    waiting = submit_case(version=version, at=at(2026, 11, 17, 9))
    reviewing = _in_review(version)
    other = _in_review(make_case_version(department=make_department(name="莆田市卫生健康委员会")))
    reviewer = make_staff("reviewer", version.item.implementing_body)
    clerk = make_staff("window_clerk", version.item.implementing_body)

    # when
    mine = _client(reviewer).get("/workbench/")
    everything = _client(reviewer).get("/workbench/?view=all")
    clerks = _client(clerk).get("/workbench/")

    # then: the reviewer's default view has the 审查 case only, with its step due date and red step light
    html = mine.content.decode()
    assert reviewing.number in html
    assert waiting.number not in html and other.number not in html
    assert "审查中 / 审查 环节逾期 环节到期 2026-11-16" in _text(mine)
    assert "只显示待我办理的办件" in _text(mine)
    assert waiting.number in everything.content.decode()
    assert other.number not in everything.content.decode()
    # the window clerk's: the case to accept, not the one in review
    assert waiting.number in clerks.content.decode()
    assert reviewing.number not in clerks.content.decode()


def test_step_filter_and_step_due_sort() -> None:
    version = make_case_version()
    early = _in_review(version, day=2)  # 审查 due 16 Nov
    late = _in_review(version, day=9)  # 审查 due 23 Nov
    reviewer = make_staff("reviewer", version.item.implementing_body)

    html = _client(reviewer).get("/workbench/?sort=step_due&step=审查").content.decode()
    none = _client(reviewer).get("/workbench/?step=决定").content.decode()

    assert html.index(early.number) < html.index(late.number)
    assert "按当前环节到期日排序" in html
    assert early.number not in none and late.number not in none


def test_forward_from_the_case_page() -> None:
    # given
    version = make_case_version()
    case = _in_review(version)
    reviewer = make_staff("reviewer", version.item.implementing_body)
    client = _client(reviewer)

    # when
    page = client.get(f"/workbench/cases/{case.number}/")
    response = client.post(
        f"/workbench/cases/{case.number}/actions/forward/", {"forward-note": "材料齐全，建议准予"}
    )

    # then: the form named the next step; after it the case is at 决定, due Fri 20 Nov
    assert "提交至“决定”环节（流转）" in _text(page)
    assert "环节逾期" in _text(page)
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.current_step.name, str(case.step_due_date)) == ("决定", "2026-11-20")
    event = CaseEvent.objects.filter(case=case).order_by("-sequence").first()
    assert (event.action, event.data["note"], event.actor_id) == (
        "forward",
        "材料齐全，建议准予",
        reviewer.pk,
    )
    after = client.get(f"/workbench/cases/{case.number}/")
    assert "提交下一环节" not in _text(after)  # 决定 is the head's step
    assert "环节到期 2026-11-20" in _text(after)
    assert "当前环节：决定 流转说明：材料齐全，建议准予" in _text(after)


def test_forward_by_a_clerk_is_refused_and_nothing_changes() -> None:
    version = make_case_version()
    case = _in_review(version)
    clerk = make_staff("window_clerk", version.item.implementing_body)
    before = snapshot(case)

    page = _client(clerk).get(f"/workbench/cases/{case.number}/")
    response = _client(clerk).post(f"/workbench/cases/{case.number}/actions/forward/", {"forward-note": "x"})

    assert "提交下一环节" not in _text(page)
    assert response.status_code == 302
    assert snapshot(case) == before


def test_forward_with_a_too_long_note_re_renders_the_form() -> None:
    version = make_case_version()
    case = _in_review(version)
    before = snapshot(case)

    response = _client(make_staff("reviewer", version.item.implementing_body)).post(
        f"/workbench/cases/{case.number}/actions/forward/", {"forward-note": "很" * 501}
    )

    assert response.status_code == 400
    assert "流转说明（可不填）" in _text(response)
    assert snapshot(case) == before


def test_staff_of_an_assigned_step_department_see_and_forward_the_case() -> None:
    # given: 审查 of this item is assigned to the 卫健委
    health = make_department(name="莆田市卫生健康委员会")
    steps = [dict(s) for s in STEPS]
    steps[1] |= {"department": health.uscc}
    case = _in_review(make_case_version(steps=steps))
    health_reviewer = make_staff("reviewer", health)

    # when
    inbox = _client(health_reviewer).get("/workbench/").content.decode()
    response = _client(health_reviewer).post(f"/workbench/cases/{case.number}/actions/forward/", {})

    # then
    assert case.number in inbox
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.current_step.name == "决定"


def test_the_applicant_sees_the_step_change_but_not_the_internal_note() -> None:
    version = make_case_version()
    case = _in_review(version)
    _client(make_staff("reviewer", version.item.implementing_body)).post(
        f"/workbench/cases/{case.number}/actions/forward/", {"forward-note": "内部审查意见"}
    )

    page = _text(_client(case.applicant.user).get(f"/my/cases/{case.number}/"))

    assert "办件转入下一办理环节" in page
    assert "当前环节：决定" in page
    assert "内部审查意见" not in page


def test_submitting_the_forward_form_twice_moves_the_case_one_step() -> None:
    # given: 审查 → 复审 → 决定, the page shows 审查
    steps = [dict(s) for s in STEPS]
    steps.insert(2, {"name": "复审", "role": "reviewer", "time_amount": 3, "time_unit": "workday"})
    version = make_case_version(steps=steps)
    case = _in_review(version)
    client = _client(make_staff("reviewer", version.item.implementing_body))
    assert (
        'name="forward-expected_step" value="审查"'
        in client.get(f"/workbench/cases/{case.number}/").content.decode()
    )

    # when: the same form is posted twice
    url = f"/workbench/cases/{case.number}/actions/forward/"
    client.post(url, {"forward-expected_step": "审查"})
    again = client.post(url, {"forward-expected_step": "审查"}, follow=True)

    # then
    case.refresh_from_db()
    assert case.current_step.name == "复审"
    assert "操作未完成：办件已流转至“复审”环节，请刷新后再办理" in _text(again)
    assert CaseEvent.objects.filter(case=case, action="forward").count() == 1


def test_a_supervisor_without_a_step_role_sees_the_whole_scope_by_default() -> None:
    version = make_case_version()
    case = _in_review(version)
    supervisor = make_staff("efficiency_supervisor", version.item.implementing_body)

    response = _client(supervisor).get("/workbench/")

    assert case.number in response.content.decode()
    assert "显示您岗位范围内的全部办件" in _text(response)
    assert '<option value="all" selected>' in response.content.decode()


def test_step_overdue_alerts_show_in_the_inbox_until_read() -> None:
    # given: a case overdue in 审查 (due 16 Nov), the tick and its outbox message have run
    version = make_case_version()
    case = _in_review(version)
    reviewer = make_staff("reviewer", version.item.implementing_body)
    other = make_staff("reviewer", version.item.implementing_body)
    assert ticks.step_overdue(NOW) == "环节逾期提醒 1 件"
    process_outbox()
    client = _client(reviewer)

    # when
    inbox = _text(client.get("/workbench/"))
    read = client.post("/workbench/alerts/read/", follow=True)

    # then
    assert "提醒（1 条未读） 环节逾期提醒 ： 办件 " + case.number in inbox
    assert "在“审查”环节已超过环节到期日2026年11月16日，请尽快办理。" in inbox
    assert "已将 1 条提醒标为已读。" in _text(read)
    assert "环节逾期提醒 ：" not in _text(client.get("/workbench/"))
    assert "环节逾期提醒 ：" in _text(_client(other).get("/workbench/"))  # only the reader's own
