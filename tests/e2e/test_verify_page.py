"""Scanning a notice's QR code: the public verification page in a real browser, on a 360 px phone too."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from pathlib import Path
from typing import Any

import pypdf
import pytest
import zxingcpp
from django.apps import apps as django_apps
from playwright.sync_api import expect

from haoban.cases import documents
from haoban.cases.models import Notice
from haoban.cases.tests.case_rows import APPLICANT_NAME, add_event, isolate_files, make_case
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def notice(
    transactional_db: None, live_server: Any, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> Notice:
    isolate_files(tmp_path, settings, monkeypatch)
    # A transactional test database is flushed after each test, data migrations included.
    importlib.import_module("haoban.catalog.migrations.0002_service_tags").create_tags(django_apps, None)
    case = make_case(
        status="in_review",
        accepted_on=dt.date(2026, 3, 3),
        legal_due_date=dt.date(2026, 3, 31),
        promised_due_date=dt.date(2026, 3, 10),
    )
    event = add_event(case, "accept", "in_review", on=dt.date(2026, 3, 3))
    return documents.issue_notice(event_id=event.pk, kind="acceptance")


def _qr_path(notice: Notice) -> str:
    """The URL path in the notice's QR code, decoded from the image embedded in the stored PDF."""
    reader = pypdf.PdfReader(io.BytesIO(documents.notice_path(notice).read_bytes()))
    (image,) = reader.pages[0].images
    assert image.image is not None
    (code,) = zxingcpp.read_barcodes(image.image.convert("L"))
    assert code.text.startswith("https://zwfw.putian.gov.cn/verify/")
    return code.text.removeprefix("https://zwfw.putian.gov.cn")


def test_qr_code_leads_to_a_page_confirming_the_notice(new_page: Any, notice: Notice) -> None:
    phone = new_page(viewport=PHONE)

    response = phone.goto(_qr_path(notice))

    assert response is not None and response.status == 200
    expect(phone.get_by_role("status")).to_contain_text("这是本平台出具的真实文书。")
    expect(phone.locator("dl.kv")).to_contain_text(notice.document_number)
    body = phone.locator("body").inner_text()
    assert APPLICANT_NAME not in body
    assert notice.case.number not in body
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360


def test_uploading_a_changed_copy_says_it_differs(page: Any, notice: Notice, tmp_path: Path) -> None:
    changed = tmp_path / "copy.pdf"
    changed.write_bytes(documents.notice_path(notice).read_bytes() + b"\n")
    page.goto(f"/verify/{notice.verification_token}/")

    page.set_input_files("input[type=file]", str(changed))
    page.get_by_role("button", name="核对文件", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("不一致：")


def test_unknown_code_is_a_chinese_404(page: Any, notice: Notice) -> None:
    response = page.goto("/verify/not-a-real-token/")

    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("未找到该文书")
