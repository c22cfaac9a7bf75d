"""Import: read every sheet, check every row through the services, write all or nothing."""

from __future__ import annotations

import contextlib
import io
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models.fields.files import FieldFile
from openpyxl import load_workbook

from haoban.domain.codes import CodeError, build_implementation_code, validate_uscc
from haoban.organization.models import Department, Region

from ..models import ServiceItem, ServiceItemVersion
from ..services import (
    CHILD_MODELS,
    CatalogError,
    item_create,
    version_content,
    version_create_draft,
    version_publish,
    version_update,
)
from .columns import (
    BASIC_HEADER,
    CHILD_COLUMNS,
    CHILD_KEY_COLUMNS,
    CHILD_SHEETS,
    CODE_HEADER,
    FILE_FIELDS,
    HEADER_BY_FIELD,
    ITEM_COLUMNS,
    ITEM_KEY_COLUMNS,
    ITEM_SHEET,
    LEVEL_HEADER,
    REGION_HEADER,
    SHEETS,
    USCC_HEADER,
    CellError,
    cell_text,
    field_default,
    parse_cell,
)

# --- errors and report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem of an import, located as precisely as it can be (sheet, Excel row, column header)."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        where = f"“{self.sheet}”表" if self.sheet else ""
        if self.row is not None:
            where += f"第 {self.row} 行"
        if self.column:
            where += f"“{self.column}”"
        return f"{where}：{self.message}" if where else self.message


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    published: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return f"导入失败，未写入任何数据：共 {len(self.errors)} 处错误"
        prefix = "试导入（未写入）" if self.dry_run else "导入完成"
        return (
            f"{prefix}：新建 {self.created} 个事项，更新 {self.updated} 个，未变化 {self.unchanged} 个，"
            f"发布 {self.published} 个版本"
        )

    def text(self) -> str:
        return "\n".join([self.summary(), *(str(e) for e in self.errors)]) + "\n"


class WorkbookError(Exception):
    """The file cannot be read as a catalog workbook (not xlsx, a sheet or a column missing)."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


# --- reading the workbook ------------------------------------------------------------------------------


@dataclass
class Row:
    sheet: str
    number: int
    cells: dict[str, Any]


def _read_sheets(source: str | Path | IO[bytes] | bytes) -> dict[str, list[Row]]:
    # Read the bytes ourselves: openpyxl refuses a path whose extension is not .xlsx even when the content is.
    if isinstance(source, str | Path):
        source = Path(source).read_bytes()
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises zipfile, KeyError, InvalidFileException … on bad input
        raise WorkbookError(
            [RowError("文件不是有效的 Excel 工作簿（.xlsx）；.xls 等格式请先另存为 .xlsx")]
        ) from None
    errors: list[RowError] = []
    sheets: dict[str, list[Row]] = {}
    try:
        for title, columns in SHEETS.items():
            if title not in workbook.sheetnames:
                errors.append(RowError(f"缺少工作表“{title}”"))
                continue
            rows = workbook[title].iter_rows(values_only=True)
            header = [cell_text(h) for h in next(rows, ())]
            expected = [c.header for c in columns]
            missing = [h for h in expected if h not in header]
            unknown = [h for h in header if h and h not in expected]
            errors += [RowError(f"缺少列“{h}”", title, 1) for h in missing]
            errors += [RowError(f"未知的列“{h}”", title, 1) for h in unknown]
            if missing or unknown:
                continue
            index = {h: header.index(h) for h in expected}
            sheets[title] = [
                Row(title, number, {h: values[i] if i < len(values) else None for h, i in index.items()})
                for number, values in enumerate(rows, start=2)
                if any(cell_text(v) for v in values)
            ]
    finally:
        workbook.close()
    if errors:
        raise WorkbookError(errors)
    return sheets


# --- import --------------------------------------------------------------------------------------------


@dataclass
class ItemRow:
    row: Row
    code: str = ""
    department: Department | None = None
    level: int = 0
    basic_code: str = ""
    region: Region | None = None
    content: dict[str, Any] = field(default_factory=dict)
    # service error keys whose cell could not be read: their service errors would repeat the message
    failed: set[str] = field(default_factory=set)
    child_rows: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    ok: bool = True


def _raw_key(row: Row) -> str | None:
    """The 实施编码 a row names, as typed: the code itself, or USCC + level + basic code."""
    code = cell_text(row.cells[CODE_HEADER]).upper()
    if code:
        return code
    parts = [cell_text(row.cells[h]).upper() for h in (USCC_HEADER, LEVEL_HEADER, BASIC_HEADER)]
    if not all(parts):
        return None
    with contextlib.suppress(CellError):
        parts[1] = str(parse_cell(ITEM_KEY_COLUMNS[2], parts[1]))
    return "".join(parts)


def _parse_item_keys(item: ItemRow, errors: list[RowError]) -> None:
    row = item.row

    def fail(column: str, message: str) -> None:
        errors.append(RowError(message, row.sheet, row.number, column))
        item.ok = False

    uscc = cell_text(row.cells[USCC_HEADER]).upper()
    if not uscc:
        fail(USCC_HEADER, "此字段不能为空。")
    else:
        try:
            validate_uscc(uscc)
            item.department = Department.objects.filter(uscc=uscc).select_related("region").first()
            if item.department is None:
                fail(USCC_HEADER, f"未找到统一社会信用代码为 {uscc} 的部门")
        except CodeError as exc:
            fail(USCC_HEADER, str(exc))
    try:
        item.level = parse_cell(ITEM_KEY_COLUMNS[2], row.cells[LEVEL_HEADER], 0)
        if not item.level:
            fail(LEVEL_HEADER, "此字段不能为空。")
    except CellError as exc:
        fail(LEVEL_HEADER, str(exc))
    item.basic_code = cell_text(row.cells[BASIC_HEADER]).upper()
    if not item.basic_code:
        fail(BASIC_HEADER, "此字段不能为空。")
    if item.ok:
        try:
            item.code = build_implementation_code(uscc, item.level, item.basic_code)
        except CodeError as exc:
            fail(BASIC_HEADER, str(exc))
    given = cell_text(row.cells[CODE_HEADER]).upper()
    if item.ok and given and given != item.code:
        fail(CODE_HEADER, f"实施编码与统一社会信用代码、行使层级、基本编码不一致（应为 {item.code}）")
    region_code = cell_text(row.cells[REGION_HEADER])
    if region_code:
        item.region = Region.objects.filter(code=region_code).first()
        if item.region is None:
            fail(REGION_HEADER, f"未找到代码为 {region_code} 的行政区划")


def _parse_content(item: ItemRow, errors: list[RowError]) -> None:
    content: dict[str, Any] = {}
    for column in ITEM_COLUMNS:
        if not column.field:
            continue
        default = [] if column.field == "service_tags" else field_default(ServiceItemVersion, column.field)
        try:
            content[column.field] = parse_cell(column, item.row.cells[column.header], default)
        except CellError as exc:
            errors.append(RowError(str(exc), item.row.sheet, item.row.number, column.header))
            item.failed.add(column.field)
    if "service_tags" in content:
        content["service_tags"] = sorted(set(content["service_tags"]))
    for key, sheet in CHILD_SHEETS.items():
        content[key] = []
        for index, row in enumerate(item.child_rows[key]):
            child: dict[str, Any] = {}
            for column in CHILD_COLUMNS[key][len(CHILD_KEY_COLUMNS) :]:
                try:
                    value = parse_cell(
                        column, row.cells[column.header], field_default(CHILD_MODELS[key], column.field)
                    )
                    child[column.field] = value
                except CellError as exc:
                    errors.append(RowError(str(exc), sheet, row.number, column.header))
                    item.failed.add(f"{key}[{index}].{column.field}")
            content[key].append(child)
    item.content = content


_ITEM_KEY_HEADERS = {"basic_code": BASIC_HEADER, "implementation_code": BASIC_HEADER, "region": REGION_HEADER}


def _locate(item: ItemRow, key: str) -> tuple[str, int, str]:
    """Sheet, row and column header of a service error key (``promised_limit_amount``, ``materials[2].name``)."""
    if "[" in key:
        list_key, rest = key.split("[", 1)
        index_text, _, child_field = rest.partition("]")
        rows = item.child_rows.get(list_key, [])
        if list_key in CHILD_SHEETS and index_text.isdigit() and int(index_text) < len(rows):
            sheet = CHILD_SHEETS[list_key]
            return (
                sheet,
                rows[int(index_text)].number,
                HEADER_BY_FIELD[sheet].get(child_field.lstrip("."), ""),
            )
    header = _ITEM_KEY_HEADERS.get(key) or HEADER_BY_FIELD[ITEM_SHEET].get(key, "")
    return ITEM_SHEET, item.row.number, header


def _report_catalog_error(item: ItemRow, exc: CatalogError, errors: list[RowError]) -> None:
    for key, messages in exc.message_dict.items():
        if key in item.failed:
            continue
        sheet, row, header = _locate(item, key)
        if not header and key in CHILD_SHEETS:
            messages = [f"{CHILD_SHEETS[key]}：{m}" for m in messages]
        errors.extend(RowError(m, sheet, row, header) for m in messages)


def _comparable(content: Mapping[str, Any]) -> dict[str, Any]:
    def norm(value: Any) -> Any:
        if isinstance(value, FieldFile):
            return value.name or ""
        return value

    result = {k: norm(v) for k, v in content.items() if k not in CHILD_MODELS}
    result["service_tags"] = sorted(content.get("service_tags", []))
    for key in CHILD_MODELS:
        result[key] = [{f: norm(v) for f, v in row.items()} for row in content.get(key, [])]
    return result


def _with_files(content: dict[str, Any], *versions: Mapping[str, Any]) -> dict[str, Any]:
    """Give each imported material the files of the same-named material (the last version given wins)."""
    files = {m["name"]: m for version in versions for m in version.get("materials", [])}
    for material in content["materials"]:
        source = files.get(material.get("name"), {})
        for name in FILE_FIELDS:
            material[name] = source.get(name) or ""
    return content


def _current(item: ServiceItem) -> ServiceItemVersion | None:
    return item.latest_published_version() or item.versions.order_by("-number").first()


def _import_item(
    item: ItemRow, report: ImportReport, *, publish: bool, actor: AbstractBaseUser | None
) -> None:
    """Create, update or leave one item; with ``publish`` its new content (or its pending draft) is published.

    Compared with the version the export writes (the one in force, else the newest), then with the draft:
    importing the same file twice reports "unchanged" the second time.
    """
    existing = ServiceItem.objects.filter(implementation_code=item.code).first()
    if existing is None:
        assert item.department is not None
        for material in item.content["materials"]:
            material.update(dict.fromkeys(FILE_FIELDS, ""))
        version = item_create(
            implementing_body=item.department,
            level=item.level,
            basic_code=item.basic_code,
            content=item.content,
            region=item.region,
            actor=actor,
        )
        report.created += 1
    else:
        if item.region is not None and item.region.pk != existing.region_id:
            raise CatalogError({"region": [f"已有事项的实施区划为 {existing.region.code}，不能通过导入修改"]})
        current = _current(existing)
        assert current is not None
        draft = existing.versions.filter(status=ServiceItemVersion.Status.DRAFT).first()
        stored = version_content(current)
        draft_content = version_content(draft) if draft is not None else {}
        content = _comparable(_with_files(item.content, stored, draft_content))
        if content == _comparable(stored):
            report.unchanged += 1
            if not (publish and current.status == ServiceItemVersion.Status.DRAFT):
                return
            version = current
        elif draft is not None and content == _comparable(draft_content):
            report.unchanged += 1
            if not publish:
                return
            version = draft
        else:
            version = draft or version_create_draft(item=existing, actor=actor)
            version = version_update(version=version, content=item.content, actor=actor)
            report.updated += 1
    if publish:
        version_publish(version=version, actor=actor)
        report.published += 1


_MISSING_KEY = f"请填写“{CODE_HEADER}”，或同时填写“{USCC_HEADER}”“{LEVEL_HEADER}”“{BASIC_HEADER}”"


def import_excel(
    source: str | Path | IO[bytes] | bytes,
    *,
    publish: bool = False,
    dry_run: bool = False,
    actor: AbstractBaseUser | None = None,
) -> ImportReport:
    """Import a catalog workbook; writes nothing unless every row of every sheet is valid."""
    report = ImportReport(dry_run=dry_run)
    try:
        sheets = _read_sheets(source)
    except WorkbookError as exc:
        report.errors = exc.errors
        return report
    errors = report.errors
    by_key: dict[str, ItemRow] = {}  # every key that names an item row, as typed or as built
    valid: list[ItemRow] = []
    first_row: dict[str, int] = {}
    for row in sheets[ITEM_SHEET]:
        item = ItemRow(row=row)
        _parse_item_keys(item, errors)
        for key in {_raw_key(row), item.code} - {None, ""}:
            by_key.setdefault(str(key), item)
        if not item.ok:
            continue
        if item.code in first_row:
            message = f"实施编码 {item.code} 已在第 {first_row[item.code]} 行出现"
            errors.append(RowError(message, row.sheet, row.number, CODE_HEADER))
            continue
        first_row[item.code] = row.number
        valid.append(item)
    for key, sheet in CHILD_SHEETS.items():
        for row in sheets[sheet]:
            child_key = _raw_key(row)
            if child_key is None:
                errors.append(RowError(_MISSING_KEY, sheet, row.number))
            elif child_key not in by_key:
                errors.append(RowError(f"实施编码 {child_key} 不在“{ITEM_SHEET}”表中", sheet, row.number))
            else:
                by_key[child_key].child_rows[key].append(row)
    with transaction.atomic():
        for item in valid:
            _parse_content(item, errors)
            if not item.ok:
                continue
            try:
                with transaction.atomic():
                    _import_item(item, report, publish=publish, actor=actor)
            except CatalogError as exc:
                _report_catalog_error(item, exc, errors)
        if errors or dry_run:
            transaction.set_rollback(True)
    if errors:
        report.created = report.updated = report.unchanged = report.published = 0
        errors.sort(key=lambda e: (list(SHEETS).index(e.sheet) if e.sheet in SHEETS else -1, e.row or 0))
    return report
