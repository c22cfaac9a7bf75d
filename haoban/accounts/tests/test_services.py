"""accounts.services: registration, agent authorizations, staff assignments — exact errors, nothing written."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.accounts.models import AgentAuthorization, ApplicantProfile, StaffAssignment, StaffRole, User
from haoban.accounts.services import (
    agent_authorize,
    agent_revoke,
    applicant_register,
    applicant_register_errors,
    staff_assign,
    staff_unassign,
)
from haoban.core.roles import CATALOG_MANAGER
from haoban.core.roles import has_role as has_group_role

from .helpers import (
    make_center,
    make_department,
    make_person,
    make_region,
    make_user,
    resident_id,
)

pytestmark = pytest.mark.django_db

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")

PASSWORD = "Haoban-test-2026"
ZHANGSAN_ID = resident_id("35030219900307123")  # 350302199003071235


def _person(**overrides: Any) -> dict[str, Any]:
    return {
        "username": "zhangsan",
        "password": PASSWORD,
        "kind": "natural_person",
        "name": "张三",
        "resident_id": ZHANGSAN_ID,
        "phone": "13800000001",
        **overrides,
    }


def _enterprise(**overrides: Any) -> dict[str, Any]:
    return {
        "username": "putian-food",
        "password": PASSWORD,
        "kind": "enterprise",
        "name": "莆田市好味食品有限公司",
        "uscc": "91350300MA34FD0K77",
        "legal_representative": "李明",
        "phone": "13800000002",
        **overrides,
    }


def _counts() -> tuple[int, int]:
    return User.objects.count(), ApplicantProfile.objects.count()


def _errors(**kwargs: Any) -> dict[str, list[str]]:
    before = _counts()
    with pytest.raises(ValidationError) as info:
        applicant_register(**kwargs)
    assert _counts() == before  # nothing written
    assert applicant_register_errors(**kwargs) == info.value.message_dict
    return info.value.message_dict


# --- applicant_register -----------------------------------------------------------------------------


def test_register_a_natural_person() -> None:
    # when
    profile = applicant_register(**_person(resident_id=" 350302199003071235 "))
    # then
    assert (profile.kind, profile.name, profile.resident_id, profile.uscc, profile.phone) == (
        "natural_person",
        "张三",
        "350302199003071235",
        "",
        "13800000001",
    )
    user = profile.user
    assert (user.username, user.display_name, user.phone, user.real_name_level) == (
        "zhangsan",
        "张三",
        "13800000001",
        User.RealNameLevel.NONE,
    )
    assert user.check_password(PASSWORD)
    assert user.password.startswith("argon2$argon2id$")
    assert profile.masked_resident_id == "3503**********1235"
    assert profile.gb_code == "1"


def test_register_an_enterprise_normalises_the_uscc() -> None:
    profile = applicant_register(**_enterprise(uscc="91350300ma34fd0k77"))
    assert (profile.kind, profile.uscc, profile.legal_representative, profile.resident_id) == (
        "enterprise",
        "91350300MA34FD0K77",
        "李明",
        "",
    )
    assert profile.identifier_display == "91350300MA34FD0K77"
    assert profile.gb_code == "2"


def test_register_with_a_verified_real_name_level() -> None:
    profile = applicant_register(**_person(), real_name_level=User.RealNameLevel.VERIFIED)
    assert profile.user.real_name_level == 2


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"resident_id": "350302199003071234"}, {"resident_id": ["公民身份号码校验位不正确。"]}),
        (
            {"resident_id": "35030219900307123"},
            {"resident_id": ["公民身份号码应为 18 位：17 位数字加 1 位数字或 X。"]},
        ),
        (
            {"resident_id": resident_id("35030219901307123")},
            {"resident_id": ["公民身份号码中的出生日期无效。"]},
        ),
        ({"resident_id": ""}, {"resident_id": ["请填写公民身份号码。"]}),
        ({"uscc": "91350300MA34FD0K77"}, {"uscc": ["自然人不填写统一社会信用代码。"]}),
        ({"legal_representative": "李明"}, {"legal_representative": ["自然人不填写法定代表人。"]}),
        ({"name": "  "}, {"name": ["请填写姓名。"]}),
        ({"phone": ""}, {"phone": ["请填写手机号。"]}),
        ({"phone": "0594-2288001"}, {"phone": ["手机号应为 11 位数字，以 1 开头。"]}),
        ({"username": ""}, {"username": ["请填写用户名。"]}),
        ({"username": "张三"}, {"username": ["用户名应为 3–150 位字母、数字或 _ . @ + -。"]}),
        ({"password": ""}, {"password": ["请设置密码。"]}),
        ({"kind": "alien"}, {"kind": ["请选择申请人类型。"]}),
    ],
)
def test_register_person_errors(overrides: dict[str, Any], expected: dict[str, list[str]]) -> None:
    assert _errors(**_person(**overrides)) == expected


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"uscc": "91350300MA34FD0K78"}, {"uscc": ["统一社会信用代码校验位不正确。"]}),
        ({"uscc": "9135030"}, {"uscc": ["统一社会信用代码应为 18 位，实际为 7 位。"]}),
        ({"uscc": ""}, {"uscc": ["请填写统一社会信用代码。"]}),
        ({"legal_representative": ""}, {"legal_representative": ["请填写法定代表人（负责人）姓名。"]}),
        ({"resident_id": ZHANGSAN_ID}, {"resident_id": ["单位不填写公民身份号码。"]}),
        ({"name": ""}, {"name": ["请填写单位名称。"]}),
    ],
)
def test_register_enterprise_errors(overrides: dict[str, Any], expected: dict[str, list[str]]) -> None:
    assert _errors(**_enterprise(**overrides)) == expected


def test_register_reports_every_error_at_once() -> None:
    errors = _errors(
        **_person(username="", name="", resident_id="350302199003071234", phone="12", password="123")
    )
    assert errors == {
        "username": ["请填写用户名。"],
        "name": ["请填写姓名。"],
        "resident_id": ["公民身份号码校验位不正确。"],
        "phone": ["手机号应为 11 位数字，以 1 开头。"],
        "password": [
            "密码太短，至少需要 8 个字符。",
            "这个密码太常见了。",
            "密码只包含数字。",
        ],
    }


def test_register_refuses_a_taken_username_resident_id_or_uscc() -> None:
    # given
    applicant_register(**_person())
    applicant_register(**_enterprise())
    # then
    assert _errors(**_person(username="ZhangSan", resident_id=resident_id())) == {
        "username": ["用户名已被使用，请换一个。"]
    }
    assert _errors(**_person(username="zhangsan2")) == {"resident_id": ["该公民身份号码已注册，请直接登录。"]}
    assert _errors(**_enterprise(username="food2")) == {"uscc": ["该统一社会信用代码已注册，请直接登录。"]}


def test_demo_password_rule_skips_the_strength_check_only_when_asked() -> None:
    assert _errors(**_person(password="12345678")) == {"password": ["这个密码太常见了。", "密码只包含数字。"]}
    profile = applicant_register(**_person(password="12345678"), check_password_strength=False)
    assert profile.user.check_password("12345678")


# --- agent_authorize / agent_revoke -----------------------------------------------------------------


def test_agent_authorize_records_the_principal_and_the_period() -> None:
    # given
    principal = make_person("zhangsan")
    agent, clerk = make_user("daiban"), make_user("clerk")
    # when
    authorization = agent_authorize(
        agent=agent,
        principal=principal,
        valid_from=dt.date(2026, 3, 1),
        valid_to=dt.date(2026, 12, 31),
        scope=" 食品经营许可申请及补正 ",
        notes="授权委托书 2026-001",
        actor=clerk,
    )
    # then
    assert AgentAuthorization.objects.get() == authorization
    assert (authorization.agent, authorization.principal, authorization.scope, authorization.created_by) == (
        agent,
        principal,
        "食品经营许可申请及补正",
        clerk,
    )
    assert authorization.revoked_at is None
    assert authorization.status_on(dt.date(2026, 2, 28)) == "未生效"
    assert authorization.status_on(dt.date(2026, 3, 1)) == "有效"
    assert authorization.status_on(dt.date(2027, 1, 1)) == "已过期"


def test_agent_authorize_errors_write_nothing() -> None:
    principal = make_person("zhangsan")
    inactive = make_user("gone", is_active=False)
    agent = make_user("daiban")
    agent_authorize(agent=agent, principal=principal, valid_from=dt.date(2026, 1, 1), valid_to=None)
    cases = [
        (
            {"agent": inactive, "valid_from": dt.date(2026, 1, 1)},
            {"agent": ["代办人账号已停用。"]},
        ),
        (
            {"agent": principal.user, "valid_from": dt.date(2026, 1, 1)},
            {"agent": ["代办人不能是委托人本人。"]},
        ),
        (
            {"agent": make_user("other"), "valid_from": dt.date(2026, 5, 2), "valid_to": dt.date(2026, 5, 1)},
            {"valid_to": ["截止日期不能早于生效日期。"]},
        ),
        (
            {"agent": agent, "valid_from": dt.date(2030, 1, 1), "valid_to": dt.date(2030, 2, 1)},
            {"valid_from": ["该代办人已有与此期间重叠的有效授权。"]},
        ),
    ]
    for kwargs, expected in cases:
        with pytest.raises(ValidationError) as info:
            agent_authorize(principal=principal, **kwargs)
        assert info.value.message_dict == expected
    assert AgentAuthorization.objects.count() == 1


def test_a_non_overlapping_or_revoked_period_may_be_authorized_again() -> None:
    principal, agent = make_person("zhangsan"), make_user("daiban")
    first = agent_authorize(
        agent=agent, principal=principal, valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 6, 30)
    )
    agent_authorize(agent=agent, principal=principal, valid_from=dt.date(2026, 7, 1), valid_to=None)
    agent_revoke(authorization=first)
    agent_authorize(
        agent=agent, principal=principal, valid_from=dt.date(2026, 2, 1), valid_to=dt.date(2026, 3, 1)
    )
    assert AgentAuthorization.objects.count() == 3


def test_agent_revoke_once() -> None:
    # given
    principal, agent = make_person("zhangsan"), make_user("daiban")
    authorization = agent_authorize(agent=agent, principal=principal, valid_from=dt.date(2026, 1, 1))
    at = dt.datetime(2026, 4, 10, 9, 30, tzinfo=BEIJING)
    # when
    revoked = agent_revoke(authorization=authorization, actor=principal.user, at=at)
    # then
    assert (revoked.revoked_at, revoked.revoked_by) == (at, principal.user)
    assert revoked.status_on(dt.date(2026, 4, 9)) == "有效"
    assert revoked.status_on(dt.date(2026, 4, 10)) == "已撤销"
    with pytest.raises(ValidationError) as info:
        agent_revoke(authorization=authorization, at=at + dt.timedelta(days=1))
    assert info.value.message_dict == {"revoked_at": ["该代办授权已于 2026-04-10 09:30 撤销。"]}
    authorization.refresh_from_db()
    assert authorization.revoked_at == at


# --- staff_assign / staff_unassign ------------------------------------------------------------------


def test_staff_assign_a_window_clerk_to_a_center_and_a_department() -> None:
    # given
    city = make_region("350300")
    market = make_department(region=city)
    center = make_center(city, "莆田市行政服务中心")
    user, admin = make_user("clerk"), make_user("admin")
    # when
    assignment = staff_assign(
        user=user, role="window_clerk", departments=[market], service_centers=[center], actor=admin
    )
    # then
    assert StaffAssignment.objects.get() == assignment
    assert (assignment.role, assignment.active, assignment.region, assignment.assigned_by) == (
        "window_clerk",
        True,
        None,
        admin,
    )
    assert list(assignment.departments.all()) == [market]
    assert list(assignment.service_centers.all()) == [center]
    assert not user.groups.exists()


def test_staff_assign_again_replaces_the_scope_of_the_active_assignment() -> None:
    city = make_region("350300")
    xianyou = make_region("350322")
    user = make_user("clerk")
    first = staff_assign(user=user, role="window_clerk", departments=[make_department(region=city)])
    second = staff_assign(user=user, role="window_clerk", region=xianyou)
    assert second.pk == first.pk
    assert (list(second.departments.all()), second.region) == ([], xianyou)
    assert StaffAssignment.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("reviewer", {"departments": ["审查人员须指定所属部门。"]}),
        ("department_head", {"departments": ["部门负责人须指定所属部门。"]}),
        ("center_admin", {"service_centers": ["中心管理人员须指定所在服务中心。"]}),
        ("window_clerk", {"region": ["窗口受理人员须指定部门、服务中心或管辖区划中的至少一项。"]}),
        ("efficiency_supervisor", {"region": ["效能监督员须指定部门、服务中心或管辖区划中的至少一项。"]}),
        ("data_officer", {"region": ["数据专员须指定部门、服务中心或管辖区划中的至少一项。"]}),
        ("catalog_manager", {"region": ["事项管理员须指定部门、服务中心或管辖区划中的至少一项。"]}),
        ("janitor", {"role": ["请选择有效的岗位角色。"]}),
    ],
)
def test_staff_assign_errors_write_nothing(role: str, expected: dict[str, list[str]]) -> None:
    user = make_user("someone")
    with pytest.raises(ValidationError) as info:
        staff_assign(user=user, role=role)
    assert info.value.message_dict == expected
    assert not StaffAssignment.objects.exists()
    assert not user.groups.exists()


def test_staff_assign_refuses_an_inactive_account() -> None:
    with pytest.raises(ValidationError) as info:
        staff_assign(user=make_user("gone", is_active=False), role="auditor")
    assert info.value.message_dict == {"user": ["账号已停用，不能授权。"]}
    assert not StaffAssignment.objects.exists()


def test_system_admin_and_auditor_need_no_scope() -> None:
    user = make_user("boss")
    assert staff_assign(user=user, role=StaffRole.SYSTEM_ADMIN).region is None
    assert staff_assign(user=user, role=StaffRole.AUDITOR).region is None
    assert StaffAssignment.objects.filter(user=user, active=True).count() == 2


def test_catalog_manager_assignment_joins_and_leaves_the_permission_group() -> None:
    # given
    user = make_user("catalog")
    # when
    assignment = staff_assign(user=user, role=CATALOG_MANAGER, region=make_region("350300"))
    # then
    assert has_group_role(user, CATALOG_MANAGER)
    # when
    staff_unassign(assignment=assignment)
    # then
    assignment.refresh_from_db()
    assert assignment.active is False
    assert not has_group_role(User.objects.get(pk=user.pk), CATALOG_MANAGER)
    with pytest.raises(ValidationError) as info:
        staff_unassign(assignment=assignment)
    assert info.value.message_dict == {"active": ["该授权已停用。"]}
    # a new assignment of the same role is a new row; the old one stays as a record
    again = staff_assign(user=user, role=CATALOG_MANAGER, region=make_region("350300"))
    assert again.pk != assignment.pk
    assert StaffAssignment.objects.filter(user=user).count() == 2
