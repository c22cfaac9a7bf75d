"""Excel import/export of the catalog with real .xlsx files (openpyxl)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from haoban.catalog import excel
from haoban.catalog.models import MaterialRequirement, ServiceItem, ServiceItemVersion
from haoban.catalog.services import version_content, version_create_draft, version_publish, version_update

from .excel_helpers import xlsx_bytes
from .factories import make_department, make_item, make_region, make_uscc

pytestmark = pytest.mark.django_db


def export_bytes() -> bytes:
    buffer = io.BytesIO()
    excel.export_excel(buffer)
    return buffer.getvalue()


def read_rows(data: bytes, sheet: str) -> list[dict[str, Any]]:
    rows = list(load_workbook(io.BytesIO(data))[sheet].values)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def edit(data: bytes, sheet: str, row: int, header: str, value: Any) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    headers = [c.value for c in workbook[sheet][1]]
    workbook[sheet].cell(row=row, column=headers.index(header) + 1).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_bytes(**sheets: list[dict[str, Any]]) -> bytes:
    """A workbook with every sheet and header; ``sheets`` gives rows (header → value) per sheet title."""
    return xlsx_bytes(
        {
            title: [
                [c.header for c in columns],
                *([row.get(c.header) for c in columns] for row in sheets.get(title, [])),
            ]
            for title, columns in excel.SHEETS.items()
        }
    )


def item_row(department: Any, basic_code: str, **cells: Any) -> dict[str, Any]:
    row = {
        "实施主体统一社会信用代码": department.uscc,
        "行使层级": "市级",
        "基本编码": basic_code,
        "事项名称": "食品经营许可",
        "事项类型": "行政许可",
        "服务对象": "企业法人",
        "法定时限": 20,
        "承诺时限": 5,
        "办件类型": "承诺件",
        "办理渠道": "pc, 窗口端",
        "特色服务清单": "一次办、online",
    }
    return row | cells


def child(code: str, **cells: Any) -> dict[str, Any]:
    return {"实施编码": code, **cells}


def counts() -> tuple[int, int, int]:
    return (
        ServiceItem.objects.count(),
        ServiceItemVersion.objects.count(),
        MaterialRequirement.objects.count(),
    )


def catalog_state() -> list[tuple[str, int, str, dict[str, Any]]]:
    return [
        (v.item.implementation_code, v.number, v.status, version_content(v))
        for v in ServiceItemVersion.objects.select_related("item").order_by(
            "item__implementation_code", "number"
        )
    ]


@pytest.fixture
def catalog() -> dict[str, ServiceItemVersion]:
    """Four items: plain, fee-charging with handling items, published with a newer draft, draft only."""
    department = make_department()
    plain = make_item(department=department, basic_code="350100100000")
    code = f"{department.uscc}3350100200000"
    fees = make_item(
        department=department,
        basic_code="350100200000",
        charges_fee=True,
        fees=[
            {"name": "工本费", "basis": "闽价费〔2019〕1号", "standard": "每证 10.5 元", "amount": "10.50"}
        ],
        handling_items=[{"code": f"{code}01", "name": "新办"}, {"code": f"{code}02", "name": "变更"}],
        form_schema={"type": "object", "properties": {"名称": {"type": "string"}}},
        office_hours="工作日\n8:00–12:00",
    )
    with_draft = make_item(department=department, basic_code="352000100000", name="养老服务补贴")
    draft = version_create_draft(item=with_draft.item)
    version_update(version=draft, content={"name": "养老服务补贴（草稿）"})
    draft_only = make_item(department=department, basic_code="350700100000", publish=False, name="权属确认")
    return {"plain": plain, "fees": fees, "with_draft": with_draft, "draft": draft, "draft_only": draft_only}


# --- export ------------------------------------------------------------------------------------------


def test_export_writes_the_version_in_force_else_the_newest(catalog: dict[str, ServiceItemVersion]) -> None:
    data = export_bytes()

    items = read_rows(data, "事项")
    assert [r["事项名称"] for r in items] == [
        "食品经营许可（新办）",
        "食品经营许可（新办）",
        "权属确认",
        "养老服务补贴",
    ]
    fee_row = items[1]
    assert fee_row["实施编码"] == catalog["fees"].item.implementation_code
    assert (fee_row["行使层级"], fee_row["事项类型"], fee_row["办件类型"]) == ("市级", "行政许可", "承诺件")
    assert (fee_row["办理渠道"], fee_row["特色服务清单"], fee_row["是否收费"]) == (
        "电脑端，窗口端",
        "一次办，网上办",
        "是",
    )
    assert (
        fee_row["申请表单（JSON Schema）"] == '{"type": "object", "properties": {"名称": {"type": "string"}}}'
    )
    fees = read_rows(data, "收费项目")
    assert [(r["收费项目"], r["金额（元）"]) for r in fees] == [("工本费", 10.5)]
    assert [r["业务办理项名称"] for r in read_rows(data, "业务办理项")] == ["新办", "变更"]
    assert len(read_rows(data, "申报材料")) == 8


def test_round_trip_is_unchanged(catalog: dict[str, ServiceItemVersion]) -> None:
    before = catalog_state()

    report = excel.import_excel(export_bytes())

    assert (report.errors, report.created, report.updated, report.unchanged, report.published) == (
        [],
        0,
        0,
        4,
        0,
    )
    assert catalog_state() == before


def test_export_of_a_filtered_set() -> None:
    first = make_item(basic_code="350100100000")
    make_item(basic_code="350100200000")
    buffer = io.BytesIO()
    assert excel.export_excel(buffer, ServiceItem.objects.filter(pk=first.item_id)) == 1
    assert [r["实施编码"] for r in read_rows(buffer.getvalue(), "事项")] == [first.item.implementation_code]


# --- import: create, update, publish -----------------------------------------------------------------


def test_import_creates_items_accepting_codes_and_labels() -> None:
    department = make_department()
    county = make_region("350302")
    code = f"{department.uscc}3350100100000"
    data = workbook_bytes(
        事项=[
            item_row(
                department,
                "350100100000",
                实施区划代码="350302",
                法定时限单位="natural_day",
                承诺时限单位="自然日",
                网办深度=4,
            )
        ],
        设立依据=[child(code, 法律法规名称="《食品安全法》", 条款="第三十五条")],
        申报材料=[
            child(code, 材料名称="申请书", 必要材料="是", 原件份数=1, 材料形式="纸质"),
            child(code, 材料名称="营业执照", 必要材料="否", 材料来源="e_license", 免提交来源="营业执照"),
        ],
        办理流程=[
            {
                "实施主体统一社会信用代码": department.uscc,
                "行使层级": 3,
                "基本编码": "350100100000",
                "环节名称": "受理",
                "办理角色": "窗口受理人员",
            },
            child(code, 环节名称="审查", 办理角色="reviewer", 环节时限=3, 时限单位="工作日"),
        ],
        业务办理项=[child(code, 业务办理项编码=f"{code}01", 业务办理项名称="新办")],
    )

    report = excel.import_excel(data)

    assert (report.errors, report.created, report.updated, report.unchanged) == ([], 1, 0, 0)
    version = ServiceItemVersion.objects.get()
    assert (version.item.implementation_code, version.item.region, version.status) == (code, county, "draft")
    content = version_content(version)
    assert content["applicant_kinds"] == ["2"]
    assert content["channels"] == ["pc", "window"]
    assert content["service_tags"] == ["once", "online"]
    assert (content["legal_limit_unit"], content["promised_limit_unit"], content["online_depth"]) == (
        "natural_day",
        "natural_day",
        4,
    )
    assert (content["extension_amount"], content["max_extensions"], content["result_type"]) == (
        10,
        1,
        "other",
    )
    assert [
        (m["name"], m["required"], m["originals"], m["format"], m["source"]) for m in content["materials"]
    ] == [
        ("申请书", True, 1, "paper", "applicant"),
        ("营业执照", False, 0, "both", "e_license"),
    ]
    assert [(s["name"], s["role"], s["time_amount"]) for s in content["steps"]] == [
        ("受理", "window_clerk", 1),
        ("审查", "reviewer", 3),
    ]
    assert content["handling_items"] == [{"code": f"{code}01", "name": "新办"}]
    assert content["legal_bases"] == [{"law": "《食品安全法》", "article": "第三十五条", "text": ""}]
    assert excel.import_excel(data).unchanged == 1  # idempotent


def test_changed_content_goes_into_a_new_draft(catalog: dict[str, ServiceItemVersion]) -> None:
    data = edit(export_bytes(), "事项", 2, "承诺时限", 3)
    plain = catalog["plain"]

    report = excel.import_excel(data)

    assert (report.errors, report.created, report.updated, report.unchanged, report.published) == (
        [],
        0,
        1,
        3,
        0,
    )
    versions = list(plain.item.versions.order_by("number"))
    assert [(v.number, v.status, v.promised_limit_amount) for v in versions] == [
        (1, "published", 5),
        (2, "draft", 3),
    ]
    assert version_content(versions[1])["materials"] == version_content(versions[0])["materials"]
    # the same file again: the draft already holds it
    again = excel.import_excel(data)
    assert (again.updated, again.unchanged) == (0, 4)
    assert plain.item.versions.count() == 2


def test_changed_content_updates_the_existing_draft(catalog: dict[str, ServiceItemVersion]) -> None:
    # the item with a draft is exported with its version in force (row 5); change a material there
    data = export_bytes()
    materials = read_rows(data, "申报材料")
    row = next(
        i
        for i, r in enumerate(materials, start=2)
        if r["实施编码"] == catalog["with_draft"].item.implementation_code
    )
    data = edit(data, "申报材料", row, "原件份数", 2)

    report = excel.import_excel(data)

    assert (report.errors, report.updated) == ([], 1)
    draft = catalog["draft"]
    draft.refresh_from_db()
    assert draft.name == "养老服务补贴"  # the sheet's content replaced the draft's
    assert [m["originals"] for m in version_content(draft)["materials"]] == [2, 0]
    assert catalog["with_draft"].item.versions.count() == 2


def test_publish_option(catalog: dict[str, ServiceItemVersion]) -> None:
    department = catalog["plain"].item.implementing_body
    data = edit(export_bytes(), "事项", 2, "承诺时限", 3)
    data = edit(data, "事项", 6, "实施主体统一社会信用代码", department.uscc)
    for header, value in item_row(department, "350100300000", 事项名称="新事项").items():
        data = edit(data, "事项", 6, header, value)
    for header, value in child(
        f"{department.uscc}3350100300000", 环节名称="受理", 办理角色="窗口受理人员"
    ).items():
        data = edit(data, "办理流程", 20, header, value)

    report = excel.import_excel(data, publish=True)

    assert (report.errors, report.created, report.updated, report.unchanged, report.published) == (
        [],
        1,
        1,
        3,
        3,
    )
    plain = catalog["plain"]
    plain.refresh_from_db()
    new_plain = plain.item.versions.get(number=2)
    assert (new_plain.status, new_plain.valid_from, plain.valid_to) == (
        "published",
        timezone.localdate(),
        timezone.localdate() - dt.timedelta(days=1),
    )
    created = ServiceItem.objects.get(implementation_code=f"{department.uscc}3350100300000")
    assert list(created.versions.values_list("number", "status")) == [(1, "published")]
    catalog["draft_only"].refresh_from_db()
    assert catalog["draft_only"].status == "published"  # unchanged content, but its draft is published
    catalog["draft"].refresh_from_db()
    assert catalog["draft"].status == "draft"  # its content differs from the sheet: left alone


def test_dry_run_writes_nothing(catalog: dict[str, ServiceItemVersion]) -> None:
    before = catalog_state()

    report = excel.import_excel(edit(export_bytes(), "事项", 2, "承诺时限", 3), publish=True, dry_run=True)

    assert (report.errors, report.updated, report.unchanged, report.published) == ([], 1, 3, 2)
    assert report.summary() == "试导入（未写入）：新建 0 个事项，更新 1 个，未变化 3 个，发布 2 个版本"
    assert catalog_state() == before


def test_material_files_are_kept(
    catalog: dict[str, ServiceItemVersion], settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    draft = version_create_draft(item=catalog["plain"].item)
    material = MaterialRequirement.objects.filter(version=draft).first()
    assert material is not None
    material.blank_form.save("申请书.docx", ContentFile(b"form"), save=False)
    MaterialRequirement.objects.filter(pk=material.pk).update(blank_form=material.blank_form.name)
    version_publish(version=draft, valid_from=dt.date(2025, 2, 1))

    data = export_bytes()
    assert excel.import_excel(data).unchanged == 4
    report = excel.import_excel(edit(data, "事项", 2, "承诺时限", 3))

    assert report.updated == 1
    newest = catalog["plain"].item.versions.get(number=3)
    assert version_content(newest)["materials"][0]["blank_form"].name == material.blank_form.name


# --- import: errors ----------------------------------------------------------------------------------


def test_a_bad_row_among_good_rows_writes_nothing(catalog: dict[str, ServiceItemVersion]) -> None:
    department = catalog["plain"].item.implementing_body
    data = edit(export_bytes(), "事项", 2, "承诺时限", 3)  # a good change
    data = edit(data, "事项", 3, "承诺时限", 30)  # promised > legal
    data = edit(data, "事项", 4, "办件类型", "马上办")  # not a choice
    data = edit(data, "申报材料", 4, "材料名称", None)  # blank required
    data = edit(data, "业务办理项", 2, "业务办理项编码", "123")
    for header, value in item_row(department, "350100300000", 法定时限="二十").items():
        data = edit(data, "事项", 6, header, value)  # a new item with a bad number
    before = (catalog_state(), counts())

    report = excel.import_excel(data)

    assert (report.created, report.updated, report.unchanged, report.published) == (0, 0, 0, 0)
    assert [str(e) for e in report.errors] == [
        "“事项”表第 3 行“承诺时限”：承诺时限（30）不得超过法定时限（20）",
        "“事项”表第 4 行“办件类型”：“马上办”不是允许的值，应为 即办件（immediate）、承诺件（promised） 之一",
        "“事项”表第 6 行“法定时限”：应为非负整数，实际为“二十”",
        "“申报材料”表第 4 行“材料名称”：此字段不能为空。",
        "“业务办理项”表第 2 行“业务办理项编码”：业务办理项编码应为 33 位，实际为 3 位",
    ]
    assert report.summary() == "导入失败，未写入任何数据：共 5 处错误"
    assert (catalog_state(), counts()) == before


def test_key_errors() -> None:
    department = make_department()
    code = f"{department.uscc}3350100100000"
    data = workbook_bytes(
        事项=[
            item_row(department, "350100100000"),
            item_row(department, "350100100000"),
            item_row(department, "359900100000"),
            item_row(department, "350100200000", 实施主体统一社会信用代码="91350300MA0000000X"),
            item_row(department, "350100300000", 实施区划代码="350399", 实施编码=code),
            item_row(department, "350100400000", 行使层级="省"),
        ],
        办理流程=[
            child(code, 环节名称="受理", 办理角色="窗口受理人员"),
            child(f"{department.uscc}3350100900000", 环节名称="受理", 办理角色="窗口受理人员"),
            {"行使层级": "市级", "环节名称": "受理", "办理角色": "窗口受理人员"},
        ],
    )

    report = excel.import_excel(data)

    assert [str(e) for e in report.errors] == [
        f"“事项”表第 3 行“实施编码”：实施编码 {code} 已在第 2 行出现",
        "“事项”表第 4 行“基本编码”：基本编码第 3–4 位（事项类型）“99”不是 GB/T 39046 规定的事项类型代码",
        "“事项”表第 5 行“实施主体统一社会信用代码”：统一社会信用代码校验位不正确",
        f"“事项”表第 6 行“实施编码”：实施编码与统一社会信用代码、行使层级、基本编码不一致（应为 {department.uscc}3350100300000）",
        "“事项”表第 6 行“实施区划代码”：未找到代码为 350399 的行政区划",
        "“事项”表第 7 行“行使层级”：“省”不是允许的值，应为 国家级（1）、省级（2）、市级（3）、县级（4）、乡镇（街道）级（5）、村（社区）级（6）、分级管理（7） 之一",
        f"“办理流程”表第 3 行：实施编码 {department.uscc}3350100900000 不在“事项”表中",
        "“办理流程”表第 4 行：请填写“实施编码”，或同时填写“实施主体统一社会信用代码”“行使层级”“基本编码”",
    ]
    assert counts() == (0, 0, 0)


def test_unknown_department_and_list_level_errors() -> None:
    department = make_department()
    unknown = make_uscc(serial=999)
    data = workbook_bytes(
        事项=[
            item_row(department, "350100100000", 是否收费="是"),
            item_row(department, "350100200000", 实施主体统一社会信用代码=unknown),
        ],
    )

    report = excel.import_excel(data)

    assert [str(e) for e in report.errors] == [
        "“事项”表第 2 行：收费项目：收费事项须列出收费项目",
        f"“事项”表第 3 行“实施主体统一社会信用代码”：未找到统一社会信用代码为 {unknown} 的部门",
    ]
    assert counts() == (0, 0, 0)


def test_existing_item_region_cannot_change(catalog: dict[str, ServiceItemVersion]) -> None:
    make_region("350302")
    report = excel.import_excel(edit(export_bytes(), "事项", 2, "实施区划代码", "350302"))
    assert [str(e) for e in report.errors] == [
        "“事项”表第 2 行“实施区划代码”：已有事项的实施区划为 350300，不能通过导入修改"
    ]


def test_malformed_files() -> None:
    def errors(data: bytes) -> list[str]:
        return [str(e) for e in excel.import_excel(data).errors]

    assert errors(b"not a workbook") == ["文件不是有效的 Excel 工作簿（.xlsx）；.xls 等格式请先另存为 .xlsx"]
    assert errors(xlsx_bytes({"事项": [[c.header for c in excel.SHEETS["事项"]]]})) == [
        "缺少工作表“设立依据”",
        "缺少工作表“申报材料”",
        "缺少工作表“办理流程”",
        "缺少工作表“收费项目”",
        "缺少工作表“业务办理项”",
    ]
    sheets = {title: [[c.header for c in columns]] for title, columns in excel.SHEETS.items()}
    sheets["事项"] = [[h for h in sheets["事项"][0] if h != "承诺时限"] + ["备注"]]
    assert errors(xlsx_bytes(sheets)) == [
        "“事项”表第 1 行：缺少列“承诺时限”",
        "“事项”表第 1 行：未知的列“备注”",
    ]


# --- template ----------------------------------------------------------------------------------------


def test_template_documents_every_column_and_its_example_imports() -> None:
    buffer = io.BytesIO()
    excel.write_template(buffer)
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))

    assert workbook.sheetnames == [
        "说明",
        "事项",
        "设立依据",
        "申报材料",
        "办理流程",
        "收费项目",
        "业务办理项",
    ]
    documented = [(r[0], r[1]) for r in workbook["说明"].iter_rows(min_row=2, values_only=True) if r[1]]
    assert documented == [(title, c.header) for title, columns in excel.SHEETS.items() for c in columns]
    help_rows = {(r[0], r[1]): r for r in workbook["说明"].iter_rows(min_row=2, values_only=True) if r[1]}
    assert help_rows[("事项", "办件类型")][2:4] == ("是", "immediate 即办件；promised 承诺件")
    assert (
        help_rows[("事项", "办理渠道")][3]
        == "pc 电脑端；mobile 移动端；kiosk 自助端；window 窗口端（可填多个，用逗号分隔）"
    )
    for title, columns in excel.SHEETS.items():
        assert [c.value for c in workbook[title][1]] == [c.header for c in columns]
    assert workbook["事项"].max_row == 2 and workbook["收费项目"].max_row == 1

    # the example item imports once its department exists
    make_department(uscc=excel.EXAMPLE_CODE[:18])
    report = excel.import_excel(buffer.getvalue())
    assert (report.errors, report.created) == ([], 1)
    assert ServiceItem.objects.get().implementation_code == excel.EXAMPLE_CODE


# --- command line ------------------------------------------------------------------------------------


def test_cli(
    catalog: dict[str, ServiceItemVersion], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = tmp_path / "catalog.xlsx"
    call_command("catalog", "export-excel", str(exported))
    assert capsys.readouterr().out == f"已导出 4 个事项到 {exported}\n"

    call_command("catalog", "import-excel", str(exported), "--dry-run")
    assert (
        capsys.readouterr().out == "试导入（未写入）：新建 0 个事项，更新 0 个，未变化 4 个，发布 0 个版本\n"
    )

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(edit(exported.read_bytes(), "事项", 3, "承诺时限", 30))
    before = catalog_state()
    with pytest.raises(SystemExit) as exit_info:
        call_command("catalog", "import-excel", str(bad), "--publish")
    assert exit_info.value.code == 1
    assert capsys.readouterr().err == (
        "导入失败，未写入任何数据：共 1 处错误\n“事项”表第 3 行“承诺时限”：承诺时限（30）不得超过法定时限（20）\n"
    )
    assert catalog_state() == before

    with pytest.raises(SystemExit):
        call_command("catalog", "import-excel", str(tmp_path / "missing.xlsx"))
    assert capsys.readouterr().err == f"找不到文件：{tmp_path / 'missing.xlsx'}\n"

    template = tmp_path / "template.xlsx"
    call_command("catalog", "excel-template", str(template))
    assert load_workbook(template).sheetnames[0] == "说明"


def test_amounts_keep_their_value() -> None:
    version = make_item(charges_fee=True, fees=[{"name": "工本费", "amount": "1234567.89"}])
    report = excel.import_excel(export_bytes())
    assert report.unchanged == 1
    assert version_content(version)["fees"][0]["amount"] == Decimal("1234567.89")


def test_pay_before_release_travels_through_the_workbook() -> None:
    # given: a fee-charging item whose result is held until paid (先缴费后领证)
    version = make_item(
        charges_fee=True, pay_before_release=True, fees=[{"name": "工本费", "amount": "10.00"}]
    )
    data = export_bytes()
    assert read_rows(data, "事项")[0]["先缴费后领证"] == "是"

    # when: the same workbook is imported, then with the flag turned off
    assert excel.import_excel(data).unchanged == 1
    excel.import_excel(edit(data, "事项", 2, "先缴费后领证", "否"), publish=True)

    # then
    assert version_content(version)["pay_before_release"] is True
    assert (
        ServiceItemVersion.objects.filter(item=version.item).order_by("-number")[0].pay_before_release
        is False
    )
