"""Helpers for the catalog tests of the services, the admin and the Excel import/export, on top of
``factories``: a fixed department (so that two calls name the same implementing body), an unpublished
item by default, a superuser, and .xlsx files built in memory."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from openpyxl import Workbook

from haoban.catalog.models import ServiceItemVersion
from haoban.catalog.services import item_create, version_publish
from haoban.domain.codes import uscc_check_char
from haoban.organization.models import Department

from . import factories

BASIC_CODE = "350112345000"  # 35 区划 + 01 行政许可 + 12345 主项 + 000 无子项
make_region = factories.make_region


def make_department(first17: str = "11350300MB0000001", name: str = "莆田市市场监督管理局") -> Department:
    """The department with this USCC (first 17 characters + check character), created on first use."""
    uscc = first17 + uscc_check_char(first17)
    return Department.objects.filter(uscc=uscc).first() or factories.make_department(uscc=uscc, name=name)


def make_user(username: str = "admin") -> Any:
    return get_user_model().objects.create_superuser(username=username, password="pw-Haoban-2025")


def valid_content(**overrides: Any) -> dict[str, Any]:
    """A complete, valid content mapping of a licensing item (事项类型 01) named 食品经营许可."""
    content = factories.item_content("01", name="食品经营许可")
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
    """Version 1 of an item of :func:`make_department`, a draft unless ``publish``."""
    version = item_create(
        implementing_body=department or make_department(),
        level=level,
        basic_code=basic_code,
        content=valid_content() if content is None else content,
    )
    return version_publish(version=version) if publish else version


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
