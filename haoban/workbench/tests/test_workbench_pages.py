"""Staff workbench: inbox by urgency, case page with one form per allowed action, conflicts, 否定报备."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from haoban.accounts.tests.helpers import make_user
from haoban.cases import services
from haoban.cases.models import Case, CaseEvent, NegativeDecision
from haoban.cases.tests.factories import (
    at,
    case_in_status,
    make_applicant,
    make_case_version,
    make_staff,
    requirement,
)
from haoban.catalog.tests.factories import make_department
from haoban.core.outbox import process_outbox
from haoban.workbench.views import mask_name

pytestmark = pytest.mark.django_db

NOW = at(2026, 9, 21, 10)


@pytest.fixture(autouse=True)
def private_dir(tmp_path: Path, settings: Any) -> Path:
    settings.HAOBAN_PRIVATE_DIR = tmp_path / "private"
    return Path(settings.HAOBAN_PRIVATE_DIR)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _text(response: Any) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", text)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def version() -> Any:
    return make_case_version()


@pytest.fixture
def clerk(version: Any) -> Any:
    return make_staff("window_clerk", version.item.implementing_body)


@pytest.fixture
def reviewer(version: Any) -> Any:
    return make_staff("reviewer", version.item.implementing_body)


def test_non_staff_get_403(version: Any) -> None:
    applicant = make_applicant()
    response = _client(applicant.user).get("/workbench/")
    assert response.status_code == 403
    assert "工作台仅供有办件岗位的工作人员使用" in _text(response)


def test_anonymous_is_sent_to_login() -> None:
    assert Client().get("/workbench/")["Location"] == "/accounts/login/?next=/workbench/"


def test_inbox_lists_cases_in_scope_by_urgency(version: Any, clerk: Any) -> None:
    first = case_in_status("submitted", version=version, at=at(2026, 9, 14))
    second = case_in_status("submitted", version=version, at=NOW)
    elsewhere = case_in_status("submitted", version=make_case_version(department=make_department()), at=NOW)
    response = _client(clerk).get("/workbench/")
    html = response.content.decode()
    assert response.status_code == 200
    assert elsewhere.number not in html
    assert html.index(first.number) < html.index(second.number)
    assert mask_name(first.applicant.name) in html
    assert first.applicant.name not in html


def test_inbox_filter_by_status(version: Any, clerk: Any) -> None:
    submitted = case_in_status("submitted", version=version, at=NOW)
    supplement = case_in_status("pending_supplement", version=version, at=NOW)
    html = _client(clerk).get("/workbench/?status=pending_supplement").content.decode()
    assert supplement.number in html and submitted.number not in html


def test_case_outside_scope_is_404(version: Any) -> None:
    case = case_in_status("submitted", version=version, at=NOW)
    other_clerk = make_staff("window_clerk", make_department())
    assert _client(other_clerk).get(f"/workbench/cases/{case.number}/").status_code == 404


def test_case_page_offers_the_clerks_actions(version: Any, clerk: Any) -> None:
    case = case_in_status("submitted", version=version, at=NOW)
    html = _client(clerk).get(f"/workbench/cases/{case.number}/").content.decode()
    assert f'action="/workbench/cases/{case.number}/actions/accept/"' in html
    assert f'action="/workbench/cases/{case.number}/actions/refuse/"' in html
    assert f'action="/workbench/cases/{case.number}/actions/request-supplement/"' in html
    assert "actions/approve/" not in html


def test_accept(version: Any, clerk: Any) -> None:
    case = case_in_status("submitted", version=version, at=NOW)
    response = _client(clerk).post(f"/workbench/cases/{case.number}/actions/accept/", {})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "in_review"


def test_refuse_without_reason_shows_error_and_writes_nothing(version: Any, clerk: Any) -> None:
    case = case_in_status("submitted", version=version, at=NOW)
    events = CaseEvent.objects.count()
    response = _client(clerk).post(f"/workbench/cases/{case.number}/actions/refuse/", {"refuse-reason": ""})
    assert response.status_code == 400
    assert '<a href="#id_refuse-reason">请填写不予受理的理由</a>' in response.content.decode()
    assert CaseEvent.objects.count() == events
    assert NegativeDecision.objects.count() == 0


def test_request_supplement_one_notice(version: Any, clerk: Any) -> None:
    case = case_in_status("submitted", version=version, at=NOW)
    form, rules = requirement(version, "食品经营许可申请书"), requirement(version, "食品安全管理制度文本")
    client = _client(clerk)
    missing = client.post(
        f"/workbench/cases/{case.number}/actions/request-supplement/",
        {f"request-supplement-m{form.pk}": "on"},
    )
    assert missing.status_code == 400
    assert "请写明“食品经营许可申请书”需要补正的内容" in _text(missing)
    ok = client.post(
        f"/workbench/cases/{case.number}/actions/request-supplement/",
        {
            f"request-supplement-m{form.pk}": "on",
            f"request-supplement-p{form.pk}": "申请书未签字",
            f"request-supplement-m{rules.pk}": "on",
            f"request-supplement-p{rules.pk}": "缺少进货查验制度",
        },
    )
    assert ok.status_code == 302
    event = CaseEvent.objects.filter(case=case).last()
    assert event.action == "request-supplement"
    assert [i["problem"] for i in event.data["items"]] == ["申请书未签字", "缺少进货查验制度"]


def test_conflict_is_a_clear_message(version: Any, clerk: Any) -> None:
    case = case_in_status("submitted", version=version, at=NOW)
    client = _client(clerk)
    page_case = Case.objects.get(pk=case.pk)
    services.case_accept(case=case, actor=make_staff("window_clerk", version.item.implementing_body))
    response = client.post(f"/workbench/cases/{page_case.number}/actions/accept/", {}, follow=True)
    assert "办件当前状态为“审查中”，您不能执行“受理”。页面已刷新为最新状态。" in _text(response)
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 1


def test_reviewer_suspends_resumes_and_approves(version: Any, reviewer: Any) -> None:
    case = case_in_status("in_review", version=version, at=NOW)
    client = _client(reviewer)
    bad = client.post(f"/workbench/cases/{case.number}/actions/suspend/", {"suspend-procedure": ""})
    assert bad.status_code == 400
    client.post(
        f"/workbench/cases/{case.number}/actions/suspend/",
        {"suspend-procedure": "inspection", "suspend-reason": "现场核查", "suspend-expected_days": "3"},
    )
    case.refresh_from_db()
    assert case.status == "suspended" and case.clock_paused
    client.post(f"/workbench/cases/{case.number}/actions/resume/", {})
    # 决定 is the department head's step: the reviewer cannot approve, the head can
    client.post(f"/workbench/cases/{case.number}/actions/approve/", {})
    case.refresh_from_db()
    assert case.status == "in_review"
    head = make_staff("department_head", version.item.implementing_body)
    _client(head).post(f"/workbench/cases/{case.number}/actions/approve/", {})
    case.refresh_from_db()
    assert case.status == "approved"


def test_extend_offers_only_heads_of_the_department(version: Any) -> None:
    case = case_in_status("in_review", version=version, at=NOW)
    head = make_staff("department_head", version.item.implementing_body)
    make_staff("department_head", make_department(), username="otherhead")
    html = _client(head).get(f"/workbench/cases/{case.number}/").content.decode()
    assert f'<option value="{head.pk}">' in html
    assert "otherhead" not in html


def test_notice_preview_and_download(version: Any, clerk: Any) -> None:
    case = case_in_status("in_review", version=version, at=NOW)
    process_outbox()
    notice = case.notices.get()
    client = _client(clerk)
    preview = client.get(f"/workbench/cases/{case.number}/notices/{notice.uuid}/?preview=1")
    assert preview["Content-Disposition"].startswith("inline")
    download = client.get(f"/workbench/cases/{case.number}/notices/{notice.uuid}/")
    assert download["Content-Disposition"].startswith("attachment")


def test_negative_register(version: Any) -> None:
    case = case_in_status("refused", version=version, at=NOW)
    supervisor = make_user("supervisor1")
    from haoban.accounts.services import staff_assign

    staff_assign(user=supervisor, role="efficiency_supervisor", region=version.item.region)
    text = _text(_client(supervisor).get("/workbench/negative-register/"))
    assert f"不予受理 {case.number}" in text
    assert "不属于本机关职权范围" in text
    clerk = make_staff("window_clerk", version.item.implementing_body)
    assert _client(clerk).get("/workbench/negative-register/").status_code == 403


def test_mask_name() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("莆田市好味食品有限公司") == "莆田市****有限公司"


def test_inbox_puts_red_before_green(version: Any, reviewer: Any) -> None:
    late = case_in_status("in_review", version=version, at=at(2026, 8, 3))
    fresh = case_in_status("in_review", version=version, at=NOW)
    from haoban.cases.services import case_recompute_clock

    case_recompute_clock(case=late)
    late.refresh_from_db()
    assert late.light == "red"
    html = _client(reviewer).get("/workbench/").content.decode()
    assert html.index(late.number) < html.index(fresh.number)
    assert '<span class="light light-red">红灯</span>' in html


def test_tolerant_acceptance(clerk: Any) -> None:
    version = make_case_version(tags=("online", "tolerant_acceptance"))
    clerk = make_staff("window_clerk", version.item.implementing_body)
    case = case_in_status("submitted", version=version, at=NOW)
    rules = requirement(version, "食品安全管理制度文本")
    client = _client(clerk)
    missing_date = client.post(
        f"/workbench/cases/{case.number}/actions/accept/", {"accept-deficient_materials": [str(rules.pk)]}
    )
    assert missing_date.status_code == 400
    assert "容缺受理须约定容缺材料的补齐期限" in _text(missing_date)
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 0
    client.post(
        f"/workbench/cases/{case.number}/actions/accept/",
        {"accept-deficient_materials": [str(rules.pk)], "accept-tolerant_due_date": "2026-09-30"},
    )
    case.refresh_from_db()
    assert case.status == "in_review" and str(case.tolerant_due_date) == "2026-09-30"


def test_deliver_by_post_needs_address_and_tracking(version: Any, clerk: Any) -> None:
    case = case_in_status("issued", version=version, at=NOW)
    client = _client(clerk)
    bad = client.post(f"/workbench/cases/{case.number}/actions/deliver/", {"deliver-method": "post"})
    assert bad.status_code == 400
    assert CaseEvent.objects.filter(case=case, action="deliver").count() == 0
    client.post(
        f"/workbench/cases/{case.number}/actions/deliver/",
        {
            "deliver-method": "post",
            "deliver-address": "荔城区镇海街道 1 号",
            "deliver-tracking_number": "SF1234567890",
        },
    )
    client.post(f"/workbench/cases/{case.number}/actions/complete/", {})
    case.refresh_from_db()
    assert case.status == "completed"


def test_extend_with_head_approval(version: Any) -> None:
    case = case_in_status("in_review", version=version, at=NOW)
    head = make_staff("department_head", version.item.implementing_body)
    legal = case.legal_due_date
    client = _client(head)
    no_head = client.post(
        f"/workbench/cases/{case.number}/actions/extend/", {"extend-reason": "需要专家论证"}
    )
    assert "请选择批准延期的部门负责人" in _text(no_head)
    client.post(
        f"/workbench/cases/{case.number}/actions/extend/",
        {"extend-reason": "需要专家论证", "extend-approved_by": str(head.pk), "extend-days": "5"},
    )
    case.refresh_from_db()
    assert case.extensions_used == 1 and case.legal_due_date > legal


def test_inbox_htmx_swaps_only_the_results(version: Any, clerk: Any) -> None:
    case = case_in_status("submitted", version=version, at=NOW)
    response = _client(clerk).get("/workbench/?status=submitted", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.startswith('<div id="inbox-results" aria-live="polite">')
    assert case.number in html and "<h1>" not in html
    assert "HX-Request" in response["Vary"]


def test_inbox_sorted_by_submission_and_filtered_by_step(version: Any, clerk: Any) -> None:
    newer = case_in_status("in_review", version=version, at=NOW)
    older = case_in_status("in_review", version=version, at=at(2026, 9, 14))
    waiting = case_in_status("submitted", version=version, at=NOW)
    client = _client(clerk)
    by_submission = client.get("/workbench/?view=all&sort=submitted").content.decode()
    assert by_submission.index(older.number) < by_submission.index(newer.number)
    assert "按申请时间排序，最早申请的在前。" in by_submission
    step = newer.current_step.name
    in_step = client.get(f"/workbench/?view=all&step={step}").content.decode()
    assert newer.number in in_step and older.number in in_step and waiting.number not in in_step
