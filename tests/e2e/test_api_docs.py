"""/api/docs/: Swagger UI works offline, every asset comes from the server itself."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_swagger_ui_uses_only_local_assets(page: Any, site_url: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="接口文档").click()
    operation = page.locator('.opblock-summary-path[data-path="/api/v1/items/"]')
    expect(operation.first).to_be_visible()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("一网好办 Haoban API")
    page.wait_for_load_state("networkidle")

    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/" in url for url in requests)
    assert any(url.startswith(f"{site_url}/api/schema/") for url in requests)
    foreign = [url for url in requests if not url.startswith(f"{site_url}/")]
    assert foreign == []
