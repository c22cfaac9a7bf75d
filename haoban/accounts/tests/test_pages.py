"""Login, logout, registration and 我的账号 pages (Django test client)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.test.utils import override_settings

from haoban.accounts.models import ApplicantProfile, User
from haoban.accounts.services import agent_authorize, agent_revoke, staff_assign

from .helpers import make_center, make_department, make_person, make_region, make_user, resident_id

pytestmark = pytest.mark.django_db

PASSWORD = "Haoban-test-2026"
ZHANGSAN_ID = resident_id("35030219900307123")


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _summary(html: str) -> list[tuple[str, str]]:
    """(href, text) of the error summary's links, in order."""
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "no error summary"
    return [
        (href, unescape(text)) for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', match.group(0))
    ]


def _person_form(**overrides: str) -> dict[str, str]:
    return {
        "kind": "natural_person",
        "name": "张三",
        "resident_id": ZHANGSAN_ID,
        "phone": "13800000001",
        "username": "zhangsan",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


# --- login / logout ----------------------------------------------------------------------------------


def test_login_page_is_chinese_and_has_no_oidc_button_by_default(client: Client) -> None:
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>登录</h1>" in html
    assert 'for="id_username">用户名</label>' in html
    assert 'for="id_password">密码</label>' in html
    assert "使用省统一身份认证登录" not in html
    assert "/accounts/oidc/" not in html
    assert '<a href="/accounts/login/">登录</a>' in html  # nav


def test_login_with_a_local_account_and_logout(client: Client) -> None:
    # given
    profile = make_person("zhangsan")
    profile.user.set_password(PASSWORD)
    profile.user.save()
    # when
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": PASSWORD})
    # then
    assert (response.status_code, response["Location"]) == (302, "/accounts/me/")
    me = client.get("/accounts/me/")
    assert '<a href="/accounts/me/">我的</a>' in me.content.decode()
    # when: GET asks to confirm, POST logs out
    confirm = client.get("/accounts/logout/")
    assert confirm.status_code == 200
    assert "退出登录" in confirm.content.decode()
    assert client.get("/accounts/me/").status_code == 200  # still logged in
    logged_out = client.post("/accounts/logout/")
    # then
    assert logged_out.status_code == 200
    assert "您已退出登录" in logged_out.content.decode()
    assert client.get("/accounts/me/")["Location"] == "/accounts/login/?next=/accounts/me/"


def test_login_respects_next_and_refuses_a_wrong_password(client: Client) -> None:
    user = make_user("clerk")
    user.set_password(PASSWORD)
    user.save()
    wrong = client.post("/accounts/login/", {"username": "clerk", "password": "nope"})
    assert wrong.status_code == 200
    assert _summary(wrong.content.decode()) == []
    assert "用户名或密码不正确。请注意字母大小写。" in _text(wrong.content.decode())
    ok = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD, "next": "/items/"})
    assert ok["Location"] == "/items/"


def test_login_errors_link_to_the_fields(client: Client) -> None:
    response = client.post("/accounts/login/", {"username": "", "password": ""})
    assert _summary(response.content.decode()) == [
        ("#id_username", "请填写用户名。"),
        ("#id_password", "请填写密码。"),
    ]


def test_logout_get_without_login_goes_to_login(client: Client) -> None:
    assert client.get("/accounts/logout/")["Location"] == "/accounts/login/"


def test_admin_keeps_its_own_login(client: Client) -> None:
    response = client.get("/admin/")
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_passwords_are_hashed_with_argon2(client: Client) -> None:
    user = make_user("someone")
    user.set_password(PASSWORD)
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.password.startswith("argon2$argon2id$")


# --- register ----------------------------------------------------------------------------------------


def test_register_start_page_offers_person_or_enterprise(client: Client) -> None:
    response = client.get("/accounts/register/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="natural_person"' in html and 'value="enterprise"' in html
    assert "您以什么身份注册？" in html
    missing = client.get("/accounts/register/?kind=")
    assert missing.status_code == 400
    assert _summary(missing.content.decode()) == [("#id_kind_0", "请选择以自然人还是企业身份注册。")]


def test_register_person_form_has_the_person_fields_only(client: Client) -> None:
    html = client.get("/accounts/register/?kind=natural_person").content.decode()
    assert "注册个人账号" in html
    names = re.findall(r'<input[^>]* name="([a-z_0-9]+)"', html)
    assert [n for n in names if n != "csrfmiddlewaretoken"] == [
        "kind",
        "name",
        "resident_id",
        "phone",
        "username",
        "password1",
        "password2",
    ]
    enterprise = client.get("/accounts/register/?kind=enterprise").content.decode()
    assert (
        "企业名称" in enterprise
        and "统一社会信用代码" in enterprise
        and 'name="resident_id"' not in enterprise
    )


def test_register_a_person_creates_one_user_and_profile_and_logs_in(client: Client) -> None:
    # given
    before = (User.objects.count(), ApplicantProfile.objects.count())
    # when
    response = client.post("/accounts/register/", _person_form())
    # then
    assert (response.status_code, response["Location"]) == (302, "/accounts/me/")
    assert (User.objects.count(), ApplicantProfile.objects.count()) == (before[0] + 1, before[1] + 1)
    profile = ApplicantProfile.objects.get()
    assert (profile.user.username, profile.name, profile.resident_id) == ("zhangsan", "张三", ZHANGSAN_ID)
    assert profile.user.check_password(PASSWORD)
    me = _text(client.get("/accounts/me/").content.decode())
    assert "注册成功，您已登录。" in me
    assert "3503**********1235" in me
    assert ZHANGSAN_ID not in me
    assert "138****0001" in me
    assert "实名等级 未实名" in me


def test_register_an_enterprise(client: Client) -> None:
    response = client.post(
        "/accounts/register/",
        {
            "kind": "enterprise",
            "name": "莆田市好味食品有限公司",
            "uscc": "91350300MA34FD0K77",
            "legal_representative": "李明",
            "phone": "13800000002",
            "username": "putian-food",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    profile = ApplicantProfile.objects.get()
    assert (profile.kind, profile.uscc, profile.legal_representative) == (
        "enterprise",
        "91350300MA34FD0K77",
        "李明",
    )
    me = _text(client.get("/accounts/me/").content.decode())
    assert "统一社会信用代码 91350300MA34FD0K77" in me


def test_register_with_a_bad_resident_id_shows_the_error_and_writes_nothing(client: Client) -> None:
    # when
    response = client.post("/accounts/register/", _person_form(resident_id="350302199003071234"))
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert _summary(html) == [("#id_resident_id", "公民身份号码校验位不正确。")]
    assert (
        '<p class="field-error" id="id_resident_id-error"><span class="visually-hidden">错误：</span>公民身份号码校验位不正确。</p>'
        in html
    )
    assert 'value="350302199003071234"' in html  # what was typed is kept
    assert 'name="password1"' in html and PASSWORD not in html  # passwords are not echoed
    assert (User.objects.count(), ApplicantProfile.objects.count()) == (0, 0)


def test_register_shows_every_error_at_once_in_field_order(client: Client) -> None:
    response = client.post(
        "/accounts/register/",
        _person_form(name="", resident_id="123", phone="1380", password2="different-2026"),
    )
    assert response.status_code == 400
    assert _summary(response.content.decode()) == [
        ("#id_name", "请填写姓名。"),
        ("#id_resident_id", "公民身份号码应为 18 位：17 位数字加 1 位数字或 X。"),
        ("#id_phone", "手机号应为 11 位数字，以 1 开头。"),
        ("#id_password2", "两次输入的密码不一致。"),
    ]
    assert not User.objects.exists()


def test_register_with_an_unknown_kind_goes_back_to_the_choice(client: Client) -> None:
    response = client.post("/accounts/register/", _person_form(kind="alien"))
    assert response.status_code == 400
    assert "您以什么身份注册？" in response.content.decode()
    assert not User.objects.exists()


@override_settings(LANGUAGE_CODE="zh-hans")
def test_register_page_works_at_360px_without_javascript(client: Client) -> None:
    # The form posts to a real URL (no JS needed) and the viewport meta is set; layout at 360 px is checked by
    # the browser tests of the portal (same base template and stylesheet).
    html = client.get("/accounts/register/?kind=natural_person").content.decode()
    assert '<form method="post" action="/accounts/register/" novalidate>' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<script" not in html.split("</head>")[1]


# --- 我的账号 ----------------------------------------------------------------------------------------


def test_me_requires_login(client: Client) -> None:
    assert client.get("/accounts/me/")["Location"] == "/accounts/login/?next=/accounts/me/"


def test_me_shows_authorizations_given_and_held(client: Client, time_machine: object) -> None:
    # given
    time_machine.move_to(dt.datetime(2026, 6, 15, 4, tzinfo=dt.UTC))  # type: ignore[attr-defined]
    zhangsan, daiban = make_person("zhangsan"), make_person("daiban", name="王芳")
    agent_authorize(
        agent=daiban.user, principal=zhangsan, valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2028, 12, 31)
    )
    old = agent_authorize(
        agent=daiban.user,
        principal=make_person("lisi", name="李四"),
        valid_from=dt.date(2026, 1, 1),
        scope="户口迁移",
    )
    agent_revoke(authorization=old)
    # when
    client.force_login(daiban.user)
    held = _text(client.get("/accounts/me/").content.decode())
    client.force_login(zhangsan.user)
    given = _text(client.get("/accounts/me/").content.decode())
    # then
    assert f"张三（{zhangsan.masked_resident_id}） 全部事项 2026-01-01 至 2028-12-31 有效" in held
    assert (
        f"李四（{ApplicantProfile.objects.get(name='李四').masked_resident_id}） 户口迁移 2026-01-01 至 撤销为止 已撤销"
        in held
    )
    assert "我可以代办的申请人" not in given
    assert "王芳 全部事项 2026-01-01 至 2028-12-31 有效" in given


def test_me_shows_staff_assignments(client: Client) -> None:
    city = make_region("350300", "莆田市")
    clerk = make_user("clerk", display_name="林晓")
    staff_assign(
        user=clerk,
        role="window_clerk",
        departments=[make_department(region=city, short_name="市市场监管局")],
        service_centers=[make_center(city, "莆田市行政服务中心")],
    )
    staff_assign(user=clerk, role="efficiency_supervisor", region=city)
    client.force_login(clerk)
    text = _text(client.get("/accounts/me/").content.decode())
    assert "窗口受理人员 市市场监管局 莆田市行政服务中心 —" in text
    assert "效能监督员 — — 莆田市及下级区划" in text
    assert "申请人信息" not in text
