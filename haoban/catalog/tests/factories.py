"""Test builders for regions, departments and service items, shared by every app's tests.

Plain functions over ``haoban.catalog.services`` (the one write path), so a test builds exactly what the
application would: ``make_item(...)`` creates an item with version 1 and publishes it unless told not to.
Every department gets a valid, unique 统一社会信用代码 (USCC).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from typing import Any

from haoban.catalog.models import ServiceItem, ServiceItemVersion
from haoban.catalog.services import item_create, version_publish, version_update
from haoban.domain.codes import uscc_check_char
from haoban.organization.models import Department, Region

_sequence = itertools.count(1)

# 莆田市 and its children (GB/T 2260).
CITY_CODE = "350300"
COUNTY_CODES = {
    "350302": "城厢区",
    "350303": "涵江区",
    "350304": "荔城区",
    "350305": "秀屿区",
    "350322": "仙游县",
}


def make_uscc(region_code: str = CITY_CODE, serial: int | None = None) -> str:
    """A valid USCC: 1 (机关) 1 (机关类别) + 6-digit region + 9-char organisation code + check character."""
    number = next(_sequence) if serial is None else serial
    first17 = f"11{region_code[:6]}MB{number:07d}"
    return first17 + uscc_check_char(first17)


def make_region(
    code: str = CITY_CODE,
    name: str | None = None,
    kind: str | None = None,
    parent: Region | None = None,
) -> Region:
    """A region, created once per code; the kind follows the code length unless given."""
    if kind is None:
        if len(code) == 12:
            kind = Region.Kind.VILLAGE
        elif len(code) == 9:
            kind = Region.Kind.TOWN
        elif code.endswith("0000"):
            kind = Region.Kind.PROVINCE
        elif code.endswith("00"):
            kind = Region.Kind.CITY
        else:
            kind = Region.Kind.COUNTY
    if parent is None and kind == Region.Kind.COUNTY:
        parent = make_region(code[:4] + "00")
    default_name = {CITY_CODE: "莆田市", **COUNTY_CODES}.get(code, f"区划{code}")
    region, created = Region.objects.get_or_create(
        code=code, defaults={"name": name or default_name, "kind": kind, "parent": parent}
    )
    if created:
        region.full_clean()
    return region


def make_department(
    *,
    region: Region | None = None,
    uscc: str | None = None,
    name: str | None = None,
    short_name: str = "",
    phone: str = "",
    address: str = "",
) -> Department:
    region = region or make_region()
    department = Department(
        name=name or f"{region.name}市场监督管理局",
        short_name=short_name,
        uscc=uscc or make_uscc(region.code),
        region=region,
        phone=phone,
        address=address,
    )
    department.full_clean()
    department.save()
    return department


def item_content(item_type: str = "01", **overrides: Any) -> dict[str, Any]:
    """A complete, valid content mapping (every element of seed Art. 7 filled in)."""
    content: dict[str, Any] = {
        "name": "食品经营许可（新办）",
        "item_type": item_type,
        "applicant_kinds": ["2"],
        "conditions": "申请人应当具有与经营的食品品种、数量相适应的经营场所。",
        "review_points": "核对经营场所与申请材料是否一致。",
        "legal_limit_amount": 20,
        "legal_limit_unit": "workday",
        "promised_limit_amount": 5,
        "promised_limit_unit": "workday",
        "handling_type": "promised",
        "visits_required": 1,
        "online_depth": 3,
        "channels": ["pc", "window"],
        "handling_location": "莆田市行政服务中心二楼 12 号窗口",
        "office_hours": "工作日 8:00–12:00，14:30–17:30",
        "consultation_phone": "0594-2222222",
        "complaint_phone": "12345",
        "result_name": "食品经营许可证",
        "result_type": "licence",
        "license_type": "食品经营许可证",
        "legal_bases": [
            {
                "law": "《中华人民共和国食品安全法》",
                "article": "第三十五条",
                "text": "从事食品生产、经营应当依法取得许可。",
            }
        ],
        "materials": [
            {"name": "食品经营许可申请书", "required": True, "originals": 1, "copies": 0, "format": "both"},
            {
                "name": "营业执照",
                "required": True,
                "originals": 0,
                "copies": 0,
                "format": "electronic",
                "source": "e_license",
                "source_reference": "营业执照电子证照",
            },
        ],
        "steps": [
            {"name": "受理", "role": "window_clerk", "time_amount": 1, "time_unit": "workday"},
            {"name": "审查", "role": "reviewer", "time_amount": 3, "time_unit": "workday"},
            {"name": "决定", "role": "department_head", "time_amount": 1, "time_unit": "workday"},
        ],
        "service_tags": ["once", "online"],
    }
    if item_type == "20":
        content["public_service_domain"] = "social_services"
        content["result_type"] = "other"
        content["license_type"] = ""
    content.update(overrides)
    return content


def make_item(
    *,
    department: Department | None = None,
    level: int = 3,
    basic_code: str = "350100100000",
    region: Region | None = None,
    parent: ServiceItem | None = None,
    publish: bool = True,
    valid_from: dt.date | None = None,
    **content_overrides: Any,
) -> ServiceItemVersion:
    """An item with version 1, published on ``valid_from`` (default 2025-01-01) unless ``publish=False``.

    ``content_overrides`` replace keys of :func:`item_content`; the item type follows the basic code.
    """
    department = department or make_department()
    content = item_content(basic_code[2:4], **content_overrides)
    version = item_create(
        implementing_body=department,
        level=level,
        basic_code=basic_code,
        content=content,
        region=region,
        parent=parent,
    )
    if publish:
        version = version_publish(version=version, valid_from=valid_from or dt.date(2025, 1, 1))
    return version


def edit_draft(version: ServiceItemVersion, **content: Any) -> ServiceItemVersion:
    return version_update(version=version, content=content)


def tag_codes(version: ServiceItemVersion) -> list[str]:
    return sorted(version.service_tags.values_list("code", flat=True))


def implementation_codes(versions: Iterable[ServiceItemVersion]) -> list[str]:
    return [v.item.implementation_code for v in versions]
