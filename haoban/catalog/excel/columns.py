"""The workbook's sheets and columns, and how one cell is read and written."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from ..models import ApplicantKind, Channel, Level, ServiceItemVersion, ServiceTagCode
from ..services import CHILD_FIELDS, CHILD_MODELS, CONTENT_FIELDS

ITEM_SHEET = "事项"
HELP_SHEET = "说明"
CHILD_SHEETS: dict[str, str] = {
    "legal_bases": "设立依据",
    "materials": "申报材料",
    "steps": "办理流程",
    "fees": "收费项目",
    "handling_items": "业务办理项",
}
# Files cannot travel in a cell: an imported material keeps the blank form and sample of the same-named
# material of the item's current version.
FILE_FIELDS = ("blank_form", "sample")
SEPARATORS = ",，、;；\n"

CODE_HEADER = "实施编码"
USCC_HEADER = "实施主体统一社会信用代码"
LEVEL_HEADER = "行使层级"
BASIC_HEADER = "基本编码"
REGION_HEADER = "实施区划代码"
TAGS_HEADER = "特色服务清单"
CHILD_KEY_HEADERS = (CODE_HEADER, USCC_HEADER, LEVEL_HEADER, BASIC_HEADER)


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # service content key ("" for the item keys)
    kind: str  # text, code, int, decimal, bool, choice, multi, json
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    help: str = ""
    integer: bool = False  # a choice whose codes are stored as integers (层级, 网办深度)

    def allowed(self) -> str:
        if self.kind == "bool":
            return "是 / 否"
        if self.choices:
            text = "；".join(f"{code} {label}" for code, label in self.choices)
            return text + ("（可填多个，用逗号分隔）" if self.kind == "multi" else "")
        return {"int": "非负整数", "decimal": "数字", "json": "JSON 对象"}.get(self.kind, "文本")


def _model_column(model: type[models.Model], name: str, **overrides: Any) -> Column:
    model_field = model._meta.get_field(name)
    kind = "text"
    if isinstance(model_field, models.BooleanField):
        kind = "bool"
    elif model_field.choices:
        kind = "choice"
    elif isinstance(model_field, models.DecimalField):
        kind = "decimal"
    elif isinstance(model_field, models.IntegerField):
        kind = "int"
    elif isinstance(model_field, models.JSONField):
        kind = "json"
    choices = tuple((str(c), str(label)) for c, label in model_field.choices or ())
    default = model_field.get_default()
    required = not model_field.blank and default in (None, "", [], {})
    integer = isinstance(model_field, models.IntegerField)
    options: dict[str, Any] = {"kind": kind, "choices": choices, "required": required, "integer": integer}
    options["help"] = str(model_field.help_text)
    options |= overrides
    column = Column(str(model_field.verbose_name), name, **options)
    if not required and default is not None and (default not in ("", [], {}) or kind == "bool"):
        shown = (
            "是"
            if default is True
            else "否"
            if default is False
            else dict(choices).get(str(default), default)
        )
        column = replace(column, help=f"{column.help}留空为“{shown}”。".lstrip())
    return column


def _choices(enum: type[models.Choices]) -> tuple[tuple[str, str], ...]:
    return tuple((str(c), str(label)) for c, label in enum.choices)


ITEM_KEY_COLUMNS = (
    Column(CODE_HEADER, "", "code", help="31 位；可留空，由下面三列生成。填写时须与下面三列一致。"),
    Column(
        USCC_HEADER,
        "",
        "code",
        required=True,
        help="实施主体（部门）的 18 位统一社会信用代码，部门须已存在。",
    ),
    Column(LEVEL_HEADER, "", "choice", _choices(Level), required=True, integer=True),
    Column(BASIC_HEADER, "", "code", required=True, help="12 位基本编码。"),
    Column(REGION_HEADER, "", "code", help="留空则为实施主体所属区划；已有事项不能通过导入改变区划。"),
)
_SPECIAL = {
    "applicant_kinds": {
        "kind": "multi",
        "choices": _choices(ApplicantKind),
        "help": "例如：自然人，企业法人（或 1，2）。",
    },
    "channels": {
        "kind": "multi",
        "choices": _choices(Channel),
        "help": "至少一个，例如：电脑端，窗口端（或 pc，window）。",
    },
    "form_schema": {"help": "JSON Schema（draft 2020-12）对象；留空表示无表单。"},
}
ITEM_COLUMNS = (
    *ITEM_KEY_COLUMNS,
    *(_model_column(ServiceItemVersion, name, **_SPECIAL.get(name, {})) for name in CONTENT_FIELDS),
    Column(
        TAGS_HEADER, "service_tags", "multi", _choices(ServiceTagCode), help="规范第十条的 16 类特色服务。"
    ),
)
CHILD_KEY_COLUMNS = (
    Column(CODE_HEADER, "", "code", help="所属事项的实施编码；留空时按后三列确定事项。"),
    Column(USCC_HEADER, "", "code"),
    Column(LEVEL_HEADER, "", "choice", _choices(Level), integer=True),
    Column(BASIC_HEADER, "", "code"),
)
CHILD_COLUMNS: dict[str, tuple[Column, ...]] = {
    key: (
        *CHILD_KEY_COLUMNS,
        *(_model_column(CHILD_MODELS[key], name) for name in CHILD_FIELDS[key] if name not in FILE_FIELDS),
    )
    for key in CHILD_SHEETS
}
SHEETS: dict[str, tuple[Column, ...]] = {
    ITEM_SHEET: ITEM_COLUMNS,
    **{CHILD_SHEETS[key]: CHILD_COLUMNS[key] for key in CHILD_SHEETS},
}
HEADER_BY_FIELD: dict[str, dict[str, str]] = {
    sheet: {c.field: c.header for c in columns if c.field} for sheet, columns in SHEETS.items()
}


# --- cell parsing --------------------------------------------------------------------------------------


class CellError(ValueError):
    pass


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _choice(column: Column, raw: str) -> str:
    for code, label in column.choices:
        if raw in (code, label):
            return code
    if raw.isdigit():  # 1 for "01" when Excel turned the code into a number
        for code, _label in column.choices:
            if code.isdigit() and int(code) == int(raw):
                return code
    allowed = "、".join(f"{label}（{code}）" for code, label in column.choices)
    raise CellError(f"“{raw}”不是允许的值，应为 {allowed} 之一")


def parse_cell(column: Column, value: Any, default: Any = None) -> Any:
    """The content value of one cell; blank gives ``default``; raises CellError with a Chinese message."""
    raw = cell_text(value)
    if raw == "":
        return default
    kind = column.kind
    if kind == "text":
        return raw
    if kind == "code":
        return raw.upper()
    if kind == "int":
        if raw.isdigit():
            return int(raw)
        raise CellError(f"应为非负整数，实际为“{raw}”")
    if kind == "decimal":
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise CellError(f"应为数字，实际为“{raw}”") from None
        if not number.is_finite():
            raise CellError(f"应为数字，实际为“{raw}”")
        return number
    if kind == "bool":
        if value is True or raw.lower() in {"是", "true", "1", "y", "yes"}:
            return True
        if value is False or raw.lower() in {"否", "false", "0", "n", "no"}:
            return False
        raise CellError(f"应为“是”或“否”，实际为“{raw}”")
    if kind == "choice":
        code = _choice(column, raw)
        return int(code) if column.integer else code
    if kind == "multi":
        parts = [raw]
        for separator in SEPARATORS:
            parts = [piece.strip() for part in parts for piece in part.split(separator)]
        return [_choice(column, part) for part in parts if part]
    if kind == "json":
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CellError(f"不是有效的 JSON：{exc.msg}（第 {exc.pos + 1} 个字符）") from None
    raise AssertionError(kind)  # pragma: no cover


def field_default(model: type[models.Model], name: str) -> Any:
    return model._meta.get_field(name).get_default()


def format_cell(column: Column, value: Any) -> Any:
    """The cell written on export: labels for choices, 是/否, JSON text; blank for empty values."""
    if value in (None, "", [], {}):
        return None
    if column.kind == "bool":
        return "是" if value else "否"
    labels = dict(column.choices)
    if column.kind == "choice":
        return labels.get(str(value), str(value))
    if column.kind == "multi":
        return "，".join(labels.get(str(v), str(v)) for v in value)
    if column.kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return value
    return value
