"""Reads of the public catalog: which versions are public, filters, and the guide content."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from haoban.catalog import selectors
from haoban.catalog.services import version_create_draft, version_publish, version_update

from .factories import implementation_codes, make_department, make_item, make_region

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 1)


def _codes(**filters: object) -> list[str]:
    return implementation_codes(selectors.published_items(today=TODAY, **filters))  # type: ignore[arg-type]


def test_only_current_published_versions_are_listed() -> None:
    # given: a published item, a draft-only item, and an item with an old and a new version
    published = make_item(name="甲事项", basic_code="350100100000")
    draft_only = make_item(name="乙事项", basic_code="350100200000", publish=False)
    versioned = make_item(name="丙事项旧名", basic_code="350100300000")
    draft = version_create_draft(item=versioned.item)
    version_update(version=draft, content={"name": "丙事项新名"})
    version_publish(version=draft, valid_from=dt.date(2025, 3, 1))
    # and a new draft of the first item that must stay invisible
    hidden = version_create_draft(item=published.item)
    version_update(version=hidden, content={"name": "甲事项草稿名"})

    # when
    rows = list(selectors.published_items(today=TODAY))

    # then
    assert [(r.item.implementation_code, r.name, r.number) for r in rows] == [
        (published.item.implementation_code, "甲事项", 1),
        (versioned.item.implementation_code, "丙事项新名", 2),
    ]
    assert draft_only.item.implementation_code not in implementation_codes(rows)
    # before the new version took effect, the old one is in force
    old = selectors.published_items(today=dt.date(2025, 2, 1))
    assert [r.name for r in old] == ["甲事项", "丙事项旧名"]


def test_scheduled_version_is_not_current_before_its_valid_from() -> None:
    version = make_item(name="甲事项", valid_from=dt.date(2025, 7, 1))
    assert selectors.current_version(version.item.implementation_code, today=TODAY) is None
    assert selectors.current_version(version.item.implementation_code, today=dt.date(2025, 7, 1)) == version


def test_filters_return_exactly_the_matching_items() -> None:
    # given: city and county departments, a town below the county
    city = make_region("350300")
    county = make_region("350302", parent=city)
    town = make_region("350302001", name="龙桥街道", parent=county)
    city_dept = make_department(region=city, name="莆田市市场监督管理局")
    county_dept = make_department(region=county, name="城厢区民政局")
    a = make_item(
        department=city_dept, level=3, basic_code="350100100000", name="食品经营许可", service_tags=["once"]
    )
    b = make_item(
        department=county_dept,
        level=4,
        basic_code="352000500000",
        name="最低生活保障申请",
        service_tags=["online", "nearby"],
    )
    c = make_item(
        department=county_dept,
        level=5,
        basic_code="352000600000",
        region=town,
        name="临时救助申请",
        service_tags=["nearby"],
    )
    code_a, code_b, code_c = (v.item.implementation_code for v in (a, b, c))

    # then
    assert _codes() == sorted([code_a, code_b, code_c])
    assert _codes(department=city_dept.uscc) == [code_a]
    assert _codes(department=county_dept) == sorted([code_b, code_c])
    assert _codes(item_type="20") == sorted([code_b, code_c])
    assert _codes(item_type="01") == [code_a]
    assert _codes(level=5) == [code_c]
    assert _codes(level="4") == [code_b]
    assert _codes(level="x") == []
    assert _codes(tag="nearby") == sorted([code_b, code_c])
    assert _codes(tag="once") == [code_a]
    assert _codes(tag="commitment") == []
    assert _codes(region="350302") == sorted([code_b, code_c])  # includes the town below
    assert _codes(region="350302001") == [code_c]
    assert _codes(region="350300") == sorted([code_a, code_b, code_c])
    assert _codes(region="999999") == []
    assert _codes(region="350302", tag="nearby", level=4) == [code_b]


def test_search_by_name_code_prefix_and_pinyin_initials() -> None:
    a = make_item(basic_code="350100100000", name="食品经营许可（新办）")
    b = make_item(basic_code="352000500000", name="最低生活保障申请")
    code_a, code_b = a.item.implementation_code, b.item.implementation_code

    assert _codes(q="经营") == [code_a]
    assert _codes(q="  保障 ") == [code_b]
    assert _codes(q="3520005") == [code_b]  # 基本编码 prefix
    assert _codes(q=code_a[:20].lower()) == [code_a]  # 实施编码 prefix, case-insensitive
    assert _codes(q="spjy") == [code_a]  # 食品经营
    assert _codes(q="ZDSH") == [code_b]  # 最低生活
    assert _codes(q="不存在的事项") == []
    assert _codes(q="0100100") == []  # a code must match from its start


def test_tag_counts_in_article_order() -> None:
    make_item(basic_code="350100100000", service_tags=["once", "online"])
    make_item(basic_code="350100200000", service_tags=["online"])
    make_item(basic_code="350100300000", service_tags=["online"], publish=False)

    counts = selectors.tag_counts(today=TODAY)

    assert [c["name"] for c in counts] == [
        "马上办", "一次办", "网上办", "自助办", "掌上办", "就近办", "免证办", "邮寄办",
        "零跑腿", "智能秒批", "全程代办", "容缺受理", "告知承诺", "前置审批", "中介服务", "便民服务",
    ]  # fmt: skip
    by_code = {c["code"]: c["count"] for c in counts}
    assert by_code["online"] == 2
    assert by_code["once"] == 1
    assert sum(by_code.values()) == 3


def test_guide_data_has_every_element() -> None:
    # given
    department = make_department(
        name="莆田市市场监督管理局", short_name="市市场监管局", phone="0594-1111111", address="莆田市城厢区"
    )
    version = make_item(
        department=department,
        basic_code="350100100000",
        charges_fee=True,
        fees=[{"name": "工本费", "basis": "闽价〔2020〕1号", "standard": "每证 10 元", "amount": "10"}],
        visits_required=0,
        online_depth=4,
        excluded_from_center=True,
        sub_center="莆田市不动产登记分中心",
        form_schema={
            "type": "object",
            "required": ["shop_name"],
            "x-order": ["shop_name", "open_date", "scale", "owner"],
            "properties": {
                "shop_name": {"type": "string", "title": "店铺名称"},
                "open_date": {"type": "string", "format": "date", "title": "开业日期"},
                "scale": {"type": "string", "title": "经营规模", "enum": ["小", "中", "大"]},
                "owner": {
                    "type": "object",
                    "title": "负责人",
                    "required": ["phone"],
                    "properties": {"phone": {"type": "string", "title": "手机号"}},
                },
            },
        },
        handling_items=[],
    )
    code = version.item.implementation_code

    # when
    data = selectors.guide_data(version, today=TODAY)

    # then
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data  # plain JSON values
    assert data["name"] == "食品经营许可（新办）"
    assert data["item_type"] == {"code": "01", "label": "行政许可"}
    assert data["public_service_domain"] is None
    assert data["codes"] == {"basic_code": "350100100000", "implementation_code": code, "handling_items": []}
    assert code == department.uscc + "3" + "350100100000"
    assert data["level"] == {"code": 3, "label": "市级"}
    assert data["implementing_body"] == {
        "name": "莆田市市场监督管理局",
        "short_name": "市市场监管局",
        "uscc": department.uscc,
        "phone": "0594-1111111",
        "address": "莆田市城厢区",
    }
    assert data["region"] == {"code": "350300", "name": "莆田市"}
    assert data["parent"] is None
    assert data["sub_items"] == []
    assert data["applicant_kinds"] == [{"code": "2", "label": "企业法人"}]
    assert data["conditions"] == "申请人应当具有与经营的食品品种、数量相适应的经营场所。"
    assert data["legal_bases"] == [
        {
            "order": 1,
            "law": "《中华人民共和国食品安全法》",
            "article": "第三十五条",
            "text": "从事食品生产、经营应当依法取得许可。",
        }
    ]
    assert data["materials"][0] == {
        "order": 1,
        "name": "食品经营许可申请书",
        "required": True,
        "required_text": "必要",
        "originals": 1,
        "copies": 0,
        "format": {"code": "both", "label": "纸质或电子"},
        "source": {"code": "applicant", "label": "申请人提交"},
        "source_reference": "",
        "exempt": False,
        "exempt_text": "",
        "blank_form_url": "",
        "sample_url": "",
        "notes": "",
    }
    assert data["materials"][1]["exempt"] is True
    assert data["materials"][1]["exempt_text"] == "免提交（电子证照：营业执照电子证照）"
    assert [(s["order"], s["name"], s["role"]["label"], s["time_limit"]["text"]) for s in data["steps"]] == [
        (1, "受理", "窗口受理人员", "1 个工作日"),
        (2, "审查", "审查人员", "3 个工作日"),
        (3, "决定", "部门负责人", "1 个工作日"),
    ]
    assert data["legal_limit"] == {
        "amount": 20,
        "unit": "workday",
        "unit_label": "工作日",
        "text": "20 个工作日",
    }
    assert data["promised_limit"]["text"] == "5 个工作日"
    assert data["extension"] == {"amount": 10, "max_extensions": 1}
    assert data["fees"] == {
        "charges_fee": True,
        "text": "收费",
        "items": [
            {"name": "工本费", "basis": "闽价〔2020〕1号", "standard": "每证 10 元", "amount": "10.00"}
        ],
    }
    assert data["review_points"] == "核对经营场所与申请材料是否一致。"
    assert data["result"] == {
        "name": "食品经营许可证",
        "type": {"code": "licence", "label": "证照"},
        "license_type": "食品经营许可证",
        "license_type_code": "",
    }
    assert data["handling_type"] == {"code": "promised", "label": "承诺件"}
    assert data["visits_required"] == 0
    assert data["visits_text"] == "0 次（零跑腿）"
    assert data["online_depth"] == {"code": 4, "label": "四级：全程网办"}
    assert data["channels"] == [{"code": "pc", "label": "电脑端"}, {"code": "window", "label": "窗口端"}]
    assert data["service_tags"] == [{"code": "once", "name": "一次办"}, {"code": "online", "name": "网上办"}]
    assert data["center"] == {
        "excluded_from_center": True,
        "text": "纳入进驻负面清单，在分中心办理",
        "sub_center": "莆田市不动产登记分中心",
    }
    assert data["handling_location"] == "莆田市行政服务中心二楼 12 号窗口"
    assert data["office_hours"] == "工作日 8:00–12:00，14:30–17:30"
    assert data["consultation_phone"] == "0594-2222222"
    assert data["complaint_phone"] == "12345"
    assert [
        (f["name"], f["title"], f["type_label"], f["required"], f["options"]) for f in data["form_fields"]
    ] == [
        ("shop_name", "店铺名称", "文本", True, []),
        ("open_date", "开业日期", "日期", False, []),
        ("scale", "经营规模", "选项", False, ["小", "中", "大"]),
        ("owner.phone", "负责人 / 手机号", "文本", True, []),
    ]
    assert data["version"]["number"] == 1
    assert data["version"]["status"] == {"code": "published", "label": "已发布"}
    assert data["version"]["valid_from"] == "2025-01-01"
    assert data["version"]["valid_to"] is None


def test_guide_data_free_item_sub_items_and_handling_codes() -> None:
    department = make_department()
    parent = make_item(department=department, basic_code="35010070000Y", name="建筑工程施工许可")
    sub = make_item(
        department=department, basic_code="350100700001", name="建筑工程施工许可（新办）", parent=parent.item
    )
    make_item(
        department=department,
        basic_code="350100700002",
        name="建筑工程施工许可（变更，草稿）",
        parent=parent.item,
        publish=False,
    )
    handling_code = sub.item.implementation_code + "01"
    draft = version_create_draft(item=sub.item)
    version_update(version=draft, content={"handling_items": [{"code": handling_code, "name": "首次申请"}]})
    sub2 = version_publish(version=draft, valid_from=dt.date(2025, 2, 1))

    parent_data = selectors.guide_data(parent, today=TODAY)
    sub_data = selectors.guide_data(sub2, today=TODAY)

    assert parent_data["sub_items"] == [
        {"implementation_code": sub.item.implementation_code, "name": "建筑工程施工许可（新办）"}
    ]
    assert parent_data["fees"] == {"charges_fee": False, "text": "不收费", "items": []}
    assert sub_data["parent"] == {
        "implementation_code": parent.item.implementation_code,
        "name": "建筑工程施工许可",
    }
    assert sub_data["codes"]["handling_items"] == [{"code": handling_code, "name": "首次申请"}]
    assert sub_data["version"]["number"] == 2
    # the earlier version now has an end date
    sub.refresh_from_db()
    assert selectors.guide_data(sub, today=TODAY)["version"]["valid_to"] == "2025-01-31"


def test_version_history_and_published_version_never_show_drafts() -> None:
    v1 = make_item()
    draft = version_create_draft(item=v1.item)
    code = v1.item.implementation_code

    assert [v.number for v in selectors.version_history(v1.item)] == [1]
    assert selectors.published_version(code, 1) == v1
    assert selectors.published_version(code, draft.number) is None
    assert selectors.published_version("X" * 31, 1) is None
    assert selectors.current_version("X" * 31, today=TODAY) is None


def test_form_fields_order_is_explicit_or_alphabetical() -> None:
    # jsonb (PostgreSQL) loses the key order of "properties": order comes from the schema itself.
    schema = {
        "type": "object",
        "properties": {
            "zeta": {"type": "string", "title": "丁"},
            "alpha": {"type": "integer", "title": "丙"},
            "mid": {"type": "boolean", "title": "乙", "propertyOrder": 2},
            "first": {"type": "number", "title": "甲", "propertyOrder": 1},
        },
    }
    assert [f["title"] for f in selectors.form_fields(schema)] == ["甲", "乙", "丙", "丁"]
    assert [f["type_label"] for f in selectors.form_fields(schema)] == ["数字", "是/否", "整数", "文本"]
    schema["x-order"] = ["zeta", "nope"]
    assert [f["title"] for f in selectors.form_fields(schema)] == ["丁", "甲", "乙", "丙"]
    assert selectors.form_fields({}) == []
