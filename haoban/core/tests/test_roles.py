"""Roles: groups created after migrate, idempotent, renamable; IsCatalogManager."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from rest_framework.test import APIRequestFactory

from haoban.accounts.models import User
from haoban.core.models import Role
from haoban.core.permissions import IsCatalogManager
from haoban.core.roles import CATALOG_MANAGER, SYSTEM_ADMIN, ensure_roles, is_catalog_manager, role_group

pytestmark = pytest.mark.django_db

CATALOG_MANAGER_PERMISSIONS = sorted(
    [
        *(
            f"catalog.{action}_{model}"
            for model in (
                "serviceitem",
                "serviceitemversion",
                "legalbasis",
                "materialrequirement",
                "processstep",
                "feeitem",
                "handlingitem",
            )
            for action in ("add", "change", "view")
        ),
        "catalog.view_servicetag",
        "catalog.publish_serviceitemversion",
        "organization.view_region",
        "organization.view_department",
        "organization.view_servicecenter",
    ]
)


def _codenames(group: Group) -> list[str]:
    return sorted(
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    )


def test_migrate_created_the_role_groups() -> None:
    assert sorted(Role.objects.values_list("code", "group__name")) == [
        ("catalog_manager", "事项管理员"),
        ("system_admin", "系统管理员"),
    ]
    assert _codenames(role_group(CATALOG_MANAGER)) == CATALOG_MANAGER_PERMISSIONS
    assert role_group(SYSTEM_ADMIN).permissions.count() == Permission.objects.count()


def test_ensure_roles_is_idempotent_and_restores_names_and_permissions() -> None:
    # given: someone renamed the group and removed a permission; a member must stay a member
    group = role_group(CATALOG_MANAGER)
    member = User.objects.create_user("manager")
    member.groups.add(group)
    group.name = "改过的名字"
    group.save()
    group.permissions.remove(Permission.objects.get(codename="publish_serviceitemversion"))
    # when
    ensure_roles()
    ensure_roles()
    # then
    group.refresh_from_db()
    assert group.name == "事项管理员"
    assert _codenames(group) == CATALOG_MANAGER_PERMISSIONS
    assert Group.objects.count() == 2
    assert list(member.groups.all()) == [group]
    assert member.has_perm("catalog.publish_serviceitemversion")


def test_is_catalog_manager() -> None:
    member = User.objects.create_user("manager")
    member.groups.add(role_group(CATALOG_MANAGER))
    inactive = User.objects.create_user("gone", is_active=False)
    inactive.groups.add(role_group(CATALOG_MANAGER))
    admin = User.objects.create_user("sysadmin")
    admin.groups.add(role_group(SYSTEM_ADMIN))

    assert is_catalog_manager(member) is True
    assert is_catalog_manager(User.objects.create_superuser("root")) is True
    assert is_catalog_manager(User.objects.create_user("citizen")) is False
    assert is_catalog_manager(inactive) is False
    assert is_catalog_manager(admin) is False
    assert is_catalog_manager(AnonymousUser()) is False
    assert is_catalog_manager(None) is False


def test_permission_class_follows_the_role() -> None:
    member = User.objects.create_user("manager")
    member.groups.add(role_group(CATALOG_MANAGER))
    request = APIRequestFactory().post("/")
    permission = IsCatalogManager()

    request.user = member
    assert permission.has_permission(request, None) is True
    request.user = User.objects.create_user("citizen")
    assert permission.has_permission(request, None) is False
    assert permission.message == "只有事项管理员可以执行该操作。"
