"""Public catalog API: current published items, filters, versions, guides; drafts are never shown."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from haoban.catalog import selectors
from haoban.catalog.api.schema import GuideOutputSerializer
from haoban.catalog.services import version_create_draft, version_publish, version_update

from .api_helpers import NOW, TODAY, anonymous_client
from .factories import make_department, make_item, make_region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["implementation_code"] for row in response.json()["results"]]


def test_list_shows_current_published_items_only() -> None:
    # given
    published = make_item(name="甲事项", basic_code="350100100000")
    make_item(name="乙事项", basic_code="350100200000", publish=False)
    hidden_draft = version_create_draft(item=published.item)
    version_update(version=hidden_draft, content={"name": "甲事项草稿名"})
    make_item(name="丁事项", basic_code="350100400000", valid_from=dt.date(2025, 7, 1))  # not yet in force
    item = published.item
    body = item.implementing_body

    # when
    response = anonymous_client().get("/api/v1/items/")

    # then
    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "implementation_code": item.implementation_code,
                "basic_code": "350100100000",
                "name": "甲事项",
                "item_type": "01",
                "public_service_domain": "",
                "level": 3,
                "implementing_body": {"uscc": body.uscc, "name": "莆田市市场监督管理局", "short_name": ""},
                "region": {"code": "350300", "name": "莆田市"},
                "version": 1,
                "valid_from": "2025-01-01",
                "handling_type": "promised",
                "promised_limit_amount": 5,
                "promised_limit_unit": "workday",
                "visits_required": 1,
                "online_depth": 3,
                "service_tags": ["once", "online"],
            }
        ],
    }


def test_filters_return_exactly_the_matching_items() -> None:
    # given
    city = make_region("350300")
    county = make_region("350302", parent=city)
    town = make_region("350302001", name="龙桥街道", parent=county)
    city_dept = make_department(region=city)
    county_dept = make_department(region=county, name="城厢区民政局")
    a = make_item(
        department=city_dept, level=3, basic_code="350100100000", name="食品经营许可", service_tags=["once"]
    )
    b = make_item(
        department=county_dept,
        level=4,
        basic_code="352000500000",
        name="最低生活保障申请",
        service_tags=["online", "nearby"],
    )
    c = make_item(
        department=county_dept,
        level=5,
        basic_code="352000600000",
        region=town,
        name="临时救助申请",
        service_tags=["nearby"],
    )
    code_a, code_b, code_c = (v.item.implementation_code for v in (a, b, c))
    client = anonymous_client()

    def codes(query: str) -> list[str]:
        return _codes(client.get(f"/api/v1/items/?{query}"))

    # then
    assert codes("") == sorted([code_a, code_b, code_c])
    assert codes(f"department={city_dept.uscc}") == [code_a]
    assert codes(f"department={county_dept.uscc.lower()}") == sorted([code_b, code_c])
    assert codes("item_type=20") == sorted([code_b, code_c])
    assert codes("level=5") == [code_c]
    assert codes("level=abc") == []
    assert codes("tag=nearby") == sorted([code_b, code_c])
    assert codes("tag=commitment") == []
    assert codes("region=350302") == sorted([code_b, code_c])
    assert codes("region=350302001") == [code_c]
    assert codes("region=999999") == []
    assert codes("q=救助") == [code_c]
    assert codes("q=zdsh") == [code_b]  # pinyin initials of 最低生活保障
    assert codes("region=350302&tag=nearby&level=4") == [code_b]


def test_list_is_paginated() -> None:
    codes = sorted(
        make_item(basic_code=f"3501001{n}0000", name=f"事项{n}").item.implementation_code for n in range(3)
    )
    client = anonymous_client()

    first = client.get("/api/v1/items/?page_size=2").json()
    second = client.get("/api/v1/items/?page_size=2&page=2").json()

    assert first["count"] == 3
    assert [r["implementation_code"] for r in first["results"]] == codes[:2]
    assert first["next"] == "http://testserver/api/v1/items/?page=2&page_size=2"
    assert [r["implementation_code"] for r in second["results"]] == codes[2:]
    assert second["next"] is None
    assert client.get("/api/v1/items/?page=9").status_code == 404


def test_detail_has_every_element_of_the_current_version() -> None:
    # given
    version = make_item(
        charges_fee=True,
        fees=[{"name": "工本费", "basis": "某收费文件", "standard": "每件 10 元", "amount": "10.00"}],
        form_schema={"type": "object", "properties": {"shop": {"type": "string", "title": "店名"}}},
        handling_items=[],
    )
    item = version.item
    version_publish(
        version=version_update(
            version=version_create_draft(item=item),
            content={"handling_items": [{"code": item.implementation_code + "01", "name": "新办"}]},
        ),
        valid_from=dt.date(2025, 3, 1),
        change_note="增加业务办理项",
    )

    # when
    response = anonymous_client().get(f"/api/v1/items/{item.implementation_code}/")

    # then
    assert response.status_code == 200
    data = response.json()
    assert {k: data[k] for k in ("version", "status", "valid_from", "valid_to", "change_note", "parent")} == {
        "version": 2,
        "status": "published",
        "valid_from": "2025-03-01",
        "valid_to": None,
        "change_note": "增加业务办理项",
        "parent": None,
    }
    assert data["legal_bases"] == [
        {
            "law": "《中华人民共和国食品安全法》",
            "article": "第三十五条",
            "text": "从事食品生产、经营应当依法取得许可。",
        }
    ]
    assert data["materials"][1] == {
        "name": "营业执照",
        "required": True,
        "originals": 0,
        "copies": 0,
        "format": "electronic",
        "source": "e_license",
        "source_reference": "营业执照电子证照",
        "notes": "",
        "blank_form_url": "",
        "sample_url": "",
    }
    assert [s["name"] for s in data["steps"]] == ["受理", "审查", "决定"]
    assert data["fees"] == [
        {"name": "工本费", "basis": "某收费文件", "standard": "每件 10 元", "amount": "10.00"}
    ]
    assert data["handling_items"] == [{"code": item.implementation_code + "01", "name": "新办"}]
    assert data["form_schema"] == {
        "type": "object",
        "properties": {"shop": {"type": "string", "title": "店名"}},
    }
    assert data["service_tags"] == ["once", "online"]
    assert data["charges_fee"] is True


def test_versions_history_and_one_version() -> None:
    # given: version 1, version 2 published on 2025-03-01, and a draft version 3
    v1 = make_item(name="旧名称")
    item = v1.item
    v2 = version_update(version=version_create_draft(item=item), content={"name": "新名称"})
    version_publish(version=v2, valid_from=dt.date(2025, 3, 1), change_note="更名")
    version_create_draft(item=item)
    client = anonymous_client()

    # when
    history = client.get(f"/api/v1/items/{item.implementation_code}/versions/")
    old = client.get(f"/api/v1/items/{item.implementation_code}/versions/1/")
    draft = client.get(f"/api/v1/items/{item.implementation_code}/versions/3/")

    # then
    assert history.status_code == 200
    assert [
        (r["version"], r["name"], r["valid_from"], r["valid_to"], r["change_note"])
        for r in history.json()["results"]
    ] == [(2, "新名称", "2025-03-01", None, "更名"), (1, "旧名称", "2025-01-01", "2025-02-28", "")]
    assert old.status_code == 200
    assert (old.json()["version"], old.json()["name"], old.json()["valid_to"]) == (1, "旧名称", "2025-02-28")
    assert draft.status_code == 404
    assert draft.json() == {"code": "not_found", "message": "未找到该对象。", "fields": {}}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/items/{code}/",
        "/api/v1/items/{code}/versions/",
        "/api/v1/items/{code}/versions/1/",
        "/api/v1/guides/{code}/",
    ],
)
def test_draft_only_and_unknown_items_are_not_found(path: str) -> None:
    draft = make_item(publish=False)
    client = anonymous_client()

    for code in (draft.item.implementation_code, "11350300MB0000001C3350100999000"):
        response = client.get(path.format(code=code))
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": "未找到该对象。", "fields": {}}


def test_guide_is_guide_data_of_the_current_version() -> None:
    version = make_item()
    code = version.item.implementation_code

    response = anonymous_client().get(f"/api/v1/guides/{code}/")

    assert response.status_code == 200
    expected = selectors.guide_data(selectors.current_version(code))
    assert response.json() == expected
    assert response.json()["promised_limit"]["text"] == "5 个工作日"
    # the OpenAPI description documents exactly these keys
    assert sorted(GuideOutputSerializer().fields) == sorted(expected)


def test_today_is_used_for_what_is_current() -> None:
    make_item(name="甲事项", valid_from=TODAY + dt.timedelta(days=1))
    client = anonymous_client()

    assert client.get("/api/v1/items/").json()["count"] == 0
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        assert client.get("/api/v1/items/").json()["count"] == 1
