"""五级十五同 audit: exactly the differing elements, nothing for identical items, CLI exit codes."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from haoban.catalog.audit import ELEMENT_LABELS, audit_standards, format_text, to_json
from haoban.catalog.models import ServiceItemVersion

from .factories import make_department, make_item, make_region

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 1)
BASIC = "350100100000"


def _pair(**county_overrides: object) -> tuple[ServiceItemVersion, ServiceItemVersion]:
    city = make_department(region=make_region("350300"), name="莆田市市场监督管理局")
    county = make_department(region=make_region("350302"), name="城厢区市场监督管理局")
    a = make_item(department=city, level=3, basic_code=BASIC)
    b = make_item(department=county, level=4, basic_code=BASIC, **county_overrides)
    return a, b


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("catalog", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_identical_items_have_no_deviation() -> None:
    a, b = _pair()
    make_item(basic_code="350100200000", name="另一个事项")  # alone with its basic code: not a group

    groups = audit_standards(today=TODAY)

    assert len(groups) == 1
    group = groups[0]
    assert group.basic_code == BASIC
    assert group.name == "食品经营许可（新办）"
    assert [i.implementation_code for i in group.items] == sorted(
        [a.item.implementation_code, b.item.implementation_code]
    )
    assert [(i.department, i.region, i.level, i.version) for i in group.items] == [
        ("莆田市市场监督管理局", "莆田市", "市级", 1),
        ("城厢区市场监督管理局", "城厢区", "县级", 1),
    ]
    assert group.deviations == []
    assert group.is_standard


def test_reports_exactly_the_differing_elements() -> None:
    # given: the county version differs in name, materials, process, promised limit, fees and form
    a, b = _pair(
        name="食品经营许可",
        promised_limit_amount=3,
        charges_fee=True,
        fees=[{"name": "工本费", "amount": "10"}],
        materials=[
            {"name": "食品经营许可申请书", "required": True},
            {"name": "场所平面图", "required": False},
        ],
        steps=[
            {"name": "受理", "role": "window_clerk", "time_amount": 1},
            {"name": "决定", "role": "department_head", "time_amount": 1},
        ],
        form_schema={"type": "object", "properties": {"shop": {"type": "string", "title": "店铺名称"}}},
    )
    ca, cb = a.item.implementation_code, b.item.implementation_code

    # when
    [group] = audit_standards(today=TODAY)

    # then
    assert [(d.element, d.label) for d in group.deviations] == [
        ("name", "事项名称"),
        ("process", "办理流程"),
        ("materials", "申请材料"),
        ("promised_limit", "承诺时限"),
        ("form_schema", "表单格式"),
        ("fees", "收费项目"),
    ]
    values = {d.element: d.values for d in group.deviations}
    assert values["name"] == {ca: "食品经营许可（新办）", cb: "食品经营许可"}
    assert values["process"] == {ca: "受理→审查→决定", cb: "受理→决定"}
    assert values["materials"] == {
        ca: "营业执照（必要）；食品经营许可申请书（必要）",
        cb: "场所平面图（非必要）；食品经营许可申请书（必要）",
    }
    assert values["promised_limit"] == {ca: "5 个工作日", cb: "3 个工作日"}
    assert values["form_schema"] == {ca: "（无表单）", cb: "店铺名称（文本）"}
    assert values["fees"] == {ca: "不收费", cb: "收费：工本费 10.00 元"}


def test_more_elements_granularity_and_same_text_different_form() -> None:
    schema = {"type": "object", "properties": {"shop": {"type": "string", "title": "店铺名称"}}}
    stricter = {
        "type": "object",
        "properties": {"shop": {"type": "string", "title": "店铺名称", "maxLength": 20}},
    }
    a, b = _pair(
        conditions="其他条件",
        review_points="其他要点",
        legal_bases=[{"law": "《食品经营许可管理办法》", "article": "第十条"}],
        online_depth=4,
        visits_required=0,
        handling_type="immediate",
        legal_limit_amount=10,
        result_name="食品经营许可证（副本）",
        form_schema=stricter,
    )
    ServiceItemVersion.objects.filter(pk=a.pk).update(form_schema=schema)
    ca, cb = a.item.implementation_code, b.item.implementation_code

    [group] = audit_standards(today=TODAY)

    assert [d.element for d in group.deviations] == [
        "legal_basis",
        "conditions",
        "online_depth",
        "form_schema",
        "review_points",
        "handling_type",
        "visits_required",
        "legal_limit",
        "result",
    ]
    values = {d.element: d.values for d in group.deviations}
    assert values["legal_basis"] == {
        ca: "《中华人民共和国食品安全法》第三十五条",
        cb: "《食品经营许可管理办法》第十条",
    }
    assert values["online_depth"] == {ca: "三级：网上预审、网上申报", cb: "四级：全程网办"}
    assert values["visits_required"] == {ca: "1 次", cb: "0 次"}
    assert values["handling_type"] == {ca: "承诺件", cb: "即办件"}
    assert values["legal_limit"] == {ca: "20 个工作日", cb: "10 个工作日"}
    assert values["result"] == {
        ca: "食品经营许可证（证照，证照类型：食品经营许可证）",
        cb: "食品经营许可证（副本）（证照，证照类型：食品经营许可证）",
    }
    # same visible fields, different constraints: a fingerprint tells them apart
    assert values["form_schema"][ca].startswith("店铺名称（文本）（指纹 ")
    assert values["form_schema"][cb].startswith("店铺名称（文本）（指纹 ")
    assert values["form_schema"][ca] != values["form_schema"][cb]


def test_granularity_and_item_type_code_mismatch() -> None:
    city = make_department(region=make_region("350300"))
    county = make_department(region=make_region("350302"))
    main_city = make_item(department=city, basic_code="35010010000Y", name="建筑工程施工许可")
    main_county = make_item(department=county, level=4, basic_code="35010010000Y", name="建筑工程施工许可")
    make_item(department=city, basic_code="350100100001", name="新办", parent=main_city.item)
    # bypass the services on purpose: data imported wrongly into the county item
    ServiceItemVersion.objects.filter(pk=main_county.pk).update(item_type="07")
    ca, cb = main_city.item.implementation_code, main_county.item.implementation_code

    groups = {g.basic_code: g for g in audit_standards(today=TODAY)}

    assert list(groups) == ["35010010000Y"]
    values = {d.element: d.values for d in groups["35010010000Y"].deviations}
    assert list(values) == ["sub_items", "codes", "item_type"]
    assert values["sub_items"] == {ca: "主项，子项基本编码：350100100001", cb: "无子项"}
    assert values["codes"] == {ca: "编码一致", cb: "事项类型 07 与基本编码第 3–4 位 01 不一致"}
    assert values["item_type"] == {ca: "01 行政许可", cb: "07 行政确认"}


def test_drafts_and_future_versions_are_not_audited() -> None:
    city = make_department(region=make_region("350300"))
    county = make_department(region=make_region("350302"))
    make_item(department=city, basic_code=BASIC)
    make_item(department=county, level=4, basic_code=BASIC, name="草稿名", publish=False)
    make_item(
        department=make_department(region=make_region("350303")),
        level=4,
        basic_code=BASIC,
        name="明年名",
        valid_from=dt.date(2026, 1, 1),
    )

    assert audit_standards(today=TODAY) == []


def test_to_json_and_text_report() -> None:
    a, b = _pair(name="食品经营许可")

    groups = audit_standards(today=TODAY)
    data = to_json(groups)

    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["summary"] == {"group_count": 1, "deviating_group_count": 1, "deviation_count": 1}
    assert data["elements"][0] == {"element": "name", "label": "事项名称"}
    assert [e["element"] for e in data["elements"]] == list(ELEMENT_LABELS)
    assert len(data["elements"]) == 17
    group = data["groups"][0]
    assert set(group) == {"basic_code", "name", "items", "deviations", "is_standard"}
    assert group["is_standard"] is False
    assert group["deviations"] == [
        {
            "element": "name",
            "label": "事项名称",
            "values": {
                a.item.implementation_code: "食品经营许可（新办）",
                b.item.implementation_code: "食品经营许可",
            },
        }
    ]
    text = format_text(groups)
    assert "共核查 1 组同基本编码事项，其中 1 组存在要素差异，共 1 项差异。" in text
    assert f"      {b.item.implementation_code}：食品经营许可\n" in text


def test_cli_exit_status_and_json() -> None:
    # no items at all
    assert _run("audit-standards") == (
        0,
        "五级十五同标准化核查报告\n共核查 0 组同基本编码事项，其中 0 组存在要素差异，共 0 项差异。\n",
    )

    # identical items: exit 0
    _, b = _pair()
    status, out = _run("audit-standards", "--json")
    assert status == 0
    assert json.loads(out)["summary"] == {"group_count": 1, "deviating_group_count": 0, "deviation_count": 0}

    # a deviation: exit 1, report still printed
    ServiceItemVersion.objects.filter(pk=b.pk).update(visits_required=2)
    status, out = _run("audit-standards", "--json")
    assert status == 1
    payload = json.loads(out)
    assert payload["groups"][0]["deviations"][0]["element"] == "visits_required"
    status, out = _run("audit-standards")
    assert status == 1
    assert "× 跑动次数（visits_required）：" in out
