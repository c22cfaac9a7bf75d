"""Organization API: regions, departments and service centers, with exact filter results."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from haoban.catalog.tests.factories import make_department, make_region
from haoban.organization.models import Region, ServiceCenter

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions() -> dict[str, Region]:
    province = make_region("350000", name="福建省", kind=Region.Kind.PROVINCE)
    city = make_region("350300", parent=province)
    county = make_region("350302", parent=city)
    other_county = make_region("350303", parent=city)
    town = make_region("350302001", name="龙桥街道", parent=county)
    village = make_region("350302001001", name="龙桥社区", parent=town)
    return {
        "province": province,
        "city": city,
        "county": county,
        "other": other_county,
        "town": town,
        "village": village,
    }


def _get(path: str) -> dict:
    response = APIClient().get(path)
    assert response.status_code == 200, response.content
    return response.json()


def test_regions(regions: dict[str, Region]) -> None:
    data = _get("/api/v1/regions/")

    assert data["count"] == 6
    assert data["results"][2] == {
        "code": "350302",
        "name": "城厢区",
        "kind": "county",
        "parent": "350300",
        "is_management_committee": False,
    }
    assert data["results"][0]["parent"] is None
    assert [r["code"] for r in _get("/api/v1/regions/?kind=county")["results"]] == ["350302", "350303"]
    assert [r["code"] for r in _get("/api/v1/regions/?parent=350300")["results"]] == ["350302", "350303"]
    assert [r["code"] for r in _get("/api/v1/regions/?parent=350302&kind=town")["results"]] == ["350302001"]
    assert _get("/api/v1/regions/?kind=nothing")["count"] == 0


def test_departments(regions: dict[str, Region]) -> None:
    city = make_department(region=regions["city"], name="莆田市市场监督管理局", phone="0594-1")
    county = make_department(region=regions["county"], name="城厢区民政局")
    make_department(region=regions["other"], name="涵江区民政局")

    data = _get("/api/v1/departments/")

    assert [d["name"] for d in data["results"]] == ["莆田市市场监督管理局", "城厢区民政局", "涵江区民政局"]
    assert data["results"][0] == {
        "uscc": city.uscc,
        "name": "莆田市市场监督管理局",
        "short_name": "",
        "region": "350300",
        "region_name": "莆田市",
        "phone": "0594-1",
        "address": "",
    }
    assert [d["uscc"] for d in _get("/api/v1/departments/?region=350302")["results"]] == [county.uscc]
    assert _get("/api/v1/departments/?region=350300")["count"] == 3  # the city and everything below it
    assert _get("/api/v1/departments/?region=999999")["count"] == 0


def test_service_centers(regions: dict[str, Region]) -> None:
    for name, kind, region, stars in [
        ("城厢区政务服务中心", ServiceCenter.Kind.GOVERNMENT_CENTER, regions["county"], None),
        ("龙桥街道便民服务中心", ServiceCenter.Kind.CONVENIENCE_CENTER, regions["town"], 4),
        ("龙桥社区便民服务站", ServiceCenter.Kind.CONVENIENCE_STATION, regions["village"], 3),
        ("涵江区政务服务中心", ServiceCenter.Kind.GOVERNMENT_CENTER, regions["other"], None),
    ]:
        center = ServiceCenter(name=name, kind=kind, region=region, star_rating=stars)
        center.full_clean()
        center.save()

    data = _get("/api/v1/service-centers/?region=350302")

    assert [c["name"] for c in data["results"]] == [
        "城厢区政务服务中心",
        "龙桥街道便民服务中心",
        "龙桥社区便民服务站",
    ]
    assert data["results"][1] == {
        "name": "龙桥街道便民服务中心",
        "kind": "convenience_center",
        "region": "350302001",
        "region_name": "龙桥街道",
        "address": "",
        "phone": "",
        "office_hours": "",
        "star_rating": 4,
    }
    assert [c["name"] for c in _get("/api/v1/service-centers/?kind=government_center")["results"]] == [
        "城厢区政务服务中心",
        "涵江区政务服务中心",
    ]
