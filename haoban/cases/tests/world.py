"""A small Putian for the access, selector and API tests of cases: regions, departments, centers, items,
applicants and agents, staff of every case role, and cases written directly with the models (so the read
side is tested without the transition services).

    province 福建省
      city 莆田市 ── 市市场监管局 (market), 莆田市行政服务中心 (city_center)
        城厢区 ── 城厢区市场监管局 (chengxiang_market)
        仙游县 ── 仙游县市场监管局 (xianyou_market), 仙游县政务服务中心 (xianyou_center)
          枫亭镇 ── 枫亭镇人民政府 (fengting_gov)
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from rest_framework.test import APIClient

from haoban.accounts.models import AgentAuthorization, ApplicantProfile, User
from haoban.accounts.services import agent_authorize, staff_assign
from haoban.accounts.tests.helpers import make_center, make_person, make_user
from haoban.cases.models import Case, CaseEvent, CaseMaterial, Notice
from haoban.catalog.models import ServiceItemVersion
from haoban.catalog.tests.factories import make_department, make_item, make_region
from haoban.organization.models import Department, Region, ServiceCenter

_sequence = itertools.count(1)
TZ = dt.timezone(dt.timedelta(hours=8))


@dataclass
class World:
    province: Region
    city: Region
    chengxiang: Region
    xianyou: Region
    fengting: Region
    market: Department
    chengxiang_market: Department
    xianyou_market: Department
    fengting_gov: Department
    city_center: ServiceCenter
    xianyou_center: ServiceCenter
    versions: dict[str, ServiceItemVersion]  # by department attribute name
    applicant_a: ApplicantProfile
    applicant_b: ApplicantProfile
    staff: dict[str, User] = field(default_factory=dict)
    agents: dict[str, User] = field(default_factory=dict)

    def version(self, department: Department) -> ServiceItemVersion:
        for version in self.versions.values():
            if version.item.implementing_body_id == department.pk:
                return version
        raise KeyError(department)


def make_world() -> World:
    province = make_region("350000", "福建省")
    city = make_region("350300", "莆田市", parent=province)
    chengxiang = make_region("350302", parent=city)
    xianyou = make_region("350322", parent=city)
    fengting = make_region("350322101", "枫亭镇", parent=xianyou)
    market = make_department(region=city, name="莆田市市场监督管理局", short_name="市市场监管局")
    chengxiang_market = make_department(region=chengxiang, name="城厢区市场监督管理局")
    xianyou_market = make_department(region=xianyou, name="仙游县市场监督管理局")
    fengting_gov = make_department(region=fengting, name="仙游县枫亭镇人民政府")
    versions = {
        "market": make_item(department=market, level=3),
        "chengxiang_market": make_item(department=chengxiang_market, level=4),
        "xianyou_market": make_item(department=xianyou_market, level=4),
        "fengting_gov": make_item(department=fengting_gov, level=5, basic_code="350100200000"),
    }
    return World(
        province=province,
        city=city,
        chengxiang=chengxiang,
        xianyou=xianyou,
        fengting=fengting,
        market=market,
        chengxiang_market=chengxiang_market,
        xianyou_market=xianyou_market,
        fengting_gov=fengting_gov,
        city_center=make_center(city, "莆田市行政服务中心"),
        xianyou_center=make_center(xianyou, "仙游县政务服务中心"),
        versions=versions,
        applicant_a=make_person("applicant-a", name="张三"),
        applicant_b=make_person("applicant-b", name="李四"),
    )


def make_staff(username: str, role: str, **scope: Any) -> User:
    user = make_user(username, display_name=f"{username} 工作人员")
    staff_assign(user=user, role=role, **scope)
    return user


def make_agent(username: str, principal: ApplicantProfile, *, days_from: int, days_to: int) -> User:
    """An agent of ``principal`` whose authorization runs from today + ``days_from`` to today + ``days_to``."""
    agent = make_user(username, display_name="王芳")
    today = timezone.localdate()
    agent_authorize(
        agent=agent,
        principal=principal,
        valid_from=today + dt.timedelta(days=days_from),
        valid_to=today + dt.timedelta(days=days_to),
    )
    return agent


def revoke_all(agent: User) -> None:
    AgentAuthorization.objects.filter(agent=agent).update(revoked_at=timezone.now() - dt.timedelta(days=1))


def make_case(
    version: ServiceItemVersion,
    applicant: ApplicantProfile,
    *,
    status: str = "submitted",
    region: Region | None = None,
    service_center: ServiceCenter | None = None,
    submitted_by: User | None = None,
    submitted_on: dt.date = dt.date(2026, 3, 2),
    light: str = "",
    remaining_workdays: int | None = None,
    **fields: Any,
) -> Case:
    """A case written directly (not through the services), with its submit event."""
    item = version.item
    region = region or item.region
    number = f"{region.code[:6]}{submitted_on:%Y%m%d}{next(_sequence):06d}"
    submitted_at = dt.datetime.combine(submitted_on, dt.time(9, 30), tzinfo=TZ)
    case = Case.objects.create(
        number=number,
        item=item,
        item_version=version,
        department=item.implementing_body,
        region=region,
        service_center=service_center,
        applicant=applicant,
        submitted_by=submitted_by or applicant.user,
        channel=fields.pop("channel", "pc"),
        status=status,
        submitted_at=submitted_at,
        received_on=submitted_on,
        light=light,
        remaining_workdays=remaining_workdays,
        **fields,
    )
    add_event(case, "submit", "", "submitted", actor=case.submitted_by, at=submitted_at)
    return case


def add_event(
    case: Case,
    action: str,
    from_status: str,
    to_status: str,
    *,
    actor: User | None = None,
    at: dt.datetime | None = None,
    reason: str = "",
    actor_role: str = "",
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        sequence=case.events.count() + 1,
        action=action,
        from_status=from_status,
        to_status=to_status,
        occurred_at=at or case.submitted_at,
        actor=actor,
        actor_role=actor_role,
        reason=reason,
    )


def add_notice(case: Case, event: CaseEvent, *, kind: str = "acceptance", storage_path: str = "") -> Notice:
    n = next(_sequence)
    return Notice.objects.create(
        case=case,
        event=event,
        kind=kind,
        document_number=f"莆市监受〔2026〕{n}号",
        storage_path=storage_path or f"notices/{case.number}/{n}.pdf",
        sm3="0" * 64,
        signature="c2ln",
        key_id="test",
        verification_token=f"token-{n}",
        issued_on=event.occurred_at.date(),
    )


def add_material(case: Case, *, reference: str = "") -> CaseMaterial:
    requirement = case.item_version.materials.order_by("order").first()
    assert requirement is not None
    return CaseMaterial.objects.create(
        case=case,
        requirement=requirement,
        source=CaseMaterial.Source.E_LICENSE if reference else CaseMaterial.Source.APPLICANT,
        reference=reference,
        original_name="" if reference else "申请书.pdf",
    )


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


__all__ = ["make_center", "make_person", "make_user"]
