"""Helpers for the catalog tests of the admin, the services and the Excel import/export.

Plain functions (not factory_boy) so that each test states exactly the content it relies on.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from openpyxl import Workbook

from haoban.catalog.models import ServiceItemVersion
from haoban.catalog.services import item_create, version_publish
from haoban.domain.codes import uscc_check_char
from haoban.organization.models import Department, Region

BASIC_CODE = "350112345000"  # 35 区划 + 01 行政许可 + 12345 主项 + 000 无子项


def uscc(first17: str) -> str:
    """A valid 统一社会信用代码 from its first 17 characters."""
    return first17 + uscc_check_char(first17)


def make_region(code: str = "350300", name: str = "莆田市", kind: str = Region.Kind.CITY) -> Region:
    region, _ = Region.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
    return region


def make_department(
    first17: str = "11350300MB0000001", name: str = "莆田市市场监督管理局", region: Region | None = None
) -> Department:
    department, _ = Department.objects.get_or_create(
        uscc=uscc(first17), defaults={"name": name, "region": region or make_region()}
    )
    return department


def make_user(username: str = "admin", *, superuser: bool = True) -> Any:
    user_model = get_user_model()
    if superuser:
        return user_model.objects.create_superuser(username=username, password="pw-Haoban-2025")
    return user_model.objects.create_user(username=username, password="pw-Haoban-2025")


def valid_content(**overrides: Any) -> dict[str, Any]:
    """A complete, valid content mapping of a licensing item (事项类型 01)."""
    content: dict[str, Any] = {
        "name": "食品经营许可",
        "item_type": "01",
        "applicant_kinds": ["2"],
        "conditions": "有与经营的食品品种、数量相适应的经营场所。",
        "review_points": "核对经营场所与设备。",
        "legal_limit_amount": 20,
        "legal_limit_unit": "workday",
        "promised_limit_amount": 5,
        "promised_limit_unit": "workday",
        "handling_type": "promised",
        "visits_required": 1,
        "online_depth": 3,
        "channels": ["pc", "window"],
        "handling_location": "莆田市行政服务中心二楼",
        "consultation_phone": "0594-2222222",
        "result_name": "食品经营许可证",
        "result_type": "licence",
        "license_type": "食品经营许可证",
        "legal_bases": [
            {
                "law": "《中华人民共和国食品安全法》",
                "article": "第三十五条",
                "text": "从事食品经营应当依法取得许可。",
            }
        ],
        "materials": [
            {"name": "食品经营许可申请书", "required": True, "originals": 1, "copies": 0},
            {"name": "营业执照", "required": True, "source": "e_license", "source_reference": "营业执照"},
        ],
        "steps": [
            {"name": "受理", "role": "window_clerk", "time_amount": 1},
            {"name": "审查", "role": "reviewer", "time_amount": 3},
            {"name": "决定", "role": "department_head", "time_amount": 1},
        ],
        "service_tags": ["once", "online"],
    }
    content.update(overrides)
    return content


def make_item(
    *,
    department: Department | None = None,
    level: int = 3,
    basic_code: str = BASIC_CODE,
    content: Mapping[str, Any] | None = None,
    publish: bool = False,
) -> ServiceItemVersion:
    version = item_create(
        implementing_body=department or make_department(),
        level=level,
        basic_code=basic_code,
        content=valid_content() if content is None else content,
    )
    if publish:
        version = version_publish(version=version)
    return version


def xlsx_bytes(sheets: Mapping[str, Iterable[Iterable[Any]]]) -> bytes:
    """An .xlsx file with the given sheets (rows of cell values), in order."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
