"""Public notice verification: genuine or not, without personal data; 404 in Chinese for unknown tokens."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from haoban.cases import documents
from haoban.cases.models import Notice
from haoban.cases.tests.case_rows import APPLICANT_NAME, add_event, isolate_files, make_case
from haoban.cases.verify import mask_case_number

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def private_dir(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate_files(tmp_path, settings, monkeypatch)


@pytest.fixture
def notice() -> Notice:
    case = make_case(
        status="in_review",
        accepted_on=D(2026, 3, 3),
        legal_due_date=D(2026, 3, 31),
        promised_due_date=D(2026, 3, 10),
        form_data={"name": "好味小吃店", "address": "荔城区镇海街道 1 号"},
    )
    event = add_event(case, "accept", "in_review", on=D(2026, 3, 3))
    return documents.issue_notice(event_id=event.pk, kind="acceptance")


def url(notice: Notice) -> str:
    return f"/verify/{notice.verification_token}/"


def test_genuine_notice_is_confirmed_without_personal_data(client: Client, notice: Notice) -> None:
    # when
    response = client.get(url(notice))

    # then
    assert response.status_code == 200
    html = response.content.decode()
    case = notice.case
    for shown in (
        "这是本平台出具的真实文书。",
        "受理通知书",
        "市市场监管局受〔2026〕1号",
        "莆田市市场监督管理局",
        "2026年3月3日",
        notice.sm3,
        f"{case.number[:6]}{'*' * (len(case.number) - 10)}{case.number[-4:]}",
    ):
        assert shown in html
    for hidden in (
        APPLICANT_NAME,
        case.applicant.resident_id,
        case.applicant.resident_id[-6:],
        case.applicant.phone,
        case.number,
        "好味小吃店",
        "镇海街道",
        case.item_version.name,
    ):
        assert hidden not in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "no-cache" in response["Cache-Control"]


def test_tampered_file_is_not_confirmed(client: Client, notice: Notice) -> None:
    path = documents.notice_path(notice)
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOF\n% changed"))

    response = client.get(url(notice))

    html = response.content.decode()
    assert response.status_code == 200
    assert "无法确认该文书的真实性。" in html
    assert "存档文件的 SM3 摘要与登记不一致，文件可能已被改动。" in html
    assert "这是本平台出具的真实文书" not in html


def test_forged_signature_is_not_confirmed(client: Client, notice: Notice) -> None:
    other = documents.issue_notice(
        event_id=add_event(notice.case, "extend", "in_review", reason="复查", amount=5).pk, kind="extension"
    )
    Notice.objects.filter(pk=notice.pk).update(signature=other.signature)

    html = client.get(url(notice)).content.decode()

    assert "电子印章（SM2 签名）验证未通过。" in html
    assert "<dd>无效" in html


def test_missing_file_is_reported(client: Client, notice: Notice) -> None:
    documents.notice_path(notice).unlink()

    html = client.get(url(notice)).content.decode()

    assert "存档文件缺失。" in html


@pytest.mark.parametrize("token", ["no-such-token", "x" * 64, "%E4%B8%AD"])
def test_unknown_token_is_a_chinese_404(client: Client, notice: Notice, token: str) -> None:
    response = client.get(f"/verify/{token}/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "未找到该文书" in html
    assert "本平台没有出具过与该二维码或网址对应的文书" in html
    assert notice.document_number not in html


def test_uploaded_copy_is_compared_byte_for_byte(client: Client, notice: Notice) -> None:
    pdf = documents.notice_path(notice).read_bytes()

    same = client.post(url(notice), {"file": SimpleUploadedFile("a.pdf", pdf)})
    changed = client.post(url(notice), {"file": SimpleUploadedFile("a.pdf", pdf + b" ")})
    empty = client.post(url(notice), {})

    assert "一致：" in same.content.decode()
    assert "不一致：" in changed.content.decode()
    assert "请选择要核对的 PDF 文件" in empty.content.decode()
    assert "不一致：" not in empty.content.decode()


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("350300202603020000017", "350300***********0017"),
        ("3503001234", "**********"),
        ("35030012345", "350300*2345"),
    ],
)
def test_mask_case_number(number: str, masked: str) -> None:
    assert mask_case_number(number) == masked
