"""Paying online on a 360 px phone: the applicant's case page shows the payment order and 去缴费, the local
cashier shows the order and 确认支付, and back on the case page the order reads 已缴费 — no page wider than
the phone."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import expect

from haoban.payments.models import PaymentOrder
from haoban.payments.tests.helpers import approved_case
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.browser

PASSWORD = "pay-journey-2026"


@pytest.fixture
def case(transactional_db: None, live_server: Any, tmp_path: Path, settings: Any) -> Any:
    settings.HAOBAN_PRIVATE_DIR = tmp_path / "private"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.HAOBAN_PAYMENT_PROVIDER = "haoban.payments.providers.local.LocalProvider"
    # A transactional test database is flushed after each test, data migrations included.
    importlib.import_module("haoban.catalog.migrations.0002_service_tags").create_tags(django_apps, None)
    case = approved_case()
    user = case.applicant.user
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return case


def _width(page: Any) -> int:
    return int(page.evaluate("() => document.documentElement.scrollWidth"))


def test_the_applicant_pays_on_a_phone(new_page: Any, case: Any) -> None:
    phone = new_page(viewport=PHONE)
    phone.goto(f"/accounts/login/?next=/my/cases/{case.number}/")
    phone.fill("#id_username", case.applicant.user.username)
    phone.fill("#id_password", PASSWORD)
    phone.click("form button[type=submit]")
    phone.wait_for_url(f"**/my/cases/{case.number}/")

    section = phone.locator("#h-payment").locator("xpath=..")
    expect(section).to_contain_text(f"缴费单 JF{case.number}")
    expect(section).to_contain_text("待缴费")
    expect(section).to_contain_text("80.50")
    assert _width(phone) <= 360

    phone.get_by_role("button", name="去缴费").click()
    phone.wait_for_url(f"**/payments/orders/JF{case.number}/cashier/")
    expect(phone.locator("h1")).to_contain_text("缴费 80.50 元")
    assert _width(phone) <= 360

    phone.get_by_role("button", name="确认支付 80.50 元").click()
    phone.wait_for_url(f"**/my/cases/{case.number}/")
    expect(phone.get_by_role("status").first).to_contain_text("缴费成功")
    expect(section).to_contain_text("已缴费")
    expect(phone.get_by_role("button", name="去缴费")).to_have_count(0)
    assert PaymentOrder.objects.get(case=case).status == "paid"
    assert _width(phone) <= 360
