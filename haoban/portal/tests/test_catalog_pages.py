"""Public catalog pages: /items/, guides and versions, guide PDF, /lists/, /standards/."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf
import pytest
from django.test import Client
from PIL import Image

from haoban.catalog.services import version_create_draft, version_publish, version_update
from haoban.catalog.tests.factories import make_department, make_item, make_region
from haoban.core.pdf import qr_png_bytes

pytestmark = pytest.mark.django_db


def _text(html: bytes) -> str:
    """The visible text of a page, whitespace collapsed (for exact phrase assertions)."""
    text = re.sub(r"<[^>]+>", " ", html.decode())
    return re.sub(r"\s+", " ", text)


def _names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'<h3><a href="/items/[0-9A-Z]+/">([^<]+)</a></h3>', response.content.decode())


@pytest.fixture
def catalog() -> dict[str, object]:
    city = make_region("350300")
    county = make_region("350302", parent=city)
    city_dept = make_department(region=city, name="莆田市市场监督管理局")
    county_dept = make_department(region=county, name="城厢区民政局")
    food = make_item(department=city_dept, basic_code="350100100000", name="食品经营许可（新办）")
    relief = make_item(
        department=county_dept,
        level=4,
        basic_code="352000500000",
        name="最低生活保障申请",
        service_tags=["nearby"],
        promised_limit_amount=10,
    )
    draft = make_item(
        department=county_dept, level=4, basic_code="352000600000", name="草稿事项", publish=False
    )
    return {
        "city_dept": city_dept,
        "county_dept": county_dept,
        "food": food,
        "relief": relief,
        "draft": draft,
    }


# --- /items/ ----------------------------------------------------------------------------------------------


def test_item_list_shows_published_items_with_their_elements(client: Client, catalog: dict) -> None:
    response = client.get("/items/")

    assert response.status_code == 200
    assert _names(response) == ["食品经营许可（新办）", "最低生活保障申请"]
    text = _text(response.content)
    assert "共 2 个事项。" in text
    food = catalog["food"]
    assert food.item.implementation_code in text
    assert "基本编码 350100100000" in text
    assert "实施部门 莆田市市场监督管理局" in text
    assert "层级 市级 · 莆田市" in text
    assert "承诺时限 10 个工作日" in text
    assert "一次办" in text and "网上办" in text and "就近办" in text
    assert "草稿事项" not in text


def test_item_list_filters_and_search(client: Client, catalog: dict) -> None:
    county_uscc = catalog["county_dept"].uscc
    cases = {
        f"department={county_uscc}": ["最低生活保障申请"],
        "item_type=01": ["食品经营许可（新办）"],
        "level=4": ["最低生活保障申请"],
        "tag=nearby": ["最低生活保障申请"],
        "region=350302": ["最低生活保障申请"],
        "region=350300": ["食品经营许可（新办）", "最低生活保障申请"],
        "q=食品": ["食品经营许可（新办）"],
        "q=zdsh": ["最低生活保障申请"],
        "q=3520005": ["最低生活保障申请"],
        "level=3&tag=nearby": [],
        # an unknown value (tampered URL) is ignored, not an error
        "level=9": ["食品经营许可（新办）", "最低生活保障申请"],
    }
    for query, expected in cases.items():
        response = client.get(f"/items/?{query}")
        assert response.status_code == 200, query
        assert _names(response) == expected, query


def test_item_list_empty_result_explains_what_to_do(client: Client, catalog: dict) -> None:
    response = client.get("/items/?q=不存在")

    text = _text(response.content)
    assert "找到 0 个符合条件的事项" in text
    assert "没有找到符合条件的事项。" in text
    assert "清除全部筛选条件" in text


def test_item_list_without_items(client: Client) -> None:
    assert "目前还没有已发布的政务服务事项。" in _text(client.get("/items/").content)


def test_item_list_htmx_returns_only_the_results(client: Client, catalog: dict) -> None:
    response = client.get("/items/?tag=nearby", HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert "<html" not in body
    assert _names(response) == ["最低生活保障申请"]
    assert "HX-Request" in response["Vary"]


def test_item_list_is_paginated(client: Client) -> None:
    department = make_department()
    for n in range(21):
        make_item(department=department, basic_code=f"350100{n + 100:03d}000", name=f"事项{n + 1:02d}")

    first = client.get("/items/")
    second = client.get("/items/?page=2")

    assert len(_names(first)) == 20
    assert _names(second) == ["事项21"]
    assert "第 2 页，共 2 页" in _text(second.content)
    assert 'href="?page=1"' in second.content.decode()


# --- guide pages ------------------------------------------------------------------------------------------


def test_guide_page_renders_the_guide(client: Client, catalog: dict) -> None:
    code = catalog["food"].item.implementation_code

    response = client.get(f"/items/{code}/")

    assert response.status_code == 200
    text = _text(response.content)
    for phrase in [
        "食品经营许可（新办）",
        "多久办好 承诺 5 个工作日 （法定 20 个工作日）",
        "要跑几次 到现场 1 次",
        "要带什么 需提交 1 项材料，另有 1 项免提交",
        "是否收费 不收费",
        "申请人应当具有与经营的食品品种、数量相适应的经营场所。",
        "食品经营许可申请书",
        "免提交（电子证照：营业执照电子证照）",
        "受理 ：窗口受理人员，1 个工作日",
        "《中华人民共和国食品安全法》第三十五条：从事食品生产、经营应当依法取得许可。",
        "核对经营场所与申请材料是否一致。",
        "结果名称 食品经营许可证",
        f"实施编码 {code}",
        "莆田市行政服务中心二楼 12 号窗口",
        "第 1 版，2025-01-01 起生效",
    ]:
        assert phrase in text, phrase
    html = response.content.decode()
    assert f'href="/items/{code}/guide.pdf"' in html
    assert f'href="/api/v1/guides/{code}/"' in html
    assert f'href="/items/{code}/versions/"' in html
    assert "这是历史版本" not in text


def test_guide_page_404_for_unknown_and_draft_only_items(client: Client, catalog: dict) -> None:
    for code in ("X" * 31, catalog["draft"].item.implementation_code):
        response = client.get(f"/items/{code}/")
        assert response.status_code == 404
        assert f"没有找到实施编码为 {code} 的现行事项。" in _text(response.content)
        assert client.get(f"/items/{code}/guide.pdf").status_code == 404
        assert client.get(f"/items/{code}/versions/").status_code == 404


def test_versions_list_past_versions_and_never_drafts(client: Client, catalog: dict) -> None:
    v1 = catalog["food"]
    code = v1.item.implementation_code
    v2 = version_create_draft(item=v1.item)
    version_update(version=v2, content={"name": "食品经营许可（新办，修订）"})
    version_publish(version=v2, valid_from=dt.date(2025, 3, 1), change_note="压缩承诺时限")
    version_create_draft(item=v1.item)  # version 3, a draft

    listing = client.get(f"/items/{code}/versions/")
    past = client.get(f"/items/{code}/versions/1/")
    current = client.get(f"/items/{code}/")

    text = _text(listing.content)
    assert "第 2 版 （现行） 2025-03-01 起 压缩承诺时限" in text
    assert "第 1 版 2025-01-01 至 2025-02-28" in text
    assert "第 3 版" not in text
    assert past.status_code == 200
    past_text = _text(past.content)
    assert "这是历史版本：第 1 版 （有效期 2025-01-01 至 2025-02-28）" in past_text
    assert "查看现行版本（第 2 版）" in past_text
    assert f'href="/items/{code}/versions/1/guide.pdf"' in past.content.decode()
    assert "食品经营许可（新办，修订）" in _text(current.content)
    assert client.get(f"/items/{code}/versions/3/").status_code == 404
    assert client.get(f"/items/{code}/versions/3/guide.pdf").status_code == 404
    assert client.get(f"/items/{code}/versions/9/").status_code == 404


# --- PDF --------------------------------------------------------------------------------------------------


def _font_files(reader: pypdf.PdfReader) -> set[str]:
    found = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            for candidate in [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]:
                descriptor = candidate.get("/FontDescriptor")
                if descriptor is not None:
                    descriptor = descriptor.get_object()
                    found |= {f"{font['/BaseFont']}{k}" for k in ("/FontFile2",) if k in descriptor}
    return found


def test_guide_pdf_is_a_real_pdf_with_text_font_and_qr(client: Client, catalog: dict, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PUBLIC_BASE_URL = "https://zwfw.putian.gov.cn"
    code = catalog["food"].item.implementation_code

    response = client.get(f"/items/{code}/guide.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{code}-v1.pdf"'
    data = response.content
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.metadata.title == "食品经营许可（新办） 办事指南"
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "食品经营许可（新办）" in text
    assert "食品经营许可申请书" in text
    assert f"第 1 页 / 共 {len(reader.pages)} 页" in text
    url = f"https://zwfw.putian.gov.cn/items/{code}/"
    assert url in text
    assert any("WenQuanYiMicroHei" in name for name in _font_files(reader))
    # the QR image is the QR code of the online guide's URL, pixel for pixel
    images = reader.pages[0].images
    assert len(images) == 1
    expected = Image.open(io.BytesIO(qr_png_bytes(url, scale=4, border=2))).convert("L")
    assert images[0].image.convert("L").tobytes() == expected.tobytes()


def test_version_pdf_points_to_the_version_page(client: Client, catalog: dict, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PUBLIC_BASE_URL = "https://zwfw.putian.gov.cn"
    code = catalog["food"].item.implementation_code

    response = client.get(f"/items/{code}/versions/1/guide.pdf")

    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert f"https://zwfw.putian.gov.cn/items/{code}/versions/1/" in text


# --- /lists/ and /standards/ -------------------------------------------------------------------------------


def test_lists_show_the_16_tags_in_order_with_counts(client: Client, catalog: dict) -> None:
    response = client.get("/lists/")

    names = re.findall(
        r'<span class="tag-name">([^<]+)</span><span class="tag-count">(\d+) 项</span>',
        response.content.decode(),
    )
    assert names == [
        ("马上办", "0"), ("一次办", "1"), ("网上办", "1"), ("自助办", "0"), ("掌上办", "0"), ("就近办", "1"),
        ("免证办", "0"), ("邮寄办", "0"), ("零跑腿", "0"), ("智能秒批", "0"), ("全程代办", "0"),
        ("容缺受理", "0"), ("告知承诺", "0"), ("前置审批", "0"), ("中介服务", "0"), ("便民服务", "0"),
    ]  # fmt: skip


def test_list_detail_shows_the_items_of_a_tag(client: Client, catalog: dict) -> None:
    nearby = client.get("/lists/nearby/")
    empty = client.get("/lists/immediate/")
    unknown = client.get("/lists/fast/")

    assert _names(nearby) == ["最低生活保障申请"]
    assert "“就近办”事项清单" in _text(nearby.content)
    assert "可在乡镇（街道）、村（社区）就近办理的事项。" in _text(nearby.content)
    assert _names(empty) == []
    assert "该清单目前还没有事项。" in _text(empty.content)
    assert unknown.status_code == 404
    assert "没有名为“fast”的特色服务清单。" in _text(unknown.content)


def test_standards_page_shows_differing_elements(client: Client) -> None:
    city = make_department(region=make_region("350300"), name="莆田市市场监督管理局")
    county = make_department(region=make_region("350302"), name="城厢区市场监督管理局")
    make_item(department=city, basic_code="350100100000")
    make_item(department=county, level=4, basic_code="350100100000", promised_limit_amount=3)

    response = client.get("/standards/")

    text = _text(response.content)
    assert "共核查 1 组同基本编码事项，其中 1 组存在要素差异，共 1 项差异。" in text
    assert "1 项要素不一致" in text
    assert "承诺时限 5 个工作日 3 个工作日" in text
    assert "莆田市市级" in text and "城厢区县级" in text


def test_standards_page_empty(client: Client) -> None:
    text = _text(client.get("/standards/").content)
    assert "目前没有在多个层级或区域实施的同一事项，暂无可比较的内容。" in text
