"""User journeys through the public pages on the Putian demo data (``haoban load_demo``).

``live_server`` tests run on a transactional database that is emptied after every test, so each test loads
the demo data itself (about 1 s on SQLite, 2 s on PostgreSQL); there are few tests, each walking a whole
journey: catalog → guide → PDF → version history; 清单公开 and 五级十五同; a 360 px phone with 长辈版.
"""

from __future__ import annotations

import importlib
import io
import re
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from haoban.catalog.audit import audit_standards, to_json
from haoban.catalog.models import ServiceTagCode
from haoban.catalog.selectors import published_items, tag_counts
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.browser

CITY_MARKET = "莆田市市场监督管理局"
FOOD_LICENSE_PATH = "/items/11350300MB158710653350126001000/"
# The 16 特色服务清单 in the order of seed Art. 10.
ART_10_TAGS = [
    "马上办",
    "一次办",
    "网上办",
    "自助办",
    "掌上办",
    "就近办",
    "免证办",
    "邮寄办",
    "零跑腿",
    "智能秒批",
    "全程代办",
    "容缺受理",
    "告知承诺",
    "前置审批",
    "中介服务",
    "便民服务",
]

# dt → dd of a <dl class="kv"> (dt and dd are siblings).
KV_JS = """el => Object.fromEntries([...el.querySelectorAll('dt')].map(
    dt => [dt.textContent.trim(), dt.nextElementSibling.innerText.trim()]))"""


def _restore_service_tags() -> None:
    """Re-run the data migration that creates the 16 特色服务清单 (idempotent)."""
    migration = importlib.import_module("haoban.catalog.migrations.0002_service_tags")
    migration.create_tags(django_apps, None)


@pytest.fixture
def demo(transactional_db: None, live_server: Any) -> None:
    """The demo data, loaded as ``make run`` loads it, in the live server's database.

    Every ``live_server`` test ends by emptying the database, which also removes the rows data migrations
    created, among them the 16 ``ServiceTag`` lists (the demo items would silently lose their tags), so they
    are created again first: the result does not depend on which browser test ran before.
    """
    _restore_service_tags()
    # The demo accounts' PBKDF2 hashes would cost a second; accounts are not what these tests are about.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command("load_demo", stdout=io.StringIO())


def _kv(page: Any, section_heading_id: str) -> dict[str, str]:
    return page.locator(f"section[aria-labelledby={section_heading_id}] dl.kv").first.evaluate(KV_JS)


def _card_names(page: Any) -> Any:
    return page.locator(".item-card h3")


def test_catalog_search_guide_pdf_and_versions(demo: None, page: Any) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="办事指南", exact=True).click()
    expect(page).to_have_url(re.compile(r"/items/$"))
    expect(page.locator("h1")).to_have_text("办事指南")
    total = published_items().count()
    assert total > 40
    expect(page.locator(".result-count")).to_have_text(f"共 {total} 个事项，当前第 1 页。")
    expect(_card_names(page)).to_have_count(20)

    # Filter by department (htmx swaps the results; the URL is pushed).
    page.get_by_label("实施部门").select_option(label=CITY_MARKET)
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"[?&]department=[0-9A-Z]{18}(&|$)"))
    expect(page.locator(".result-count")).to_have_text("找到 3 个符合条件的事项。")
    expect(_card_names(page)).to_have_text(
        ["食品经营许可", "特种设备使用登记", "市场监管领域重大违法行为举报奖励"]
    )
    for dept in (
        page.locator(".item-card").get_by_text("实施部门").locator("xpath=following-sibling::dd").all()
    ):
        expect(dept).to_have_text(CITY_MARKET)

    # Clear the filters and search by name.
    page.get_by_role("link", name="清除筛选").click()
    expect(page.get_by_label("实施部门")).to_have_value("")
    page.get_by_role("searchbox", name="事项名称、编码或拼音首字母").fill("食品")
    page.get_by_role("button", name="搜索").click()
    expect(page).to_have_url(re.compile(r"[?&]q=%E9%A3%9F%E5%93%81(&|$)"))
    expect(page.locator(".result-count")).to_have_text("找到 2 个符合条件的事项。")
    expect(_card_names(page)).to_have_text(["食品经营许可", "食品经营许可证核发"])
    expect(page.locator(".item-card").nth(1)).to_contain_text("仙游县市场监督管理局")

    # The guide of the city's 食品经营许可.
    page.get_by_role("link", name="食品经营许可", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(FOOD_LICENSE_PATH) + "$"))
    expect(page.locator("h1")).to_have_text("食品经营许可")
    expect(page.locator(".guide-meta")).to_have_text(f"{CITY_MARKET} · 莆田市 · 市级 · 行政许可")
    summary = _kv(page, "h-summary")
    assert summary["多久办好"] == "承诺 5 个工作日（法定 10 个工作日）"
    assert summary["要带什么"] == "需提交 3 项材料，另有 2 项免提交（见申请材料）"
    assert summary["是否收费"] == "不收费"
    limits = _kv(page, "h-limits")
    assert limits["法定时限"] == "10 个工作日"
    assert limits["承诺时限"] == "5 个工作日"

    materials = page.locator("section[aria-labelledby=h-materials] table.materials tbody tr")
    names = materials.locator("td.name").evaluate_all(
        "els => els.map(el => el.firstChild.textContent.trim())"
    )
    assert names == (
        [
            "食品经营许可申请书",
            "营业执照",
            "法定代表人（负责人）身份证",
            "与食品经营相适应的主要设备设施布局、操作流程等文件",
            "食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等保证食品安全的规章制度",
        ]
    )
    exempt = page.locator("table.materials tr.exempt")
    expect(exempt.locator("td.name")).to_have_text(
        [
            "营业执照\n通过电子证照库调用，申请人无需提交。",
            "法定代表人（负责人）身份证\n通过政务数据共享获取，申请人无需提交。",
        ],
        use_inner_text=True,
    )
    expect(exempt.locator("td[data-label=来源]")).to_have_text(
        [
            "免提交（电子证照：营业执照电子证照（市场监管部门））",
            "免提交（数据共享：公安人口基础信息（居民身份证））",
        ]
    )
    expect(materials.first.locator("td[data-label=来源]")).to_have_text("申请人提交")
    expect(page.locator("section[aria-labelledby=h-fees] p")).to_have_text("不收费。")

    # The PDF guide: the link answers with a PDF (Chromium may show or download it).
    pdf_link = page.get_by_role("link", name="下载 PDF 办事指南")
    href = pdf_link.get_attribute("href")
    assert href == FOOD_LICENSE_PATH + "guide.pdf"
    with page.expect_response(lambda r: r.url.endswith(href)) as clicked:
        pdf_link.click()
    assert clicked.value.status == 200
    assert clicked.value.headers["content-type"] == "application/pdf"
    pdf = page.request.get(href)
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # Version history of the item with two published versions.
    page.goto("/items/")
    page.get_by_role("searchbox", name="事项名称、编码或拼音首字母").fill("医疗机构执业登记")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator(".result-count")).to_have_text("找到 1 个符合条件的事项。")
    page.get_by_role("link", name="医疗机构执业登记", exact=True).click()
    expect(page.locator("h1")).to_have_text("医疗机构执业登记")
    assert _kv(page, "h-limits")["承诺时限"] == "10 个工作日"
    page.get_by_role("link", name="历史版本").click()
    expect(page.locator("h1")).to_have_text("医疗机构执业登记：历史版本")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.locator("td:nth-child(1)")).to_have_text(["第 2 版 （现行）", "第 1 版"])
    expect(rows.locator("td:nth-child(2)")).to_have_text(["2026-03-01 起", "2025-05-06 至 2026-02-28"])
    expect(rows.locator("td:nth-child(3)")).to_have_text(
        ["承诺时限由 20 个工作日压缩至 10 个工作日；实行容缺受理。", "首次发布"]
    )
    page.get_by_role("link", name="第 1 版", exact=True).click()
    expect(page.locator(".notice")).to_contain_text("这是历史版本：第 1 版")
    assert _kv(page, "h-limits")["承诺时限"] == "20 个工作日"


def test_lists_and_standards_audit(demo: None, page: Any) -> None:
    page.goto("/")
    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_role("link", name="清单公开", exact=True).click()
    expect(page.locator("h1")).to_have_text("清单公开")
    counts = tag_counts()
    assert [t["name"] for t in counts] == ART_10_TAGS
    lists = page.locator("ol.tag-lists li")
    expect(lists.locator(".tag-name")).to_have_text(ART_10_TAGS)
    expect(lists.locator(".tag-count")).to_have_text([f"{t['count']} 项" for t in counts])
    assert all(t["count"] > 0 for t in counts), counts  # the demo fills every list

    lists.locator("a").filter(has_text="容缺受理").click()
    expect(page.locator("h1")).to_have_text("“容缺受理”事项清单")
    expected = [v.name for v in published_items(tag=ServiceTagCode.TOLERANT_ACCEPTANCE)]
    assert {"食品经营许可", "医疗机构执业登记"} <= set(expected)
    expect(page.locator(".result-count")).to_have_text(f"共 {len(expected)} 个事项。")
    expect(_card_names(page)).to_have_text(expected)

    nav.get_by_role("link", name="五级十五同", exact=True).click()
    expect(page.locator("h1")).to_have_text("五级十五同标准化核查")
    summary = to_json(audit_standards())["summary"]
    expect(page.locator(".result-count")).to_have_text(
        f"共核查 {summary['group_count']} 组同基本编码事项，其中 {summary['deviating_group_count']} 组存在要素差异，"
        f"共 {summary['deviation_count']} 项差异。"
    )
    groups = page.locator("section.audit-group")

    food = groups.filter(has=page.locator("h2 code", has_text="350126001000"))
    expect(food).to_have_count(1)
    expect(food).to_have_class(re.compile(r"\bdeviating\b"))
    expect(food.locator("h2")).to_have_text("食品经营许可 350126001000")
    expect(food.locator(".status-bad")).to_have_text("4 项要素不一致")
    expect(food.locator(".audit-items li a")).to_have_text(["食品经营许可", "食品经营许可证核发"])
    rows = food.locator("table.audit-table tbody tr")
    expect(rows.locator("th")).to_have_text(["事项名称", "申请材料", "网办深度", "承诺时限"])
    expect(rows.nth(0).locator("td")).to_have_text(["食品经营许可", "食品经营许可证核发"])
    expect(rows.nth(1).locator("td").nth(0)).not_to_contain_text("经营场所产权证明或者租赁合同")
    expect(rows.nth(1).locator("td").nth(1)).to_contain_text("经营场所产权证明或者租赁合同（必要）")
    expect(rows.nth(2).locator("td")).to_have_text(["四级：全程网办", "三级：网上预审、网上申报"])
    expect(rows.nth(3).locator("td")).to_have_text(["5 个工作日", "8 个工作日"])

    # The identical pair is listed as consistent, without a deviation table.
    same = groups.filter(has=page.locator("h2 code", has_text="350126002000"))
    expect(same).to_have_count(1)
    expect(same).not_to_have_class(re.compile(r"\bdeviating\b"))
    expect(same.locator(".status-ok")).to_have_text("要素一致")
    expect(same.locator(".audit-items li a")).to_have_text(["个体工商户设立登记", "个体工商户设立登记"])
    expect(same.locator("table")).to_have_count(0)


def _scroll_width(page: Any) -> int:
    return int(page.evaluate("() => document.documentElement.scrollWidth"))


def _body_font_px(page: Any) -> float:
    return float(page.locator("body").evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))


def test_phone_guide_and_catalog_fit_360px_also_in_elder_mode(demo: None, new_page: Any) -> None:
    phone = new_page(viewport=PHONE)
    for path in (FOOD_LICENSE_PATH, "/items/"):
        phone.goto(path)
        expect(phone.locator("h1")).to_be_visible()
        assert _scroll_width(phone) <= PHONE["width"], path
    # The materials table is stacked on a phone: every cell stays inside the screen.
    phone.goto(FOOD_LICENSE_PATH)
    cells = phone.locator("table.materials td:visible")
    right_edges = cells.evaluate_all("els => els.map(el => el.getBoundingClientRect().right)")
    assert right_edges and max(right_edges) <= PHONE["width"]

    standard = _body_font_px(phone)
    nav = phone.get_by_role("navigation", name="主导航")
    nav.get_by_role("link", name="长辈版").click()
    expect(phone.locator("body")).to_have_class(re.compile(r"\belder\b"))
    expect(phone).to_have_url(re.compile(re.escape(FOOD_LICENSE_PATH) + "$"))
    assert _body_font_px(phone) > standard
    assert _scroll_width(phone) <= PHONE["width"]
    phone.goto("/items/")
    expect(phone.locator("body")).to_have_class(re.compile(r"\belder\b"))
    assert _body_font_px(phone) > standard
    assert _scroll_width(phone) <= PHONE["width"]
