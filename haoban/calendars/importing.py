"""Reading a year's holiday arrangement from a JSON or CSV file (format: docs/calendar.md).

Parsing only: the result goes to ``services.calendar_import_year``, which validates the content (dates in
the year, no overlaps, make-up days on weekends). Every problem is reported in Chinese with where it is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .models import DayKind


class YearFileError(ValueError):
    """The file cannot be read as a holiday arrangement (message in Chinese)."""


@dataclass
class YearFile:
    year: int | None = None
    source_notice: str | None = None
    notes: str = ""
    holidays: list[tuple[dt.date, str]] = field(default_factory=list)
    makeup_workdays: list[tuple[dt.date, str]] = field(default_factory=list)


_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
JSON_KEYS = ("year", "source_notice", "notes", "holidays", "makeup_workdays")
CSV_HEADER = ["date", "kind", "name"]
_KINDS = {
    "holiday": "holidays",
    DayKind.HOLIDAY.label: "holidays",
    "makeup_workday": "makeup_workdays",
    DayKind.MAKEUP_WORKDAY.label: "makeup_workdays",
}


def parse_date(text: str) -> dt.date:
    """A real calendar date written ``YYYY-MM-DD`` (ASCII digits); ``ValueError`` with a Chinese message."""
    value = text.strip()
    try:
        if not _DATE_RE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"日期“{text}”无效，应为 YYYY-MM-DD 格式的真实日期") from None


def read_year_file(path: Path) -> YearFile:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise YearFileError(f"无法识别文件“{path.name}”的格式：扩展名应为 .json 或 .csv")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise YearFileError(f"文件“{path}”不存在") from None
    except IsADirectoryError:
        raise YearFileError(f"“{path}”是目录，不是文件") from None
    except UnicodeDecodeError:
        raise YearFileError(f"文件“{path.name}”不是 UTF-8 编码") from None
    return parse_json(text) if suffix == ".json" else parse_csv(text)


def parse_json(text: str) -> YearFile:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise YearFileError(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列附近无法解析") from None
    if not isinstance(data, dict):
        raise YearFileError('JSON 顶层应为对象，例如 {"year": 2027, "holidays": [...]}')
    unknown = [k for k in data if k not in JSON_KEYS and not str(k).startswith("_")]
    if unknown:
        raise YearFileError(
            f"JSON 中有未知字段“{unknown[0]}”（可用字段：{'、'.join(JSON_KEYS)}；以 _ 开头的字段作为注释忽略）"
        )
    result = YearFile()
    year = data.get("year")
    if year is not None:
        if not isinstance(year, int) or isinstance(year, bool):
            raise YearFileError(f"year 应为整数，实际为“{year}”")
        result.year = year
    for key in ("source_notice", "notes"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise YearFileError(f"{key} 应为文本")
    result.source_notice = data.get("source_notice")
    result.notes = data.get("notes") or ""
    for key in ("holidays", "makeup_workdays"):
        entries = data.get(key, [])
        if not isinstance(entries, list):
            raise YearFileError(f"{key} 应为数组")
        target: list[tuple[dt.date, str]] = getattr(result, key)
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or set(entry) != {"date", "name"}:
                raise YearFileError(
                    f'{key}[{i}] 应为只含 date 和 name 两个字段的对象，例如 {{"date": "2027-01-01", "name": "元旦"}}'
                )
            if not isinstance(entry["date"], str) or not isinstance(entry["name"], str):
                raise YearFileError(f"{key}[{i}] 的 date 和 name 应为文本")
            try:
                target.append((parse_date(entry["date"]), entry["name"]))
            except ValueError as exc:
                raise YearFileError(f"{key}[{i}].date：{exc}") from None
    return result


def parse_csv(text: str) -> YearFile:
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if header is None or [h.strip().lower() for h in header] != CSV_HEADER:
        raise YearFileError(f"CSV 第 1 行应为表头 {','.join(CSV_HEADER)}")
    result = YearFile()
    for line_no, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            raise YearFileError(f"CSV 第 {line_no} 行应有 3 列（date,kind,name），实际为 {len(row)} 列")
        date_text, kind, name = (cell.strip() for cell in row)
        if kind not in _KINDS:
            raise YearFileError(
                f"CSV 第 {line_no} 行：类型“{kind}”无效，应为 holiday（放假）或 makeup_workday（调休上班）"
            )
        try:
            day = parse_date(date_text)
        except ValueError as exc:
            raise YearFileError(f"CSV 第 {line_no} 行：{exc}") from None
        getattr(result, _KINDS[kind]).append((day, name))
    return result
