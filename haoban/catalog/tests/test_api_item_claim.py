"""POST /api/v1/items/{code}/claim/: the implementing department claims its item (认领, Art. 8)."""

from __future__ import annotations

import pytest
import time_machine

from haoban.catalog.models import ServiceItem, ServiceItemVersion

from .api_helpers import NOW, manager_client
from .factories import make_department, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _path(version: ServiceItemVersion) -> str:
    return f"/api/v1/items/{version.item.implementation_code}/claim/"


def _claim(item: ServiceItem) -> tuple[str, object]:
    item.refresh_from_db()
    return item.claim_status, item.claimed_at


def test_claim() -> None:
    version = make_item()
    uscc = version.item.implementing_body.uscc

    response = manager_client().post(_path(version), {"department": uscc.lower()}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "implementation_code": version.item.implementation_code,
        "claim_status": "claimed",
        "claimed_at": "2025-06-01T10:00:00+08:00",
        "department": uscc,
    }
    assert ServiceItem.objects.get(pk=version.item_id).claimed_by.username == "manager"


def test_claim_twice_is_a_conflict() -> None:
    version = make_item()
    client = manager_client()
    body = {"department": version.item.implementing_body.uscc}
    client.post(_path(version), body, format="json")

    response = client.post(_path(version), body, format="json")

    assert response.status_code == 409
    assert response.json() == {"code": "conflict", "message": "该事项已被认领", "fields": {}}


def test_another_department_may_not_claim() -> None:
    version = make_item()
    other = make_department(name="莆田市民政局")

    response = manager_client().post(_path(version), {"department": other.uscc}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "department：只能认领本部门作为实施主体的事项",
        "fields": {"department": ["只能认领本部门作为实施主体的事项"]},
    }
    assert _claim(version.item) == ("unclaimed", None)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"department": ["该字段是必填项。"]}),
        (
            {"department": "91350300MA0000000X"},
            {"department": ["未找到统一社会信用代码为 91350300MA0000000X 的部门"]},
        ),
    ],
)
def test_missing_or_unknown_department_is_a_400(body: dict[str, str], fields: dict[str, list[str]]) -> None:
    version = make_item()

    response = manager_client().post(_path(version), body, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == fields
    assert _claim(version.item) == ("unclaimed", None)
