"""The workbench's signature pad (送达, window pickup) in Chromium: drawn with a finger on a 360 px phone and
with the mouse on a desktop, posted as a PNG and shown back on the case page."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import Client
from playwright.sync_api import expect

from haoban.cases.models import DeliverySignature
from haoban.cases.tests.factories import case_in_status, make_staff
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def issued(transactional_db: None, live_server: Any, tmp_path: Path, settings: Any) -> Any:
    settings.HAOBAN_PRIVATE_DIR = tmp_path / "private"
    importlib.import_module("haoban.catalog.migrations.0002_service_tags").create_tags(django_apps, None)
    case = case_in_status("issued")
    return case, make_staff("window_clerk", case.department)


def _logged_in(new_page: Any, user: Any, site_url: str, **options: Any) -> Any:
    client = Client()
    client.force_login(user)
    page = new_page(**options)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site_url}]
    )
    return page


def _stroke(page: Any) -> list[tuple[float, float]]:
    canvas = page.locator("[data-signature-pad] canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 100
    return [
        (box["x"] + box["width"] * f, box["y"] + box["height"] * (0.3 + 0.4 * (i % 2)))
        for i, f in enumerate((0.1, 0.3, 0.5, 0.7, 0.9))
    ]


def _draw_with_mouse(page: Any) -> None:
    (x0, y0), *rest = _stroke(page)
    page.mouse.move(x0, y0)
    page.mouse.down()
    for x, y in rest:
        page.mouse.move(x, y, steps=3)
    page.mouse.up()


def _deliver_and_check(page: Any, case: Any) -> None:
    field = page.locator("#id_deliver-signature_data")
    expect(page.locator("[data-signature-pad] [data-status]")).to_have_text("已签名")
    assert field.input_value().startswith("data:image/png;base64,")
    page.locator("#action-deliver input[value=window]").check()
    page.fill("#id_deliver-recipient", "林晓梅")
    page.locator("#action-deliver button[type=submit]").click()
    expect(page.locator(".notice[role=status]")).to_contain_text("已送达")
    signature = DeliverySignature.objects.get(case=case)
    assert (signature.source, signature.content_type, signature.recipient) == ("pad", "image/png", "林晓梅")
    image = page.locator("img.signature-image")
    expect(image).to_be_visible()
    # the image is served (in scope) and decodes
    page.wait_for_function(
        "() => { const i = document.querySelector('img.signature-image'); return i.complete && i.naturalWidth > 0 }"
    )


def test_a_finger_signs_on_a_phone(issued: Any, new_page: Any, site_url: str) -> None:
    case, clerk = issued
    page = _logged_in(new_page, clerk, site_url, viewport=PHONE, has_touch=True, is_mobile=True)
    page.goto(f"/workbench/cases/{case.number}/")
    pad = page.locator("[data-signature-pad]")
    expect(pad).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    pad.scroll_into_view_if_needed()
    points = _stroke(page)

    cdp = page.context.new_cdp_session(page)
    (x0, y0), *rest = points
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]})
    for x, y in rest:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    _deliver_and_check(page, case)


def test_the_mouse_signs_on_a_desktop_and_clear_starts_again(
    issued: Any, new_page: Any, site_url: str
) -> None:
    case, clerk = issued
    page = _logged_in(new_page, clerk, site_url)
    page.goto(f"/workbench/cases/{case.number}/")

    _draw_with_mouse(page)
    page.locator("[data-signature-pad] [data-clear]").click()
    assert page.locator("#id_deliver-signature_data").input_value() == ""
    expect(page.locator("[data-signature-pad] [data-status]")).to_have_text("尚未签名")
    _draw_with_mouse(page)

    _deliver_and_check(page, case)
