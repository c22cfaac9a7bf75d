"""accounts.access: the scope matrix, exact ids — department X vs Y, region subtree vs sibling county,
centers, unrestricted roles, agents within and outside their validity, revoked authorizations."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser

from haoban.accounts.access import (
    Scope,
    applicant_principals,
    has_role,
    region_subtree_ids,
    staff_scope,
)
from haoban.accounts.models import StaffAssignment, User
from haoban.accounts.services import agent_authorize, agent_revoke, staff_assign, staff_unassign
from haoban.catalog.models import ServiceItem
from haoban.catalog.tests.factories import make_item
from haoban.organization.models import Department, Region, ServiceCenter

from .helpers import make_center, make_department, make_person, make_region, make_user

pytestmark = pytest.mark.django_db

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


@dataclass
class World:
    province: Region
    city: Region
    chengxiang: Region
    xianyou: Region
    fengting: Region  # town in 仙游县
    fengting_village: Region
    market: Department  # 市市场监管局 (city)
    chengxiang_market: Department
    xianyou_market: Department
    city_center: ServiceCenter
    xianyou_center: ServiceCenter


@pytest.fixture
def world() -> World:
    province = make_region("350000", "福建省")
    city = make_region("350300", "莆田市", parent=province)
    chengxiang = make_region("350302", parent=city)
    xianyou = make_region("350322", parent=city)
    fengting = make_region("350322101", "枫亭镇", parent=xianyou)
    village = make_region("350322101201", "枫亭村", parent=fengting)
    return World(
        province=province,
        city=city,
        chengxiang=chengxiang,
        xianyou=xianyou,
        fengting=fengting,
        fengting_village=village,
        market=make_department(region=city, name="莆田市市场监督管理局"),
        chengxiang_market=make_department(region=chengxiang, name="城厢区市场监督管理局"),
        xianyou_market=make_department(region=xianyou, name="仙游县市场监督管理局"),
        city_center=make_center(city, "莆田市行政服务中心"),
        xianyou_center=make_center(xianyou, "仙游县政务服务中心"),
    )


def _ids(*objects: object) -> frozenset[int]:
    return frozenset(o.pk for o in objects)  # type: ignore[attr-defined]


def test_region_subtree_is_the_region_and_everything_below(world: World) -> None:
    w = world
    assert region_subtree_ids([w.xianyou.pk]) == {w.xianyou.pk, w.fengting.pk, w.fengting_village.pk}
    assert region_subtree_ids([w.fengting_village.pk]) == {w.fengting_village.pk}
    assert region_subtree_ids([w.city.pk]) == set(
        _ids(w.city, w.chengxiang, w.xianyou, w.fengting, w.fengting_village)
    )
    assert region_subtree_ids([w.chengxiang.pk, w.fengting.pk]) == set(
        _ids(w.chengxiang, w.fengting, w.fengting_village)
    )
    assert region_subtree_ids([]) == set()


def test_region_subtree_costs_one_query_per_level(world: World, django_assert_num_queries: object) -> None:
    with django_assert_num_queries(4):  # type: ignore[operator]
        region_subtree_ids([world.city.pk])  # children of city, of counties, of towns, of villages (none)


def test_department_scoped_staff_see_their_department_only(world: World) -> None:
    w = world
    clerk = make_user("clerk")
    staff_assign(user=clerk, role="window_clerk", departments=[w.market], service_centers=[w.city_center])
    scope = staff_scope(clerk)
    assert scope == Scope(
        roles=frozenset({"window_clerk"}),
        department_ids=_ids(w.market),
        center_ids=_ids(w.city_center),
        region_ids=frozenset(),
        is_unrestricted=False,
    )
    assert scope.covers(department=w.market)
    assert not scope.covers(department=w.chengxiang_market)
    assert scope.covers(center=w.city_center)
    assert not scope.covers(center=w.xianyou_center)
    assert not scope.covers(region=w.city)
    assert has_role(clerk, "window_clerk", department=w.market)
    assert not has_role(clerk, "window_clerk", department=w.xianyou_market)
    assert not has_role(clerk, "reviewer", department=w.market)
    assert has_role(clerk, "window_clerk")


def test_region_scoped_staff_see_the_subtree_but_not_the_sibling_county(world: World) -> None:
    w = world
    clerk = make_user("xianyou-clerk")
    staff_assign(user=clerk, role="window_clerk", region=w.xianyou)
    scope = staff_scope(clerk)
    assert scope.region_ids == _ids(w.xianyou, w.fengting, w.fengting_village)
    assert (scope.department_ids, scope.center_ids, scope.is_unrestricted) == (
        frozenset(),
        frozenset(),
        False,
    )
    assert scope.covers(department=w.xianyou_market)  # a department of the region
    assert scope.covers(center=w.xianyou_center)
    assert scope.covers(region=w.fengting_village)
    assert not scope.covers(region=w.chengxiang)
    assert not scope.covers(region=w.city)  # the parent is outside the subtree
    assert not scope.covers(department=w.market)
    assert not scope.covers(department=w.chengxiang_market)
    assert has_role(clerk, "window_clerk", region=w.fengting)
    assert not has_role(clerk, "window_clerk", region=w.chengxiang)
    assert has_role(clerk, "window_clerk", department=w.xianyou_market, region=w.fengting)
    assert not has_role(clerk, "window_clerk", department=w.market, region=w.fengting)


def test_city_supervisor_covers_every_county(world: World) -> None:
    w = world
    supervisor = make_user("supervisor")
    staff_assign(user=supervisor, role="efficiency_supervisor", region=w.city)
    scope = staff_scope(supervisor)
    assert scope.region_ids == _ids(w.city, w.chengxiang, w.xianyou, w.fengting, w.fengting_village)
    assert all(scope.covers(department=d) for d in (w.market, w.chengxiang_market, w.xianyou_market))
    assert not scope.covers(region=w.province)
    assert not scope.is_unrestricted


def test_scope_q_filters_a_queryset_like_covers(world: World) -> None:
    # given: one item per department
    w = world
    items = {
        d.pk: make_item(department=d, level=3 if d.region == w.city else 4).item
        for d in (w.market, w.chengxiang_market, w.xianyou_market)
    }
    reviewer, xianyou_clerk, supervisor, nobody = (make_user(n) for n in ("r", "x", "s", "n"))
    staff_assign(user=reviewer, role="reviewer", departments=[w.chengxiang_market])
    staff_assign(user=xianyou_clerk, role="window_clerk", region=w.xianyou)
    staff_assign(user=supervisor, role="efficiency_supervisor", region=w.city)

    def visible(user: User, **paths: str) -> set[int]:
        q = staff_scope(user).q(**paths)
        return set(ServiceItem.objects.filter(q).values_list("pk", flat=True))

    # then
    assert visible(reviewer, department="implementing_body") == {items[w.chengxiang_market.pk].pk}
    assert visible(xianyou_clerk, department="implementing_body") == {items[w.xianyou_market.pk].pk}
    assert visible(xianyou_clerk, region="region") == {items[w.xianyou_market.pk].pk}
    assert visible(supervisor, department="implementing_body") == {i.pk for i in items.values()}
    assert visible(nobody, department="implementing_body", region="region") == set()
    assert visible(reviewer) == set()  # no path given: nothing matches
    for user in (reviewer, xianyou_clerk, supervisor):
        scope = staff_scope(user)
        for item in ServiceItem.objects.select_related("implementing_body"):
            assert (item.pk in visible(user, department="implementing_body")) == scope.covers(
                department=item.implementing_body
            )


def test_unrestricted_roles(world: World) -> None:
    w = world
    admin, auditor_all, auditor_root, auditor_city, data_root = (
        make_user(n) for n in ("admin", "auditor-all", "auditor-root", "auditor-city", "data-root")
    )
    staff_assign(user=admin, role="system_admin")
    staff_assign(user=auditor_all, role="auditor")
    staff_assign(user=auditor_root, role="auditor", region=w.province)
    staff_assign(user=auditor_city, role="auditor", region=w.city)
    staff_assign(user=data_root, role="data_officer", region=w.province)
    superuser = User.objects.create_superuser("root", password=None)

    assert staff_scope(admin) == Scope(roles=frozenset({"system_admin"}), is_unrestricted=True)
    assert staff_scope(auditor_all).is_unrestricted
    assert staff_scope(auditor_root).is_unrestricted
    assert not staff_scope(auditor_city).is_unrestricted
    assert not staff_scope(auditor_city).covers(region=w.province)
    # only system admins and auditors are ever unrestricted; a data officer of the root region has its subtree
    data_scope = staff_scope(data_root)
    assert (data_scope.is_unrestricted, data_scope.region_ids) == (
        False,
        _ids(w.province, w.city, w.chengxiang, w.xianyou, w.fengting, w.fengting_village),
    )
    assert staff_scope(superuser).is_unrestricted
    assert staff_scope(superuser).q(department="implementing_body") == staff_scope(admin).q()
    assert has_role(superuser, "reviewer", department=w.market)
    assert has_role(admin, "system_admin", region=w.fengting)
    assert not has_role(admin, "reviewer", department=w.market)  # unrestricted scope, but not that role
    # restricted to roles: the admin's scope as a reviewer is empty
    assert staff_scope(admin, roles=["reviewer"]) == Scope()


def test_roles_filter_keeps_each_roles_scope_apart(world: World) -> None:
    w = world
    user = make_user("both")
    staff_assign(user=user, role="window_clerk", service_centers=[w.xianyou_center])
    staff_assign(user=user, role="reviewer", departments=[w.market])
    assert staff_scope(user).roles == {"window_clerk", "reviewer"}
    assert staff_scope(user, roles=["reviewer"]) == Scope(
        roles=frozenset({"reviewer"}), department_ids=_ids(w.market)
    )
    assert not has_role(user, "window_clerk", department=w.market)
    assert has_role(user, "reviewer", department=w.market)


def test_no_scope_for_anonymous_inactive_or_deactivated(world: World) -> None:
    w = world
    inactive = make_user("inactive")
    staff_assign(user=inactive, role="reviewer", departments=[w.market])
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    former = make_user("former")
    staff_unassign(assignment=staff_assign(user=former, role="reviewer", departments=[w.market]))
    applicant = make_person("zhangsan").user
    for user in (AnonymousUser(), None, inactive, former, applicant):
        assert staff_scope(user) == Scope()  # type: ignore[arg-type]
        assert staff_scope(user).is_empty  # type: ignore[arg-type]
        assert not staff_scope(user).covers()  # type: ignore[arg-type]
        assert not has_role(user, "reviewer", department=w.market)  # type: ignore[arg-type]
    assert StaffAssignment.objects.count() == 2


# --- applicants and agents ---------------------------------------------------------------------------


def test_an_applicant_acts_for_themself_only() -> None:
    zhangsan, lisi = make_person("zhangsan"), make_person("lisi", name="李四")
    assert applicant_principals(zhangsan.user) == {zhangsan.pk}
    assert applicant_principals(lisi.user) == {lisi.pk}
    assert applicant_principals(make_user("staff")) == set()
    assert applicant_principals(AnonymousUser()) == set()


def test_an_agent_acts_within_the_validity_only() -> None:
    # given
    zhangsan, enterprise_owner = make_person("zhangsan"), make_person("lisi", name="李四")
    agent = make_person("daiban", name="王芳")
    agent_authorize(
        agent=agent.user, principal=zhangsan, valid_from=dt.date(2026, 3, 1), valid_to=dt.date(2026, 3, 31)
    )
    agent_authorize(agent=agent.user, principal=enterprise_owner, valid_from=dt.date(2026, 3, 15))
    # then
    assert applicant_principals(agent.user, on=dt.date(2026, 2, 28)) == {agent.pk}
    assert applicant_principals(agent.user, on=dt.date(2026, 3, 1)) == {agent.pk, zhangsan.pk}
    assert applicant_principals(agent.user, on=dt.date(2026, 3, 20)) == {
        agent.pk,
        zhangsan.pk,
        enterprise_owner.pk,
    }
    assert applicant_principals(agent.user, on=dt.date(2026, 3, 31)) == {
        agent.pk,
        zhangsan.pk,
        enterprise_owner.pk,
    }
    assert applicant_principals(agent.user, on=dt.date(2026, 4, 1)) == {agent.pk, enterprise_owner.pk}
    # the principal does not gain the agent's profile
    assert applicant_principals(zhangsan.user, on=dt.date(2026, 3, 20)) == {zhangsan.pk}


def test_a_revoked_authorization_ends_on_the_day_of_revocation() -> None:
    # given
    zhangsan, agent = make_person("zhangsan"), make_user("daiban")  # an agent without a profile of their own
    authorization = agent_authorize(agent=agent, principal=zhangsan, valid_from=dt.date(2026, 1, 1))
    revoked_at = dt.datetime(2026, 5, 10, 23, 30, tzinfo=BEIJING)  # late evening, Beijing time
    # when
    agent_revoke(authorization=authorization, at=revoked_at)
    # then
    assert applicant_principals(agent, on=dt.date(2026, 5, 9)) == {zhangsan.pk}
    assert applicant_principals(agent, on=dt.date(2026, 5, 10)) == set()
    assert applicant_principals(agent, on=dt.date(2026, 5, 11)) == set()


def test_default_day_is_today(time_machine: object) -> None:
    zhangsan, agent = make_person("zhangsan"), make_user("daiban")
    agent_authorize(
        agent=agent, principal=zhangsan, valid_from=dt.date(2026, 6, 1), valid_to=dt.date(2026, 6, 30)
    )
    time_machine.move_to(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC))  # type: ignore[attr-defined]
    assert applicant_principals(agent) == {zhangsan.pk}
    time_machine.move_to(dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC))  # type: ignore[attr-defined]
    assert applicant_principals(agent) == set()


def test_an_inactive_agent_acts_for_nobody() -> None:
    zhangsan, agent = make_person("zhangsan"), make_user("daiban")
    agent_authorize(agent=agent, principal=zhangsan, valid_from=dt.date(2026, 1, 1))
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert applicant_principals(agent, on=dt.date(2026, 6, 1)) == set()
