"""Load the Putian demo data, idempotently.

Everything already present is left alone: regions, centers and departments are looked up by their natural
keys (code; name + region; USCC), items by their 实施编码, users by username. New rows are validated
(``full_clean``) and items are written only through ``haoban.catalog.services`` (create → publish → new
versions → claim), so the demo data passes exactly the rules the application enforces. The whole load is one
transaction: it either completes or writes nothing.
"""

from __future__ import annotations

import importlib.util
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import models, transaction

from haoban.accounts.models import AgentAuthorization, ApplicantProfile, StaffAssignment, StaffRole
from haoban.accounts.services import agent_authorize, applicant_register, staff_assign
from haoban.catalog.models import ServiceItem, ServiceItemVersion
from haoban.catalog.services import (
    item_claim,
    item_create,
    version_create_draft,
    version_publish,
    version_update,
)
from haoban.domain.codes import build_implementation_code
from haoban.organization.models import Department, Region, ServiceCenter

from .departments import DEPARTMENTS
from .items import DEMO_VALID_FROM, ITEMS
from .people import AGENTS, APPLICANTS, STAFF
from .regions import CENTERS, OFFICE_HOURS, REGIONS

DEFAULT_PASSWORD = "haoban-demo-2026"
PASSWORD_ENV = "HAOBAN_DEMO_PASSWORD"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role_code: str
    role_name: str
    is_superuser: bool
    can_do: str
    scope: str = ""


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "admin",
        "system_admin",
        "系统管理员",
        True,
        "拥有全部权限：管理账号和角色，维护区划、部门、服务中心、事项和节假日安排（/admin/）。",
        "全部区划（不受区划限制）",
    ),
    DemoAccount(
        "catalog",
        "catalog_manager",
        "事项管理员",
        False,
        "维护政务服务事项：新增事项、编辑草稿、发布新版本、认领（/admin/ 与接口）；查看区划、部门和服务中心。",
        "莆田市及下级区划",
    ),
)


@dataclass
class AccountResult:
    account: DemoAccount
    created: bool
    password: str | None  # None: an existing account whose password was left unchanged


@dataclass
class LoadResult:
    created: Counter[str] = field(default_factory=Counter)
    existing: Counter[str] = field(default_factory=Counter)
    accounts: list[AccountResult] = field(default_factory=list)

    @property
    def passwords_reset(self) -> bool:
        return any(not a.created and a.password is not None for a in self.accounts)


def demo_password() -> str:
    return os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD


def _get_or_create(
    model: type[models.Model], lookup: dict[str, Any], defaults: dict[str, Any]
) -> tuple[Any, bool]:
    """Like ``get_or_create``, but a new row is validated with ``full_clean`` before it is saved."""
    found = model._default_manager.filter(**lookup).first()
    if found is not None:
        return found, False
    instance = model(**lookup, **defaults)
    instance.full_clean()
    instance.save()
    return instance, True


def _role_groups() -> dict[str, Group]:
    # haoban.core.roles is optional for the demo: accounts are created either way.
    if importlib.util.find_spec("haoban.core.roles") is None:
        return {}
    from haoban.core.roles import ensure_roles

    return ensure_roles()


def _load_accounts(result: LoadResult, password: str, reset_passwords: bool) -> AbstractUser:
    User = get_user_model()
    groups = _role_groups()
    users: dict[str, AbstractUser] = {}
    for account in ACCOUNTS:
        user = User._default_manager.filter(username=account.username).first()
        created = user is None
        if user is None:
            user = User(
                username=account.username,
                email=f"{account.username}@haoban.example",
                is_staff=True,
                is_superuser=account.is_superuser,
            )
            user.set_password(password)
            user.full_clean()
            user.save()
        elif reset_passwords:
            user.set_password(password)
            user.save(update_fields=["password"])
        group = groups.get(account.role_code)
        if group is not None and not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
        result.accounts.append(
            AccountResult(account, created, password if created or reset_passwords else None)
        )
        (result.created if created else result.existing)["users"] += 1
        users[account.username] = user
    return users["catalog"]


def _load_organization(result: LoadResult) -> tuple[dict[str, Region], dict[str, Department]]:
    regions: dict[str, Region] = {}
    for spec in REGIONS:
        region, created = _get_or_create(
            Region,
            {"code": spec.code},
            {
                "name": spec.name,
                "kind": spec.kind,
                "parent": regions[spec.parent] if spec.parent else None,
                "is_management_committee": spec.is_management_committee,
            },
        )
        regions[spec.code] = region
        (result.created if created else result.existing)["regions"] += 1
    for center in CENTERS:
        region = regions[center.region]
        _, created = _get_or_create(
            ServiceCenter,
            {"name": center.name, "region": region},
            {
                "kind": ServiceCenter.KIND_BY_REGION[Region.Kind(region.kind)],
                "address": center.address,
                "phone": center.phone,
                "office_hours": OFFICE_HOURS,
                "star_rating": center.star_rating,
            },
        )
        (result.created if created else result.existing)["centers"] += 1
    departments: dict[str, Department] = {}
    for department_spec in DEPARTMENTS:
        department, created = _get_or_create(
            Department,
            {"uscc": department_spec.uscc},
            {
                "name": department_spec.name,
                "short_name": department_spec.short_name,
                "region": regions[department_spec.region],
                "guiding_code": department_spec.guiding_code,
                "phone": department_spec.phone,
                "address": department_spec.address,
            },
        )
        departments[department_spec.key] = department
        (result.created if created else result.existing)["departments"] += 1
    return regions, departments


def _load_items(
    result: LoadResult, regions: dict[str, Region], departments: dict[str, Department], actor: AbstractUser
) -> None:
    items: dict[str, ServiceItem] = {}
    for spec in ITEMS:
        department = departments[spec.department]
        code = build_implementation_code(department.uscc, spec.level, spec.basic_code)
        existing = ServiceItem.objects.filter(implementation_code=code).first()
        if existing is not None:
            items[spec.key] = existing
            result.existing["items"] += 1
            continue
        version = item_create(
            implementing_body=department,
            level=spec.level,
            basic_code=spec.basic_code,
            content=spec.content,
            region=regions[spec.region] if spec.region else None,
            parent=items[spec.parent] if spec.parent else None,
            actor=actor,
        )
        item = version.item
        items[spec.key] = item
        result.created["items"] += 1
        result.created["versions"] += 1
        if spec.publish:
            version_publish(version=version, valid_from=DEMO_VALID_FROM, actor=actor, change_note="首次发布")
            for revision in spec.revisions:
                draft = version_create_draft(item=item, actor=actor)
                draft = version_update(version=draft, content=revision.changes, actor=actor)
                result.created["versions"] += 1
                if revision.valid_from is not None:
                    version_publish(
                        version=draft,
                        valid_from=revision.valid_from,
                        actor=actor,
                        change_note=revision.change_note,
                    )
        if spec.claim:
            item_claim(item=item, department=department, actor=actor)


def _account_result(
    result: LoadResult, account: DemoAccount, user: AbstractUser | None, password: str, reset_passwords: bool
) -> AbstractUser | None:
    """Record an account of the summary; set the password of an existing one when asked."""
    created = user is None
    if user is not None and reset_passwords:
        user.set_password(password)
        user.save(update_fields=["password"])
    result.accounts.append(AccountResult(account, created, password if created or reset_passwords else None))
    (result.created if created else result.existing)["users"] += 1
    return user


def _load_people(
    result: LoadResult,
    password: str,
    reset_passwords: bool,
    regions: dict[str, Region],
    departments: dict[str, Department],
) -> None:
    """Applicants, the agent and scoped staff (``people.py``), written through ``haoban.accounts.services``."""
    User = get_user_model()
    users = {u.username: u for u in User._default_manager.filter(username__in=[s.username for s in STAFF])}
    names = {a.username: a.name for a in APPLICANTS}
    for applicant in APPLICANTS:
        user = User._default_manager.filter(username=applicant.username).first()
        scope = "本人" + "".join(
            f"；代办{names[a.principal]}（{a.valid_from} 至 {a.valid_to or '撤销为止'}）"
            for a in AGENTS
            if a.agent == applicant.username
        )
        account = DemoAccount(
            applicant.username, "applicant", applicant.role_name, False, applicant.can_do, scope
        )
        if _account_result(result, account, user, password, reset_passwords) is None:
            applicant_register(
                username=applicant.username,
                password=password,
                kind=applicant.kind,
                name=applicant.name,
                phone=applicant.phone,
                resident_id=applicant.resident_id or None,
                uscc=applicant.uscc or None,
                legal_representative=applicant.legal_representative,
                email=f"{applicant.username}@haoban.example",
                real_name_level=applicant.real_name_level,
                check_password_strength=False,
            )
            result.created["applicants"] += 1
        else:
            result.existing["applicants"] += 1
    for spec in AGENTS:
        agent = User._default_manager.get(username=spec.agent)
        principal = ApplicantProfile.objects.get(user__username=spec.principal)
        if AgentAuthorization.objects.filter(agent=agent, principal=principal).exists():
            result.existing["agent_authorizations"] += 1
            continue
        agent_authorize(
            agent=agent,
            principal=principal,
            valid_from=spec.valid_from,
            valid_to=spec.valid_to,
            scope=spec.scope,
            notes=spec.notes,
        )
        result.created["agent_authorizations"] += 1
    centers = {
        c.name: c for c in ServiceCenter.objects.filter(name__in=[n for s in STAFF for n in s.centers])
    }
    listed = {a.username for a in ACCOUNTS}
    for staff in STAFF:
        user = users.get(staff.username)
        if staff.username not in listed:
            scope = "、".join(
                [departments[d].short_name for d in staff.departments]
                + list(staff.centers)
                + ([f"{regions[staff.region].name}及下级区划"] if staff.region else [])
            )
            account = DemoAccount(
                staff.username, staff.role, StaffRole(staff.role).label, False, staff.can_do, scope
            )
            if _account_result(result, account, user, password, reset_passwords) is None:
                user = User(
                    username=staff.username,
                    email=f"{staff.username}@haoban.example",
                    display_name=staff.display_name,
                )
                user.set_password(password)
                user.full_clean()
                user.save()
        assert user is not None
        if StaffAssignment.objects.filter(user=user, role=staff.role, active=True).exists():
            result.existing["staff_assignments"] += 1
            continue
        staff_assign(
            user=user,  # type: ignore[arg-type]
            role=staff.role,
            departments=[departments[d] for d in staff.departments],
            service_centers=[centers[name] for name in staff.centers],
            region=regions[staff.region] if staff.region else None,
            notes="演示数据",
        )
        result.created["staff_assignments"] += 1


def load_demo(*, password: str | None = None, reset_passwords: bool = False) -> LoadResult:
    """Create whatever part of the demo data is missing; change nothing that exists (but see
    ``reset_passwords``, which sets the demo accounts' passwords again)."""
    result = LoadResult()
    with transaction.atomic():
        actor = _load_accounts(result, password or demo_password(), reset_passwords)
        regions, departments = _load_organization(result)
        _load_people(result, password or demo_password(), reset_passwords, regions, departments)
        _load_items(result, regions, departments, actor)
    return result


def demo_counts() -> dict[str, int]:
    """Row counts of everything the demo touches (used by the summary and the idempotency test)."""
    versions = ServiceItemVersion.objects
    return {
        "regions": Region.objects.count(),
        "centers": ServiceCenter.objects.count(),
        "departments": Department.objects.count(),
        "items": ServiceItem.objects.count(),
        "published_items": ServiceItem.objects.filter(versions__status=ServiceItemVersion.Status.PUBLISHED)
        .distinct()
        .count(),
        "published_versions": versions.filter(status=ServiceItemVersion.Status.PUBLISHED).count(),
        "draft_versions": versions.filter(status=ServiceItemVersion.Status.DRAFT).count(),
        "claimed_items": ServiceItem.objects.filter(claim_status=ServiceItem.ClaimStatus.CLAIMED).count(),
        "users": get_user_model()._default_manager.count(),
        "applicants": ApplicantProfile.objects.count(),
        "agent_authorizations": AgentAuthorization.objects.count(),
        "staff_assignments": StaffAssignment.objects.filter(active=True).count(),
    }
