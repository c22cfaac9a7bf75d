"""POST /api/v1/items/: a catalog manager registers an item with its first draft."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from haoban.catalog.models import ServiceItem, ServiceItemVersion
from haoban.organization.models import Department

from .api_helpers import NOW, anonymous_client, catalog_counts, manager_client
from .factories import item_content, make_department, make_item, make_region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def department() -> Department:
    return make_department(region=make_region("350302"), name="城厢区市场监督管理局")


def _body(department: Department, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "implementing_body": department.uscc,
        "level": 4,
        "basic_code": "350100100000",
        "content": item_content(),
    }
    body.update(overrides)
    return body


def test_creates_the_item_and_a_draft_version_1(department: Department) -> None:
    # when
    response = manager_client().post("/api/v1/items/", _body(department), format="json")

    # then
    assert response.status_code == 201
    code = f"{department.uscc}4350100100000"
    assert response.headers["Location"] == f"/api/v1/items/{code}/draft/"
    data = response.json()
    assert {
        k: data[k] for k in ("implementation_code", "basic_code", "level", "version", "status", "valid_from")
    } == {
        "implementation_code": code,
        "basic_code": "350100100000",
        "level": 4,
        "version": 1,
        "status": "draft",
        "valid_from": None,
    }
    assert data["region"] == {"code": "350302", "name": "城厢区"}
    assert data["name"] == "食品经营许可（新办）"
    assert [m["name"] for m in data["materials"]] == ["食品经营许可申请书", "营业执照"]
    assert data["service_tags"] == ["once", "online"]
    item = ServiceItem.objects.get(implementation_code=code)
    assert list(item.versions.values_list("number", "status")) == [(1, "draft")]
    assert item.implementing_body == department
    # a draft is not public
    assert anonymous_client().get(f"/api/v1/items/{code}/").status_code == 404


def test_region_and_parent(department: Department) -> None:
    town = make_region("350302001", name="龙桥街道", parent=department.region)
    parent = make_item(department=department, level=4, basic_code="35010020000Y").item

    response = manager_client().post(
        "/api/v1/items/",
        _body(department, basic_code="350100200001", region="350302001", parent=parent.implementation_code),
        format="json",
    )

    assert response.status_code == 201, response.json()
    item = ServiceItem.objects.get(implementation_code=response.json()["implementation_code"])
    assert (item.region, item.parent) == (town, parent)
    assert response.json()["parent"] == parent.implementation_code


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"content": item_content(promised_limit_amount=30)},
            {
                "code": "invalid",
                "message": "content.promised_limit_amount：承诺时限（30）不得超过法定时限（20）",
                "fields": {"content.promised_limit_amount": ["承诺时限（30）不得超过法定时限（20）"]},
            },
        ),
        (
            {
                "content": item_content(
                    materials=[{"name": "申请书"}, {"name": "", "originals": -1}],
                )
            },
            {
                "code": "invalid",
                "message": "content.materials[1].name：该字段不能为空。",
                "fields": {
                    "content.materials[1].name": ["该字段不能为空。"],
                    "content.materials[1].originals": ["请确保该值大于或者等于 0。"],
                },
            },
        ),
        (
            {"content": item_content(steps=[{"name": "审查", "role": "reviewer"}])},
            {
                "code": "invalid",
                "message": "content.steps：办理流程应包含“受理”环节",
                "fields": {"content.steps": ["办理流程应包含“受理”环节"]},
            },
        ),
        (
            {"content": item_content(item_type="07")},
            {
                "code": "invalid",
                "message": "content.item_type：事项类型应与基本编码第 3–4 位“01”一致",
                "fields": {"content.item_type": ["事项类型应与基本编码第 3–4 位“01”一致"]},
            },
        ),
        (
            {"content": {"name": "只有名称"}},
            {
                "code": "invalid",
                "message": "content.item_type：该字段是必填项。",
                "fields": {
                    "content.item_type": ["该字段是必填项。"],
                    "content.legal_limit_amount": ["该字段是必填项。"],
                    "content.promised_limit_amount": ["该字段是必填项。"],
                    "content.handling_type": ["该字段是必填项。"],
                },
            },
        ),
        (
            {"basic_code": "351100100000"},
            {
                "code": "invalid",
                "message": "basic_code：基本编码第 3–4 位（事项类型）“11”不是 GB/T 39046 规定的事项类型代码",
                "fields": {
                    "basic_code": ["基本编码第 3–4 位（事项类型）“11”不是 GB/T 39046 规定的事项类型代码"]
                },
            },
        ),
        (
            {"level": 9},
            {
                "code": "invalid",
                "message": "level：“9” 不是合法选项。",
                "fields": {"level": ["“9” 不是合法选项。"]},
            },
        ),
        (
            {"implementing_body": "91350300MA0000000X"},
            {
                "code": "invalid",
                "message": "implementing_body：未找到统一社会信用代码为 91350300MA0000000X 的部门",
                "fields": {"implementing_body": ["未找到统一社会信用代码为 91350300MA0000000X 的部门"]},
            },
        ),
        (
            {"region": "350399"},
            {
                "code": "invalid",
                "message": "region：未找到行政区划 350399",
                "fields": {"region": ["未找到行政区划 350399"]},
            },
        ),
        (
            {"parent": "11350300MB0000001C3350100999000"},
            {
                "code": "invalid",
                "message": "parent：未找到实施编码为 11350300MB0000001C3350100999000 的主项",
                "fields": {"parent": ["未找到实施编码为 11350300MB0000001C3350100999000 的主项"]},
            },
        ),
    ],
    ids=[
        "promised-over-legal",
        "material-fields",
        "no-acceptance-step",
        "item-type-vs-code",
        "missing-required",
        "basic-code",
        "level",
        "unknown-department",
        "unknown-region",
        "unknown-parent",
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_written(
    department: Department, overrides: dict[str, Any], expected: dict[str, Any]
) -> None:
    before = catalog_counts()

    response = manager_client().post("/api/v1/items/", _body(department, **overrides), format="json")

    assert response.status_code == 400
    assert response.json() == expected
    assert catalog_counts() == before


def test_malformed_json_is_a_400(department: Department) -> None:
    before = catalog_counts()

    response = manager_client().post("/api/v1/items/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert catalog_counts() == before


def test_form_encoded_bodies_are_not_accepted(department: Department) -> None:
    response = manager_client().post("/api/v1/items/", {"level": "3"})

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_existing_implementation_code_is_a_conflict(department: Department) -> None:
    client = manager_client()
    client.post("/api/v1/items/", _body(department), format="json")
    before = catalog_counts()

    response = client.post("/api/v1/items/", _body(department), format="json")

    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": f"实施编码 {department.uscc}4350100100000 已存在",
        "fields": {},
    }
    assert catalog_counts() == before


def test_idempotency_key_replays_the_creation(department: Department) -> None:
    client = manager_client()

    first = client.post("/api/v1/items/", _body(department), format="json", HTTP_IDEMPOTENCY_KEY="create-1")
    retry = client.post("/api/v1/items/", _body(department), format="json", HTTP_IDEMPOTENCY_KEY="create-1")
    other = client.post(
        "/api/v1/items/", _body(department, level=3), format="json", HTTP_IDEMPOTENCY_KEY="create-1"
    )

    assert (first.status_code, retry.status_code, other.status_code) == (201, 201, 409)
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert other.json()["code"] == "idempotency_key_reused"
    assert ServiceItem.objects.count() == 1
    assert ServiceItemVersion.objects.count() == 1


def test_a_rejected_creation_does_not_consume_the_key(department: Department) -> None:
    client = manager_client()
    bad = _body(department, content=item_content(promised_limit_amount=30))

    assert client.post("/api/v1/items/", bad, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 400
    good = client.post("/api/v1/items/", _body(department), format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert good.status_code == 201
    assert ServiceItem.objects.count() == 1
