"""``haoban load_demo``: the Putian demo data is complete, valid and loads idempotently.

The command runs twice, once per module (it takes a few seconds); every test reads the result inside that
module's transaction, which is rolled back at the end.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from haoban.accounts.access import applicant_principals, staff_scope
from haoban.accounts.access import has_role as has_scoped_role
from haoban.accounts.models import ApplicantProfile, StaffAssignment
from haoban.catalog.models import ItemType, ServiceItem, ServiceItemVersion, ServiceTagCode
from haoban.catalog.selectors import current_version, published_items, tag_counts, version_history
from haoban.catalog.services import version_content
from haoban.core.demo.departments import DEPARTMENTS
from haoban.core.demo.items import ITEMS
from haoban.core.demo.loader import demo_counts
from haoban.core.roles import CATALOG_MANAGER, SYSTEM_ADMIN, has_role
from haoban.domain.codes import (
    build_implementation_code,
    is_valid_uscc,
    parse_basic_code,
    validate_resident_id,
)
from haoban.organization.models import Department, Region, ServiceCenter

pytestmark = pytest.mark.django_db

PASSWORD = "demo-test-password"
SPECS = {spec.key: spec for spec in ITEMS}
DEPARTMENT_USCC = {d.key: d.uscc for d in DEPARTMENTS}
# Where an item is handled: differs between regions by nature, and is not one of the 15 standardised elements.
LOCAL_FIELDS = {"handling_location", "office_hours", "consultation_phone", "complaint_phone"}


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with (
        django_db_blocker.unblock(),
        mock.patch.dict("os.environ", {"HAOBAN_DEMO_PASSWORD": PASSWORD}),
        # PBKDF2 (0.5 s per hash or check) would dominate the run; the hasher is not what is tested here.
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        first_output = _run()
        first = demo_counts()
        password_hashes = dict(get_user_model().objects.values_list("username", "password"))
        second_output = _run()
        second = demo_counts()
        yield {
            "first": first,
            "second": second,
            "first_output": first_output,
            "second_output": second_output,
            "password_hashes": password_hashes,
        }
        transaction.set_rollback(True)


def _item(key: str) -> ServiceItem:
    spec = SPECS[key]
    code = build_implementation_code(DEPARTMENT_USCC[spec.department], spec.level, spec.basic_code)
    return ServiceItem.objects.get(implementation_code=code)


def _current(key: str) -> ServiceItemVersion:
    version = current_version(_item(key).implementation_code)
    assert version is not None
    return version


def _differences(a: ServiceItemVersion, b: ServiceItemVersion) -> dict[str, tuple[Any, Any]]:
    left, right = version_content(a), version_content(b)
    return {k: (left[k], right[k]) for k in left if k not in LOCAL_FIELDS and left[k] != right[k]}


# --- idempotency ---------------------------------------------------------------------------------------


def test_running_twice_changes_no_count(demo: dict[str, Any]) -> None:
    assert demo["second"] == demo["first"]
    assert demo["first"] == {
        "regions": 33,
        "centers": 20,
        "departments": len(DEPARTMENTS),
        "items": len(ITEMS),
        "published_items": len([s for s in ITEMS if s.publish]),
        "published_versions": 44,
        "draft_versions": 2,
        "claimed_items": len([s for s in ITEMS if s.claim]),
        "users": 13,
        "applicants": 3,
        "agent_authorizations": 1,
        "staff_assignments": 10,
    }


def test_second_run_reports_nothing_new_and_keeps_passwords(demo: dict[str, Any]) -> None:
    assert "莆田演示数据已导入" in demo["first_output"]
    assert f"用户名：admin    密码：{PASSWORD}" in demo["first_output"]
    assert "莆田演示数据已存在，未作任何修改。" in demo["second_output"]
    assert "（账号已存在，密码未改动）" in demo["second_output"]
    assert PASSWORD not in demo["second_output"]
    assert dict(get_user_model().objects.values_list("username", "password")) == demo["password_hashes"]


def test_reset_passwords_sets_the_demo_password_again(demo: dict[str, Any]) -> None:
    # given
    User = get_user_model()
    with mock.patch.dict("os.environ", {"HAOBAN_DEMO_PASSWORD": "another-password-1"}):
        # when
        _run()
        # then: without the flag nothing changes
        assert User.objects.get(username="catalog").check_password(PASSWORD)
        # when
        output = _run("--reset-passwords")
    # then
    assert User.objects.get(username="catalog").check_password("another-password-1")
    assert User.objects.get(username="admin").check_password("another-password-1")
    assert User.objects.get(username="zhangsan").check_password("another-password-1")
    assert User.objects.get(username="xianyou-clerk").check_password("another-password-1")
    assert "莆田演示数据已存在，未作修改；已重置演示账号的密码。" in output
    assert "密码：another-password-1" in output
    assert demo_counts() == demo["first"]


# --- accounts --------------------------------------------------------------------------------------------


def test_demo_accounts_and_their_roles(demo: dict[str, Any]) -> None:
    User = get_user_model()
    admin = User.objects.get(username="admin")
    catalog = User.objects.get(username="catalog")
    assert (admin.is_superuser, admin.is_staff, admin.check_password(PASSWORD)) == (True, True, True)
    assert (catalog.is_superuser, catalog.is_staff, catalog.check_password(PASSWORD)) == (False, True, True)
    assert has_role(catalog, CATALOG_MANAGER)
    assert admin.groups.filter(haoban_role__code=SYSTEM_ADMIN).exists()
    assert not catalog.groups.filter(haoban_role__code=SYSTEM_ADMIN).exists()


def test_demo_applicants_have_valid_identifiers_and_the_agent_acts_for_zhangsan(demo: dict[str, Any]) -> None:
    profiles = {
        p.user.username: p for p in ApplicantProfile.objects.select_related("user").order_by("user__username")
    }
    assert sorted(profiles) == ["daiban", "putian-food", "zhangsan"]
    zhangsan, food = profiles["zhangsan"], profiles["putian-food"]
    assert (zhangsan.kind, zhangsan.name, zhangsan.user.real_name_level) == ("natural_person", "张三", 2)
    assert validate_resident_id(zhangsan.resident_id) == zhangsan.resident_id
    assert zhangsan.resident_id.startswith("350302")
    assert zhangsan.masked_resident_id == zhangsan.resident_id[:4] + "*" * 10 + zhangsan.resident_id[-4:]
    assert (food.kind, food.legal_representative, food.uscc[:8]) == ("enterprise", "李明", "91350300")
    assert is_valid_uscc(food.uscc)
    assert applicant_principals(profiles["daiban"].user, dt.date(2026, 6, 1)) == {
        profiles["daiban"].pk,
        zhangsan.pk,
    }
    assert applicant_principals(profiles["daiban"].user, dt.date(2029, 1, 1)) == {profiles["daiban"].pk}


def test_demo_staff_are_scoped(demo: dict[str, Any]) -> None:
    User = get_user_model()
    market = Department.objects.get(name="莆田市市场监督管理局")
    xianyou_market = Department.objects.get(name="仙游县市场监督管理局")
    xianyou, fengting = Region.objects.get(code="350322"), Region.objects.get(code="350322101201")
    chengxiang = Region.objects.get(code="350302")
    expected = {
        "clerk": ("window_clerk", ["市市场监管局"], ["莆田市行政服务中心"], None),
        "reviewer": ("reviewer", ["市市场监管局"], [], None),
        "head": ("department_head", ["市市场监管局"], [], None),
        "supervisor": ("efficiency_supervisor", [], [], "350300"),
        "xianyou-clerk": ("window_clerk", [], [], "350322"),
        "bdc-clerk": ("window_clerk", ["市自然资源局"], [], None),
        "bdc-reviewer": ("reviewer", ["市自然资源局"], [], None),
        "bdc-head": ("department_head", ["市自然资源局"], [], None),
        "catalog": ("catalog_manager", [], [], "350300"),
        "admin": ("system_admin", [], [], None),
    }
    actual = {
        a.user.username: (
            a.role,
            [d.short_name for d in a.departments.all()],
            [c.name for c in a.service_centers.all()],
            a.region.code if a.region else None,
        )
        for a in StaffAssignment.objects.filter(active=True).select_related("user", "region")
    }
    assert actual == expected
    clerk, xianyou_clerk = User.objects.get(username="clerk"), User.objects.get(username="xianyou-clerk")
    assert has_scoped_role(clerk, "window_clerk", department=market)
    assert not has_scoped_role(clerk, "window_clerk", department=xianyou_market)
    assert has_scoped_role(xianyou_clerk, "window_clerk", department=xianyou_market)
    assert has_scoped_role(xianyou_clerk, "window_clerk", region=fengting)
    assert not has_scoped_role(xianyou_clerk, "window_clerk", region=chengxiang)
    assert staff_scope(User.objects.get(username="supervisor")).region_ids >= {xianyou.pk, fengting.pk}
    assert staff_scope(User.objects.get(username="admin")).is_unrestricted
    assert not User.objects.get(username="clerk").is_staff
    assert "用户名：xianyou-clerk" in demo["first_output"]
    assert "角色：窗口受理人员；范围：仙游县及下级区划；" in demo["first_output"]
    assert "角色：窗口受理人员；范围：市市场监管局、莆田市行政服务中心；" in demo["first_output"]


# --- organization ----------------------------------------------------------------------------------------


def test_departments_have_valid_usccs_of_their_region(demo: dict[str, Any]) -> None:
    departments = list(Department.objects.select_related("region"))
    assert len(departments) >= 10
    for department in departments:
        assert is_valid_uscc(department.uscc), department.name
        assert department.uscc[:2] in ("11", "13"), department.name
        assert department.uscc[2:8] == department.region.code, department.name
    assert Department.objects.get(name="莆田市市场监督管理局").guiding_code == "26"


def test_management_committees_are_county_level_with_local_codes(demo: dict[str, Any]) -> None:
    committees = Region.objects.filter(is_management_committee=True).order_by("code")
    assert [(r.code, r.name, r.kind, r.parent.code) for r in committees] == [
        ("350391", "湄洲岛国家旅游度假区", "county", "350300"),
        ("350392", "北岸经济开发区", "county", "350300"),
    ]
    assert Region.objects.filter(kind="town").count() == 17
    assert Region.objects.filter(kind="village").count() == 7


def test_service_centers_follow_the_four_level_system(demo: dict[str, Any]) -> None:
    kinds = dict(
        ServiceCenter.objects.values_list("region__kind", "kind").distinct().order_by("region__kind")
    )
    assert kinds == {
        "city": "government_center",
        "county": "government_center",
        "town": "convenience_center",
        "village": "convenience_station",
    }
    assert ServiceCenter.objects.get(name="莆田市行政服务中心").star_rating is None
    rated = ServiceCenter.objects.exclude(kind="government_center")
    assert rated.count() == 12
    assert not rated.filter(star_rating__isnull=True).exists()


# --- items ---------------------------------------------------------------------------------------------


def test_at_least_thirty_items_are_published_and_every_type_is_present(demo: dict[str, Any]) -> None:
    current = list(published_items())
    assert len(current) == len([s for s in ITEMS if s.publish]) >= 30
    assert {v.item_type for v in current} == set(ItemType.values)


def test_every_tag_list_has_a_current_item(demo: dict[str, Any]) -> None:
    counts = {row["code"]: row["count"] for row in tag_counts()}
    assert set(counts) == set(ServiceTagCode.values)
    assert all(n >= 1 for n in counts.values()), counts


def test_every_version_keeps_its_limits_and_steps_consistent(demo: dict[str, Any]) -> None:
    for version in ServiceItemVersion.objects.prefetch_related("steps"):
        assert version.promised_limit_unit == version.legal_limit_unit, version.name
        assert version.promised_limit_amount <= version.legal_limit_amount, version.name
        steps = list(version.steps.all())
        assert steps[0].name == "受理", version.name
        assert all(s.time_unit == version.promised_limit_unit for s in steps), version.name
        assert sum(s.time_amount for s in steps) <= version.promised_limit_amount, version.name
        assert version.form_schema["type"] == "object" and version.form_schema["required"], version.name


def test_codes_follow_the_level_and_the_item_type(demo: dict[str, Any]) -> None:
    for item in ServiceItem.objects.select_related("implementing_body__region"):
        basic = parse_basic_code(item.basic_code)
        assert basic.region == "35"
        assert basic.main_item[:2] == item.implementing_body.guiding_code
        assert item.level == {"province": 2, "city": 3, "county": 4}[item.implementing_body.region.kind]
        for version in item.versions.all():
            assert version.item_type == basic.item_type
            if version.license_type_code:
                assert is_valid_uscc(version.license_type_code[:18])


def test_two_level_pair_differs_exactly_in_the_deliberate_elements(demo: dict[str, Any]) -> None:
    city = _current("food_license_city")
    county = _current("food_license_xianyou")
    assert city.item.basic_code == county.item.basic_code == "350126001000"
    assert (city.item.level, county.item.level) == (3, 4)
    differences = _differences(city, county)
    assert set(differences) == {"name", "promised_limit_amount", "online_depth", "materials"}
    assert differences["name"] == ("食品经营许可", "食品经营许可证核发")
    assert differences["promised_limit_amount"] == (5, 8)
    assert differences["online_depth"] == (4, 3)
    city_materials, county_materials = differences["materials"]
    assert county_materials[:-1] == city_materials
    assert county_materials[-1]["name"] == "经营场所产权证明或者租赁合同"
    assert (city.legal_limit_amount, city.legal_limit_unit) == (10, "workday")


def test_identical_pair_has_no_deviation(demo: dict[str, Any]) -> None:
    chengxiang = _current("individual_business_chengxiang")
    licheng = _current("individual_business_licheng")
    assert chengxiang.item.basic_code == licheng.item.basic_code
    assert chengxiang.item.region.code == "350302"
    assert licheng.item.region.code == "350304"
    assert _differences(chengxiang, licheng) == {}
    assert (chengxiang.handling_type, chengxiang.visits_required, chengxiang.online_depth) == (
        "immediate",
        0,
        4,
    )


def test_main_item_with_two_sub_items(demo: dict[str, Any]) -> None:
    main = _item("real_estate_registration")
    assert main.basic_code == "35071200100Y"
    assert sorted(main.sub_items.values_list("basic_code", flat=True)) == ["350712001001", "350712001002"]
    assert _current("real_estate_first_registration").excluded_from_center is True


def test_item_with_two_published_versions(demo: dict[str, Any]) -> None:
    item = _item("medical_institution_registration")
    history = list(version_history(item))
    assert [(v.number, v.promised_limit_amount) for v in history] == [(2, 10), (1, 20)]
    assert history[1].valid_to == dt.date(2026, 2, 28)
    assert history[0].valid_from == dt.date(2026, 3, 1)
    assert _current("medical_institution_registration").number == 2
    assert current_version(item.implementation_code, today=dt.date(2026, 1, 15)).number == 1  # type: ignore[union-attr]


def test_drafts_are_not_published(demo: dict[str, Any]) -> None:
    # A draft-only item is invisible.
    taxi = _item("taxi_license_draft")
    assert list(taxi.versions.values_list("number", "status")) == [(1, "draft")]
    assert current_version(taxi.implementation_code) is None
    assert not published_items(q="巡游出租汽车").exists()
    # A pending draft does not replace the version in force.
    permit = _item("pollutant_discharge_permit")
    assert sorted(permit.versions.values_list("number", "status", "promised_limit_amount")) == [
        (1, "published", 15),
        (2, "draft", 10),
    ]
    assert _current("pollutant_discharge_permit").number == 1
    assert [v.number for v in published_items(q="排污许可")] == [1]


def test_unclaimed_items_are_left_for_the_claiming_workflow(demo: dict[str, Any]) -> None:
    unclaimed = ServiceItem.objects.filter(claim_status=ServiceItem.ClaimStatus.UNCLAIMED)
    assert sorted(unclaimed.values_list("implementation_code", flat=True)) == sorted(
        _item(key).implementation_code for key in ("employment_registration", "taxi_license_draft")
    )
    claimed = _item("food_license_city")
    assert claimed.claimed_by is not None and claimed.claimed_by.username == "catalog"


def test_demo_forms_keep_their_field_order_on_every_database(demo: dict[str, Any]) -> None:
    # PostgreSQL's jsonb sorts object keys; the x-order list keeps the order the form was written in.
    from haoban.catalog.selectors import form_fields

    keys = [f["name"] for f in form_fields(_current("birth_registration").form_schema)]
    assert keys[:3] == ["applicant_name", "id_number", "phone"]
