"""Subcommands of ``haoban catalog <subcommand>`` (the management command in
``management/commands/catalog.py`` only parses and dispatches).

To add a subcommand: write ``add_<name>_arguments(parser)`` and ``run_<name>(options, out) -> int`` and add
one :class:`Subcommand` line to :data:`SUBCOMMANDS`. ``run_*`` writes to ``out`` (the command's stdout) and
returns the process exit status (0 = success).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from . import cli_excel


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[dict[str, Any], TextIO], int]


# --- audit-standards --------------------------------------------------------------------------------------


def add_audit_standards_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="以 JSON 输出（默认输出中文文本报告）")


def run_audit_standards(options: dict[str, Any], out: TextIO) -> int:
    """五级十五同 audit; exit status 1 when any group of items sharing a basic code deviates."""
    from .audit import audit_standards, format_text, to_json

    groups = audit_standards()
    if options.get("json"):
        out.write(json.dumps(to_json(groups), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(format_text(groups))
    return 1 if any(g.deviations for g in groups) else 0


SUBCOMMANDS: list[Subcommand] = [
    Subcommand(
        "audit-standards",
        "五级十五同标准化核查：比较同一基本编码事项在各层级、各区域的要素",
        add_audit_standards_arguments,
        run_audit_standards,
    ),
    Subcommand(
        "export-excel",
        "导出事项目录到 Excel（现行版本，无则最新版本）",
        cli_excel.add_export_excel_arguments,
        cli_excel.run_export_excel,
    ),
    Subcommand(
        "import-excel",
        "从 Excel 导入事项（任一行有错则不写入）",
        cli_excel.add_import_excel_arguments,
        cli_excel.run_import_excel,
    ),
    Subcommand(
        "excel-template",
        "生成事项 Excel 导入模板（含说明表和示例行）",
        cli_excel.add_excel_template_arguments,
        cli_excel.run_excel_template,
    ),
]
