"""The public home page in a real browser: content, navigation, styles, 360 px phones, 长辈版."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.browser

ELDER = re.compile(r"(^|\s)elder(\s|$)")
NAV = {
    "首页": "/",
    "办事指南": "/items/",
    "清单公开": "/lists/",
    "五级十五同": "/standards/",
    "接口文档": "/api/docs/",
}


def test_home_page_renders(page: Any) -> None:
    response = page.goto("/")
    assert response is not None and response.status == 200
    assert "首页" in page.title()
    assert page.locator("h1").inner_text().strip() == "一网好办：办事只进一扇门、只跑一趟"

    nav = page.get_by_role("navigation", name="主导航")
    for text, href in NAV.items():
        link = nav.get_by_role("link", name=text, exact=True)
        assert link.count() == 1, text
        assert link.get_attribute("href") == href
    assert nav.get_by_role("link", name="长辈版").count() == 1


def test_static_files_are_served_by_the_live_server(page: Any) -> None:
    css = page.request.get("/static/haoban/site.css")
    assert css.status == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "--brand" in css.text()

    page.goto("/")
    # The stylesheet is applied: the header has the brand colour from site.css.
    background = page.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(179, 38, 30)"
    assert page.evaluate("() => typeof window.htmx") == "object"


def test_home_page_fits_a_360px_phone(new_page: Any) -> None:
    phone = new_page(viewport=PHONE)
    phone.goto("/")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert phone.locator("h1").is_visible()
    assert phone.get_by_role("navigation", name="主导航").get_by_role("link", name="办事指南").is_visible()


def test_elder_mode_toggle(new_page: Any) -> None:
    for viewport in (None, PHONE):
        page = new_page(viewport=viewport)
        page.goto("/")
        body = page.locator("body")
        nav = page.get_by_role("navigation", name="主导航")
        expect(body).not_to_have_class(ELDER)

        nav.get_by_role("link", name="长辈版").click()
        expect(body).to_have_class(ELDER)
        expect(nav.get_by_role("link", name="标准版")).to_be_visible()
        assert body.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 20
        width = page.viewport_size["width"]
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width

        nav.get_by_role("link", name="标准版").click()
        expect(body).not_to_have_class(ELDER)
        expect(nav.get_by_role("link", name="长辈版")).to_be_visible()
