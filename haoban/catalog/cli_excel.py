"""``haoban catalog export-excel | import-excel | excel-template`` (registered in ``haoban.catalog.cli``).

Errors go to stderr in Chinese with exit status 1; an import with any error writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO


def add_export_excel_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="要写入的 .xlsx 文件")
    parser.add_argument("--department", metavar="USCC", help="只导出该统一社会信用代码的部门实施的事项")
    parser.add_argument("--region", metavar="CODE", help="只导出该行政区划（代码）的事项")


def run_export_excel(options: dict[str, Any], out: TextIO) -> int:
    from .excel import export_excel
    from .models import ServiceItem

    items = ServiceItem.objects.all()
    if options.get("department"):
        items = items.filter(implementing_body__uscc=options["department"].strip().upper())
    if options.get("region"):
        items = items.filter(region__code=options["region"].strip())
    try:
        count = export_excel(Path(options["file"]), items)
    except OSError as exc:
        sys.stderr.write(f"无法写入文件 {options['file']}：{exc.strerror or exc}\n")
        return 1
    out.write(f"已导出 {count} 个事项到 {options['file']}\n")
    return 0


def add_import_excel_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="事项 Excel 文件（.xlsx，格式见 docs/catalog-excel.md）")
    parser.add_argument("--publish", action="store_true", help="导入后发布新建或变更的版本（生效日期为今天）")
    parser.add_argument("--dry-run", action="store_true", help="只检查并报告结果，不写入")


def run_import_excel(options: dict[str, Any], out: TextIO) -> int:
    from .excel import import_excel

    path = Path(options["file"])
    if not path.is_file():
        sys.stderr.write(f"找不到文件：{path}\n")
        return 1
    report = import_excel(path, publish=options.get("publish", False), dry_run=options.get("dry_run", False))
    if not report.ok:
        sys.stderr.write(report.text())
        return 1
    out.write(report.text())
    return 0


def add_excel_template_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="要写入的模板 .xlsx 文件")


def run_excel_template(options: dict[str, Any], out: TextIO) -> int:
    from .excel import write_template

    try:
        write_template(Path(options["file"]))
    except OSError as exc:
        sys.stderr.write(f"无法写入文件 {options['file']}：{exc.strerror or exc}\n")
        return 1
    out.write(f"已生成事项导入模板 {options['file']}（“说明”表逐列说明允许的值）\n")
    return 0
