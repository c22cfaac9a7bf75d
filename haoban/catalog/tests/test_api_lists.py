"""Public lists: the 16 service lists with counts, the items of one list, the 五级十五同 audit."""

from __future__ import annotations

import pytest
import time_machine

from haoban.catalog.api.schema import StandardsAuditOutputSerializer
from haoban.catalog.audit import audit_standards, to_json
from haoban.catalog.models import ServiceTagCode

from .api_helpers import NOW, anonymous_client
from .factories import make_department, make_item, make_region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_service_lists_in_article_order_with_counts() -> None:
    make_item(basic_code="350100100000", service_tags=["once", "online"])
    make_item(basic_code="350100200000", service_tags=["once"])
    make_item(basic_code="350100300000", service_tags=["once"], publish=False)  # drafts are not counted

    response = anonymous_client().get("/api/v1/service-lists/")

    assert response.status_code == 200
    rows = response.json()
    assert [r["code"] for r in rows] == list(ServiceTagCode.values)
    assert rows[0] == {
        "code": "immediate",
        "name": "马上办",
        "description": "即来即办、当场办结的事项。",
        "count": 0,
    }
    assert {r["code"]: r["count"] for r in rows if r["count"]} == {"once": 2, "online": 1}


def test_items_of_one_service_list() -> None:
    a = make_item(basic_code="350100100000", service_tags=["once", "online"])
    make_item(basic_code="350100200000", service_tags=["once"])
    client = anonymous_client()

    online = client.get("/api/v1/service-lists/online/items/")
    unknown = client.get("/api/v1/service-lists/nothing/items/")

    assert online.status_code == 200
    assert online.json()["count"] == 1
    assert [r["implementation_code"] for r in online.json()["results"]] == [a.item.implementation_code]
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "not_found"


def test_standards_audit_is_the_audit_json() -> None:
    # given: the same basic code at city and county level, with different promised limits
    city = make_department(region=make_region("350300"))
    county = make_department(region=make_region("350302"), name="城厢区市场监督管理局")
    make_item(department=city, level=3, basic_code="350100100000")
    make_item(department=county, level=4, basic_code="350100100000", promised_limit_amount=3)

    response = anonymous_client().get("/api/v1/standards/audit/")

    assert response.status_code == 200
    data = response.json()
    assert data == to_json(audit_standards())
    assert data["summary"]["group_count"] == 1
    assert data["summary"]["deviating_group_count"] == 1
    assert [d["element"] for d in data["groups"][0]["deviations"]] == ["promised_limit"]
    # the OpenAPI description documents exactly these keys
    assert sorted(StandardsAuditOutputSerializer().fields) == sorted(data)
    group_fields = StandardsAuditOutputSerializer().fields["groups"].child.fields
    assert sorted(group_fields) == sorted(data["groups"][0])
