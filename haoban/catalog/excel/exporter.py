"""Export of the catalog and the empty template with its 说明 sheet."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from haoban.domain.codes import uscc_check_char

from ..models import ServiceItem, ServiceItemVersion
from ..services import version_content
from .columns import (
    BASIC_HEADER,
    CHILD_COLUMNS,
    CHILD_SHEETS,
    CODE_HEADER,
    HELP_SHEET,
    ITEM_COLUMNS,
    ITEM_SHEET,
    LEVEL_HEADER,
    REGION_HEADER,
    SHEETS,
    USCC_HEADER,
    Column,
    format_cell,
)

# --- export and template -------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")


def _new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, columns in SHEETS.items():
        sheet = workbook.create_sheet(title)
        sheet.append([c.header for c in columns])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            cell = sheet.cell(row=1, column=index)
            cell.font = _HEADER_FONT
            if column.required:
                cell.fill = _REQUIRED_FILL
            sheet.column_dimensions[letter].width = max(12, min(40, len(column.header) * 2 + 4))
            if column.kind in ("choice", "bool"):
                values = ["是", "否"] if column.kind == "bool" else [label for _c, label in column.choices]
                formula = '"' + ",".join(values) + '"'
                if len(formula) <= 255:
                    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
                    validation.add(f"{letter}2:{letter}1048576")
                    sheet.add_data_validation(validation)
    return workbook


def _write_row(sheet: Any, columns: Iterable[Column], values: Mapping[str, Any]) -> None:
    row = [format_cell(c, values.get(c.field or c.header)) for c in columns]
    sheet.append(row)
    for cell, column in zip(sheet[sheet.max_row], columns, strict=False):
        if column.kind == "code":
            cell.number_format = "@"
        if column.kind == "text" and isinstance(cell.value, str) and "\n" in cell.value:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _export_versions(items: QuerySet[ServiceItem]) -> list[ServiceItemVersion]:
    chosen: dict[int, ServiceItemVersion] = {}
    versions = ServiceItemVersion.objects.filter(item__in=items).select_related(
        "item__implementing_body", "item__region"
    )
    for version in versions.order_by("item__implementation_code", "-number"):
        current = chosen.get(version.item_id)
        in_force = version.is_published and version.valid_to is None
        if current is None or (in_force and not (current.is_published and current.valid_to is None)):
            chosen[version.item_id] = version
    return sorted(chosen.values(), key=lambda v: v.item.implementation_code)


def export_workbook(items: QuerySet[ServiceItem] | None = None) -> Workbook:
    """The catalog (or ``items``): for each item its version in force, else its newest version."""
    workbook = _new_workbook()
    versions = _export_versions(items if items is not None else ServiceItem.objects.all())
    for version in versions:
        item = version.item
        content = version_content(version)
        keys = {
            CODE_HEADER: item.implementation_code,
            USCC_HEADER: item.implementing_body.uscc,
            LEVEL_HEADER: item.level,
            BASIC_HEADER: item.basic_code,
        }
        _write_row(workbook[ITEM_SHEET], ITEM_COLUMNS, {**content, **keys, REGION_HEADER: item.region.code})
        for key, sheet in CHILD_SHEETS.items():
            for child in content[key]:
                _write_row(workbook[sheet], CHILD_COLUMNS[key], {**child, **keys})
    return workbook


def export_excel(target: str | Path | IO[bytes], items: QuerySet[ServiceItem] | None = None) -> int:
    """Write the export to a path or binary file; returns the number of items written."""
    workbook = export_workbook(items)
    workbook.save(target)
    return workbook[ITEM_SHEET].max_row - 1


_EXAMPLE_USCC = "11350300MB0000001"
EXAMPLE_CODE = f"{_EXAMPLE_USCC}{uscc_check_char(_EXAMPLE_USCC)}3350112345000"
_EXAMPLE_ITEM: dict[str, Any] = {
    "name": "食品经营许可（新办）",
    "item_type": "01",
    "applicant_kinds": ["2"],
    "conditions": "有与经营的食品品种、数量相适应的经营场所。",
    "review_points": "核对经营场所与申请材料是否一致。",
    "legal_limit_amount": 20,
    "legal_limit_unit": "workday",
    "promised_limit_amount": 5,
    "promised_limit_unit": "workday",
    "extension_amount": 10,
    "max_extensions": 1,
    "handling_type": "promised",
    "visits_required": 1,
    "online_depth": 3,
    "channels": ["pc", "window"],
    "handling_location": "莆田市行政服务中心二楼",
    "office_hours": "工作日 8:00–12:00，14:30–17:30",
    "consultation_phone": "0594-2222222",
    "complaint_phone": "12345",
    "charges_fee": False,
    "pay_before_release": False,
    "result_name": "食品经营许可证",
    "result_type": "licence",
    "license_type": "食品经营许可证",
    "service_tags": ["once", "online"],
}
_EXAMPLE_CHILDREN: dict[str, dict[str, Any]] = {
    "legal_bases": {
        "law": "《中华人民共和国食品安全法》",
        "article": "第三十五条",
        "text": "从事食品经营应当依法取得许可。",
    },
    "materials": {
        "name": "食品经营许可申请书",
        "required": True,
        "originals": 1,
        "copies": 0,
        "format": "both",
        "source": "applicant",
    },
    "steps": {
        "name": "受理",
        "role": "window_clerk",
        "time_amount": 1,
        "time_unit": "workday",
        "description": "核对材料，当场受理。",
    },
    "handling_items": {"code": f"{EXAMPLE_CODE}01", "name": "食品经营许可（新办）"},
}


def template_workbook() -> Workbook:
    """Every header, a 说明 sheet, and one example item (a row in every sheet but 收费项目: it charges no fee)."""
    workbook = _new_workbook()
    keys = {
        CODE_HEADER: EXAMPLE_CODE,
        USCC_HEADER: EXAMPLE_CODE[:18],
        LEVEL_HEADER: 3,
        BASIC_HEADER: EXAMPLE_CODE[19:],
    }
    _write_row(workbook[ITEM_SHEET], ITEM_COLUMNS, {**_EXAMPLE_ITEM, **keys, REGION_HEADER: "350300"})
    for key, example in _EXAMPLE_CHILDREN.items():  # no fee row: the example item charges no fee
        _write_row(workbook[CHILD_SHEETS[key]], CHILD_COLUMNS[key], {**example, **keys})
    help_sheet = workbook.create_sheet(HELP_SHEET, 0)
    help_sheet.append(["工作表", "列", "必填", "允许的值", "说明"])
    for cell in help_sheet[1]:
        cell.font = _HEADER_FONT
    for title, columns in SHEETS.items():
        for column in columns:
            help_sheet.append(
                [title, column.header, "是" if column.required else "", column.allowed(), column.help]
            )
    help_sheet.append([])
    for line in GENERAL_NOTES:
        help_sheet.append([line])
    for letter, width in zip("ABCDE", (12, 26, 6, 60, 60), strict=True):
        help_sheet.column_dimensions[letter].width = width
    return workbook


GENERAL_NOTES = (
    "“事项”表每行一个事项；其余各表每行一条子项，以“实施编码”（或统一社会信用代码 + 行使层级 + 基本编码）指明所属事项，按表中顺序排列。",
    "导入以实施编码为准：新编码新建事项（草稿第 1 版）；已有事项内容与现行版本相同则不变，不同则写入草稿（没有草稿时新建一版）；选择“导入后发布”时发布该版本。",
    "一个事项的子项以表中所列为准：表中没有某事项的行，即该事项没有此类子项。申报材料的空白表格和示例样表不经 Excel 传递，按材料名称沿用现行版本。",
    "可选值可填代码或中文名称；多个值用逗号（, ，、；）分隔；是否类填“是”或“否”；留空的列取默认值。",
    "只要有一行有错，整个文件都不会写入；错误按工作表、行号和列名列出。",
    "示例行的实施主体为虚构部门，导入前请删除或替换。",
)


def write_template(target: str | Path | IO[bytes]) -> None:
    template_workbook().save(target)
