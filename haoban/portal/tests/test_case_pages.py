"""Citizen case pages: apply online (form → materials → check → confirmation), drafts, my cases, one case
with timeline, notices, 补正 and 撤回. Every write goes through the services; bad input writes nothing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from haoban.cases.models import Case, CaseEvent
from haoban.cases.tests.factories import (
    PDF_BYTES,
    at,
    case_in_status,
    make_applicant,
    make_case_version,
    requirement,
)
from haoban.core.outbox import process_outbox

pytestmark = pytest.mark.django_db

NOW = at(2026, 9, 21, 10)  # a Monday


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


def _pdf(name: str = "申请书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def version() -> Any:
    return make_case_version()


@pytest.fixture
def applicant_client(version: Any) -> tuple[Client, Any]:
    applicant = make_applicant()
    client = Client()
    client.force_login(applicant.user)
    return client, applicant


def _fill_form(client: Client, code: str, **data: str) -> Any:
    payload = {"name": "莆田市好味小吃店", "address": "荔城区镇海街道 1 号", "area": "35.5", "next": "1"}
    payload.update(data)
    return client.post(f"/apply/{code}/", payload)


def _materials(client: Client, code: str, version: Any, **extra: Any) -> Any:
    form = requirement(version, "食品经营许可申请书")
    licence = requirement(version, "营业执照")
    payload = {
        f"material-{form.pk}": _pdf(),
        f"reference-{licence.pk}": "1.2.156.3005.2.TEST.1.001.X",
        "next": "1",
    }
    payload.update(extra)
    return client.post(f"/apply/{code}/materials/", payload)


def test_guide_page_offers_online_application(version: Any) -> None:
    code = version.item.implementation_code
    response = Client().get(f"/items/{code}/")
    assert f'<a class="button apply" href="/apply/{code}/">在线申请</a>' in response.content.decode()


def test_guide_page_without_online_channel_has_no_apply_button() -> None:
    window_only = make_case_version(channels=["window"])
    response = Client().get(f"/items/{window_only.item.implementation_code}/")
    assert "在线申请" not in response.content.decode()


def test_apply_requires_login(version: Any) -> None:
    code = version.item.implementation_code
    response = Client().get(f"/apply/{code}/")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/apply/{code}/"


def test_full_application_journey(version: Any, applicant_client: tuple[Client, Any]) -> None:
    client, applicant = applicant_client
    code = version.item.implementation_code
    # given the form generated from the JSON Schema
    page = client.get(f"/apply/{code}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="name"' in html and 'name="address"' in html and 'type="number"' in html
    assert "经营者名称 <abbr" in html
    # when the applicant fills it in, uploads, checks and submits
    assert _fill_form(client, code)["Location"] == f"/apply/{code}/materials/"
    materials = client.get(f"/apply/{code}/materials/")
    assert "无需提交（电子证照/数据共享）" in _text(materials)
    assert _materials(client, code, version)["Location"] == f"/apply/{code}/check/"
    check = client.get(f"/apply/{code}/check/")
    text = _text(check)
    assert "提交前请核对您的申请" in text
    assert "经营者名称 莆田市好味小吃店" in text
    assert "经营面积 35.5" in text
    assert "食品经营许可申请书 申请书.pdf" in text
    assert Case.objects.count() == 0
    done = client.post(f"/apply/{code}/check/")
    # then one case exists and the confirmation shows its number and the acceptance deadline
    case = Case.objects.get()
    assert done["Location"] == f"/my/cases/{case.number}/submitted/"
    assert case.form_data == {"name": "莆田市好味小吃店", "address": "荔城区镇海街道 1 号", "area": 35.5}
    assert case.applicant == applicant and case.channel == "pc"
    confirmation = _text(client.get(done["Location"]))
    assert f"您的办件编号 {case.number}" in confirmation
    due = case.acceptance_due_date
    assert f"最迟在 {due.year}年{due.month}月{due.day}日 前 决定是否受理" in confirmation
    # and the draft is gone
    assert "继续填写" not in _text(client.get("/my/cases/"))


def test_form_errors_are_summarised_and_nothing_is_written(version: Any, applicant_client: Any) -> None:
    client, _ = applicant_client
    code = version.item.implementation_code
    response = _fill_form(client, code, name="", area="很多")
    html = response.content.decode()
    assert response.status_code == 400
    assert '<div class="error-summary"' in html
    assert '<a href="#id_name">请填写经营者名称</a>' in html
    assert '<a href="#id_area">经营面积请填写数字</a>' in html
    assert (
        '<p class="field-error" id="id_name-error"><span class="visually-hidden">错误：</span>请填写经营者名称</p>'
        in html
    )
    assert client.session.get(f"apply:{code}") is None
    assert Case.objects.count() == 0


def test_missing_material_is_reported_beside_the_field(version: Any, applicant_client: Any) -> None:
    client, _ = applicant_client
    code = version.item.implementation_code
    _fill_form(client, code)
    form = requirement(version, "食品经营许可申请书")
    response = client.post(f"/apply/{code}/materials/", {"next": "1"})
    assert response.status_code == 400
    assert f'<a href="#material-{form.pk}">请上传“食品经营许可申请书”</a>' in response.content.decode()
    assert Case.objects.count() == 0


def test_upload_of_wrong_type_is_refused(version: Any, applicant_client: Any) -> None:
    client, _ = applicant_client
    code = version.item.implementation_code
    _fill_form(client, code)
    form = requirement(version, "食品经营许可申请书")
    bad = SimpleUploadedFile("申请书.pdf", b"just text", content_type="application/pdf")
    response = client.post(f"/apply/{code}/materials/", {f"material-{form.pk}": bad, "next": "1"})
    assert response.status_code == 400
    assert "材料“食品经营许可申请书”的文件类型不受支持" in _text(response)


def test_save_draft_keeps_answers(version: Any, applicant_client: Any) -> None:
    client, _ = applicant_client
    code = version.item.implementation_code
    saved = client.post(
        f"/apply/{code}/", {"name": "好味小吃店", "address": "镇海街道", "save": "1"}, follow=True
    )
    assert "的申请草稿已保存" in _text(saved)
    assert f'<a href="/apply/{code}/">继续填写：' in saved.content.decode()
    again = client.get(f"/apply/{code}/")
    assert 'value="好味小吃店"' in again.content.decode()


def test_item_without_online_channel_cannot_be_applied_for(applicant_client: Any) -> None:
    client, _ = applicant_client
    window_only = make_case_version(channels=["window"])
    response = client.get(f"/apply/{window_only.item.implementation_code}/")
    assert response.status_code == 404
    assert "不支持在线申请" in _text(response)


def test_my_cases_lists_only_mine(version: Any) -> None:
    mine = case_in_status("submitted", version=version, at=NOW)
    other = case_in_status("submitted", version=version, at=NOW, applicant=make_applicant("李四"))
    client = Client()
    client.force_login(mine.applicant.user)
    text = _text(client.get("/my/cases/"))
    assert mine.number in text and other.number not in text
    assert client.get(f"/my/cases/{other.number}/").status_code == 404


def test_case_page_shows_timeline_dates_and_notices(version: Any) -> None:
    case = case_in_status("in_review", version=version, at=NOW)
    process_outbox()
    client = Client()
    client.force_login(case.applicant.user)
    response = client.get(f"/my/cases/{case.number}/")
    text = _text(response)
    assert "部门已受理您的申请" in text
    p, legal = case.promised_due_date, case.legal_due_date
    assert f"承诺办结日 {p.year}年{p.month}月{p.day}日" in text
    assert f"法定办结日 {legal.year}年{legal.month}月{legal.day}日" in text
    notice = case.notices.get()
    pdf = client.get(f"/my/cases/{case.number}/notices/{notice.uuid}/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    stranger = Client()
    stranger.force_login(make_applicant("王五").user)
    assert stranger.get(f"/my/cases/{case.number}/notices/{notice.uuid}/").status_code == 404


def test_supplement_from_the_case_page(version: Any) -> None:
    case = case_in_status("pending_supplement", version=version, at=NOW)
    client = Client()
    client.force_login(case.applicant.user)
    page = _text(client.get(f"/my/cases/{case.number}/"))
    assert "需要补正的材料" in page and "食品经营许可申请书：申请书未签字" in page
    req = requirement(version, "食品经营许可申请书")
    # nothing uploaded: an error, nothing written
    events = CaseEvent.objects.count()
    bad = client.post(f"/my/cases/{case.number}/supplement/", {})
    assert bad.status_code == 400 and "请上传需要补正的材料" in _text(bad)
    assert CaseEvent.objects.count() == events
    ok = client.post(f"/my/cases/{case.number}/supplement/", {f"material-{req.pk}": _pdf("签字版.pdf")})
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.status == "submitted"
    assert CaseEvent.objects.filter(case=case).last().action == "supplement"


def test_withdraw_with_confirmation(version: Any) -> None:
    case = case_in_status("submitted", version=version, at=NOW)
    client = Client()
    client.force_login(case.applicant.user)
    assert "撤回申请" in _text(client.get(f"/my/cases/{case.number}/"))
    confirm = client.get(f"/my/cases/{case.number}/withdraw/")
    assert "确定要撤回这项申请吗？" in _text(confirm)
    client.post(f"/my/cases/{case.number}/withdraw/", {"reason": "不再经营"})
    case.refresh_from_db()
    assert case.status == "withdrawn" and case.withdrawn_reason == "不再经营"
    assert "撤回申请" not in _text(client.get(f"/my/cases/{case.number}/"))


def test_schema_rules_are_checked_beside_the_field(version: Any, applicant_client: Any) -> None:
    client, _ = applicant_client
    code = version.item.implementation_code
    response = _fill_form(client, code, area="-1", address="")
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_area">经营面积：不能小于 0</a>' in html
    assert '<a href="#id_address">请填写经营场所</a>' in html
    assert client.session.get(f"apply:{code}") is None


def test_agent_applies_for_the_principal_and_sees_the_case(version: Any) -> None:
    import datetime as dt

    from haoban.accounts.services import agent_authorize
    from haoban.accounts.tests.helpers import make_person

    principal = make_applicant("张三")
    agent = make_person("daiban-test", name="王芳")
    agent_authorize(agent=agent.user, principal=principal, valid_from=dt.date(2026, 1, 1))
    client = Client()
    client.force_login(agent.user)
    code = version.item.implementation_code
    form = client.get(f"/apply/{code}/")
    assert "张三（自然人）（代办）" in _text(form)
    unchosen = _fill_form(client, code, applicant="")
    assert unchosen.status_code == 400
    assert '<li><a href="#applicant-1">请选择以谁的名义申请</a></li>' in unchosen.content.decode()
    _fill_form(client, code, applicant=str(principal.pk))
    _materials(client, code, version)
    client.post(f"/apply/{code}/check/")
    case = Case.objects.get()
    assert case.applicant == principal and case.agent == agent.user and case.submitted_by == agent.user
    assert case.number in _text(client.get("/my/cases/"))
    principal_client = Client()
    principal_client.force_login(principal.user)
    assert principal_client.get(f"/my/cases/{case.number}/").status_code == 200


def test_navigation_links_my_cases_for_applicants_and_the_workbench_for_staff(client) -> None:
    from haoban.accounts.models import StaffAssignment, StaffRole, User

    applicant = User.objects.create_user("nav-applicant", password="pw-Haoban-2026")
    client.force_login(applicant)
    page = client.get("/").content.decode()
    assert '<a href="/my/cases/">我的办件</a>' in page
    assert '<a href="/workbench/">工作台</a>' not in page

    staff = User.objects.create_user("nav-staff", password="pw-Haoban-2026")
    StaffAssignment.objects.create(user=staff, role=StaffRole.AUDITOR)
    client.force_login(staff)
    page = client.get("/").content.decode()
    assert '<a href="/workbench/">工作台</a>' in page

    client.logout()
    page = client.get("/").content.decode()
    assert "我的办件" not in page
    assert '<a href="/accounts/login/">登录</a>' in page
