"""Excel import and export of the catalog (openpyxl); the template is documented in docs/catalog-excel.md.

One workbook, six sheets: 事项 (one row per item: its keys and every scalar element), and the child lists
设立依据, 申报材料, 办理流程, 收费项目, 业务办理项, whose rows name their item by 实施编码 (or by 实施主体统一社会信用代码
+ 行使层级 + 基本编码) and are kept in sheet order. Choice cells accept the code or the Chinese label; list cells
take codes or labels separated by commas.

The import checks every row of every sheet through the services (``haoban.catalog.services``), in one
transaction: each item is written in a savepoint, its errors are collected against the sheet, row and
column they came from, and the whole transaction is rolled back when any row is wrong (or for a dry run).
Importing is idempotent by 实施编码: the sheets give an item's full content; the same content as the item's
current version changes nothing, a different content goes into the item's draft (created when needed).
"""

from __future__ import annotations

from .columns import CHILD_SHEETS, HELP_SHEET, ITEM_SHEET, SHEETS, Column
from .exporter import EXAMPLE_CODE, export_excel, export_workbook, template_workbook, write_template
from .importer import ImportReport, RowError, import_excel

__all__ = [
    "CHILD_SHEETS",
    "EXAMPLE_CODE",
    "HELP_SHEET",
    "ITEM_SHEET",
    "SHEETS",
    "Column",
    "ImportReport",
    "RowError",
    "export_excel",
    "export_workbook",
    "import_excel",
    "template_workbook",
    "write_template",
]
