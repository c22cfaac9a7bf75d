"""Accounts admin: pages render in Chinese, lists mask identifiers, writes go through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from haoban.accounts.models import AgentAuthorization, StaffAssignment, User
from haoban.accounts.services import agent_authorize, staff_assign
from haoban.core.roles import CATALOG_MANAGER, has_role

from .helpers import make_center, make_department, make_person, make_region, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("root", password=None))
    return client


def test_pages_render(admin_client: Client) -> None:
    profile = make_person("zhangsan")
    city = make_region("350300", "莆田市")
    assignment = staff_assign(
        user=make_user("clerk"), role="window_clerk", departments=[make_department(region=city)]
    )
    authorization = agent_authorize(
        agent=make_user("daiban"), principal=profile, valid_from=dt.date(2026, 1, 1)
    )
    for url in (
        "/admin/accounts/",
        "/admin/accounts/applicantprofile/",
        f"/admin/accounts/applicantprofile/{profile.pk}/change/",
        "/admin/accounts/agentauthorization/",
        "/admin/accounts/agentauthorization/add/",
        f"/admin/accounts/agentauthorization/{authorization.pk}/change/",
        "/admin/accounts/staffassignment/",
        "/admin/accounts/staffassignment/add/",
        f"/admin/accounts/staffassignment/{assignment.pk}/change/",
        f"/admin/accounts/user/{profile.user.pk}/change/",
        f"/admin/accounts/user/{assignment.user.pk}/change/",
    ):
        assert admin_client.get(url).status_code == 200, url
    index = admin_client.get("/admin/accounts/").content.decode()
    assert all(label in index for label in ("申请人", "代办授权", "人员岗位授权", "账号与权限"))


def test_profile_list_masks_the_resident_id(admin_client: Client) -> None:
    profile = make_person("zhangsan")
    html = admin_client.get("/admin/accounts/applicantprofile/").content.decode()
    assert profile.masked_resident_id in html
    assert profile.resident_id not in html
    user_page = admin_client.get(f"/admin/accounts/user/{profile.user.pk}/change/").content.decode()
    assert profile.masked_resident_id in user_page and profile.resident_id not in user_page


def test_add_staff_assignment_goes_through_the_service(admin_client: Client) -> None:
    # given
    user = make_user("catalog")
    city = make_region("350300", "莆田市")
    # when
    response = admin_client.post(
        "/admin/accounts/staffassignment/add/",
        {"user": user.pk, "role": "catalog_manager", "region": city.pk, "notes": "任命文件 2026-1"},
    )
    # then
    assert response.status_code == 302
    assignment = StaffAssignment.objects.get()
    assert (assignment.user, assignment.role, assignment.region, assignment.assigned_by.username) == (  # type: ignore[union-attr]
        user,
        "catalog_manager",
        city,
        "root",
    )
    assert has_role(user, CATALOG_MANAGER)  # staff_assign joined the permission group


def test_add_staff_assignment_shows_the_services_errors(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/accounts/staffassignment/add/", {"user": make_user("x").pk, "role": "reviewer"}
    )
    assert response.status_code == 200
    assert "审查人员须指定所属部门。" in response.content.decode()
    assert not StaffAssignment.objects.exists()


def test_change_staff_assignment_replaces_its_scope(admin_client: Client) -> None:
    city = make_region("350300")
    center = make_center(city, "莆田市行政服务中心")
    assignment = staff_assign(
        user=make_user("clerk"), role="window_clerk", departments=[make_department(region=city)]
    )
    response = admin_client.post(
        f"/admin/accounts/staffassignment/{assignment.pk}/change/",
        {"service_centers": [center.pk], "notes": ""},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (list(assignment.departments.all()), list(assignment.service_centers.all())) == ([], [center])
    assert StaffAssignment.objects.count() == 1


def test_deactivate_and_revoke_actions(admin_client: Client) -> None:
    city = make_region("350300")
    assignment = staff_assign(user=make_user("clerk"), role="window_clerk", region=city)
    authorization = agent_authorize(
        agent=make_user("daiban"), principal=make_person("zhangsan"), valid_from=dt.date(2026, 1, 1)
    )
    admin_client.post(
        "/admin/accounts/staffassignment/",
        {"action": "deactivate", "_selected_action": [assignment.pk]},
    )
    admin_client.post(
        "/admin/accounts/agentauthorization/",
        {"action": "revoke", "_selected_action": [authorization.pk]},
    )
    assignment.refresh_from_db()
    authorization.refresh_from_db()
    assert assignment.active is False
    assert authorization.revoked_at is not None
    assert authorization.revoked_by.username == "root"  # type: ignore[union-attr]
    # a deactivated assignment is a record: it cannot be edited
    page = admin_client.get(f"/admin/accounts/staffassignment/{assignment.pk}/change/").content.decode()
    assert 'name="_save"' not in page


def test_add_agent_authorization_goes_through_the_service(admin_client: Client) -> None:
    principal, agent = make_person("zhangsan"), make_user("daiban")
    bad = admin_client.post(
        "/admin/accounts/agentauthorization/add/",
        {"agent": principal.user.pk, "principal": principal.pk, "valid_from": "2026-01-01"},
    )
    assert "代办人不能是委托人本人。" in bad.content.decode()
    assert not AgentAuthorization.objects.exists()
    ok = admin_client.post(
        "/admin/accounts/agentauthorization/add/",
        {"agent": agent.pk, "principal": principal.pk, "valid_from": "2026-01-01", "valid_to": "2026-12-31"},
    )
    assert ok.status_code == 302
    created = AgentAuthorization.objects.get()
    assert (created.agent, created.valid_to, created.created_by.username) == (
        agent,
        dt.date(2026, 12, 31),
        "root",
    )  # type: ignore[union-attr]
