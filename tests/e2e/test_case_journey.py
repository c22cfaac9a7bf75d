"""One case from online application to 办结, through the pages only, on the Putian demo data.

张三 applies online for 市场监管领域重大违法行为举报奖励 (市市场监管局) → clerk asks for a supplement (one
notice) → 张三 supplements → clerk accepts → reviewer suspends (现场核查), resumes and forwards (流转) to 决定
→ head approves → reviewer issues → clerk delivers → completes. After each step the due dates on the page are compared with the dates the
domain clock computes from the case's events in the database (nothing hard-coded). Notices come from the
outbox, which the test drains the way the worker would.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from haoban.calendars.selectors import get_work_calendar
from haoban.cases.models import Case
from haoban.core.outbox import process_outbox
from haoban.domain.case_clock import ClockEvent, compute_case_clock, parse_event_kind
from haoban.domain.clock import TimeLimit, TimeUnit
from haoban.domain.workflow import CaseAction
from tests.e2e.conftest import PHONE, RESULTS_DIR

pytestmark = pytest.mark.browser

ITEM = "11350300MB158710653350826001000"  # 市场监管领域重大违法行为举报奖励, 市市场监管局, 三级, pc/mobile
PASSWORD = "haoban-demo-2026"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def demo(transactional_db: None, live_server: Any, tmp_path: Path, settings: Any) -> None:
    settings.HAOBAN_PRIVATE_DIR = tmp_path / "private"
    # Fast hashes for the demo accounts, for loading and for logging in through the live server.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    importlib.import_module("haoban.catalog.migrations.0002_service_tags").create_tags(django_apps, None)
    call_command("load_demo", stdout=io.StringIO())


def _login(page: Any, username: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def _cn(day: dt.date | None) -> str | None:
    return f"{day.year}年{day.month}月{day.day}日" if day else None


def _expected(number: str) -> dict[str, str | None]:
    """The dates the domain clock gives for the case's events as stored (independent of the services)."""
    case = Case.objects.select_related("item_version").get(number=number)
    version = case.item_version
    today = timezone.localdate()
    events = [
        ClockEvent(
            parse_event_kind(e.action),
            timezone.localdate(e.occurred_at),
            e.amount if parse_event_kind(e.action) is CaseAction.EXTEND else None,
        )
        for e in case.events.order_by("sequence")
        if e.action != "forward"  # 流转 moves the process step, not the legal clock
    ]
    clock = compute_case_clock(
        get_work_calendar(today=today),
        events=events,
        legal_limit=TimeLimit(version.legal_limit_amount, TimeUnit(version.legal_limit_unit)),
        promised_limit=TimeLimit(version.promised_limit_amount, TimeUnit(version.promised_limit_unit)),
        default_extension=version.extension_amount,
        today=today,
    )
    suffix = "（临时日历）" if clock.provisional else ""
    return {
        "acceptance": _cn(clock.acceptance_due_date) if case.status == "submitted" else None,
        "promised": _cn(clock.promised_due_date) + suffix if clock.promised_due_date else None,
        "legal": _cn(clock.legal_due_date) + suffix if clock.legal_due_date else None,
        "certificate": _cn(clock.certificate_due_date),
    }


def _check_dates(page: Any, number: str) -> None:
    for key, value in _expected(number).items():
        cell = page.locator(f"dd[data-date={key}]")
        if value is None:
            expect(cell).to_have_count(0)
        else:
            expect(cell).to_have_text(value)


def _act(page: Any, number: str, action: str, fill: dict[str, str] | None = None) -> None:
    page.goto(f"/workbench/cases/{number}/")
    section = page.locator(f"#action-{action}")
    for selector, value in (fill or {}).items():
        target = section.locator(selector)
        if value == "check":
            target.check()
        elif target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    section.locator("button[type=submit]").click()
    expect(page.locator(".notice[role=status]")).to_contain_text("已")
    process_outbox()
    page.reload()
    _check_dates(page, number)


def test_case_journey(demo: None, new_page: Any) -> None:
    applicant = new_page(viewport=PHONE)
    # 张三 finds the guide and applies online (on a 360 px phone)
    applicant.goto(f"/items/{ITEM}/")
    applicant.get_by_role("link", name="在线申请").click()
    applicant.fill("#id_username", "zhangsan")
    applicant.fill("#id_password", PASSWORD)
    applicant.click("form button[type=submit]")
    applicant.wait_for_url(f"**/apply/{ITEM}/")
    applicant.fill("#id_applicant_name", "张三")
    applicant.fill("#id_id_number", "35030219900101123X")
    applicant.fill("#id_phone", "13905940001")
    applicant.fill("#id_case_number", "JB-2026-0815")
    applicant.fill("#id_bank_account", "6222020200112233445")
    RESULTS_DIR.mkdir(exist_ok=True)
    applicant.screenshot(path=str(RESULTS_DIR / "journey-apply-form-360.png"), full_page=True)
    applicant.get_by_role("button", name="下一步：上传材料").click()
    applicant.get_by_label("1. 举报奖励申请表").set_input_files(
        {"name": "申请表.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    applicant.get_by_label("系统暂未能自动调取时，请填写证照编号或数据标识").fill("GA-RK-350302-0001")
    applicant.get_by_label("3. 本人银行账户信息").set_input_files(
        {"name": "银行卡.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    applicant.screenshot(path=str(RESULTS_DIR / "journey-apply-materials-360.png"), full_page=True)
    applicant.get_by_role("button", name="下一步：核对信息").click()
    expect(applicant.locator("h1")).to_contain_text("提交前请核对您的申请")
    applicant.screenshot(path=str(RESULTS_DIR / "journey-apply-check-360.png"), full_page=True)
    applicant.get_by_role("button", name="确认并提交申请").click()
    expect(applicant.locator("h1")).to_have_text("申请已提交")
    number = applicant.locator(".case-number").inner_text().strip()
    applicant.screenshot(path=str(RESULTS_DIR / "journey-apply-done-360.png"), full_page=True)
    acceptance = _expected(number)["acceptance"]
    expect(applicant.locator("ol.next")).to_contain_text(f"最迟在 {acceptance} 前决定是否受理")
    applicant.goto(f"/my/cases/{number}/")
    _check_dates(applicant, number)

    # the clerk asks for a supplement: one notice
    clerk = new_page()
    _login(clerk, "clerk", "/workbench/")
    expect(clerk.locator("table.inbox")).to_contain_text(number)
    clerk.screenshot(path=str(RESULTS_DIR / "journey-workbench-inbox.png"), full_page=True)
    clerk.goto(f"/workbench/cases/{number}/")
    section = clerk.locator("#action-request-supplement")
    section.get_by_label("举报奖励申请表", exact=True).check()
    section.get_by_label("“举报奖励申请表”需要补正的内容").fill("申请表未签名")
    section.get_by_role("button", name="出具补正告知书").click()
    expect(clerk.locator(".status")).to_have_text("待补正")
    process_outbox()

    # 张三 supplements
    applicant.goto(f"/my/cases/{number}/")
    expect(applicant.locator("#h-supplement")).to_be_visible()
    expect(applicant.locator(".panel")).to_contain_text("举报奖励申请表：申请表未签名")
    applicant.get_by_label("举报奖励申请表").set_input_files(
        {"name": "申请表-签名.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    applicant.get_by_role("button", name="提交补正材料").click()
    expect(applicant.locator(".status")).to_have_text("已申请待受理")
    _check_dates(applicant, number)

    # the clerk accepts
    _act(clerk, number, "accept")
    expect(clerk.locator(".status")).to_have_text("审查中")
    clerk.screenshot(path=str(RESULTS_DIR / "journey-workbench-case.png"), full_page=True)

    # the reviewer suspends for an inspection, resumes and forwards the case to 决定; the head approves (决定 is
    # the department head's step); the reviewer issues
    reviewer = new_page()
    _login(reviewer, "reviewer", "/workbench/")
    _act(
        reviewer,
        number,
        "suspend",
        {
            "#id_suspend-procedure": "inspection",
            "#id_suspend-reason": "现场核查举报线索",
            "#id_suspend-expected_days": "3",
        },
    )
    expect(reviewer.locator(".status")).to_have_text("特别程序中")
    _act(reviewer, number, "resume")
    _act(reviewer, number, "forward", {"#id_forward-note": "现场核查无异常，建议准予"})
    expect(reviewer.locator(".case-state")).to_contain_text("当前环节：决定")
    head = new_page()
    _login(head, "head", "/workbench/")
    expect(head.locator("table.inbox")).to_contain_text(number)  # 待我办理: the 决定 step is the head's
    _act(head, number, "approve")
    _act(reviewer, number, "issue")

    # the clerk delivers electronically and completes
    _act(clerk, number, "deliver", {"#id_deliver-method_2": "check"})
    _act(clerk, number, "complete")
    expect(clerk.locator(".status")).to_have_text("办结")

    # 张三 sees the whole story and the notices
    applicant.goto(f"/my/cases/{number}/")
    timeline = applicant.locator("ol.timeline")
    for text in [
        "申请已提交",
        "部门一次性告知需要补正的材料",
        "补正材料已提交",
        "部门已受理您的申请",
        "进入特别程序",
        "特别程序结束",
        "办件转入下一办理环节",
        "部门决定准予许可",
        "办理结果已送达",
        "办件已办结",
    ]:
        expect(timeline).to_contain_text(text)
    notices = applicant.locator("ul.files").first
    expect(notices).to_contain_text("受理通知书")
    expect(notices).to_contain_text("准予决定书")
    href = notices.get_by_role("link", name="下载 PDF").first.get_attribute("href")
    pdf = applicant.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    _check_dates(applicant, number)
