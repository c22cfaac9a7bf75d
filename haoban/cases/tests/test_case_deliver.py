"""case_deliver (送达, Art. 44, seed Art. 49): window pickup, post or electronic."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from haoban.cases.models import DeliverySignature
from haoban.cases.services import CaseConflict, case_deliver, recorded_by_integration
from haoban.cases.signatures import SignatureImage, signature_from_base64
from haoban.cases.tests.factories import (
    at,
    case_in_status,
    make_staff,
    outbox_mark,
    outbox_since,
    signature_png,
    snapshot,
)
from haoban.core.crypto import sm3_hex

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 10, 12, 9), tick=False)


def test_delivery_by_post_records_address_and_tracking_number() -> None:
    # given
    case = case_in_status("issued", at=at(2026, 10, 9, 9))
    clerk = make_staff("window_clerk", case.department)
    mark = outbox_mark()

    # when
    case = case_deliver(
        case=case,
        actor=clerk,
        method="post",
        address="荔城区镇海街道 1 号",
        tracking_number="EMS1234567890CN",
    )

    # then
    assert (case.status, case.current_step, case.step_due_date) == ("delivered", None, None)
    event = case.events.get(sequence=5)
    assert event.data == {
        "method": "post",
        "recipient": "",
        "tracking_number": "EMS1234567890CN",
        "address": "荔城区镇海街道 1 号",
        "on_time": True,
    }
    assert outbox_since(mark) == [("cases.notify", {"event_id": event.pk})]


@pytest.mark.parametrize(
    ("kwargs", "errors"),
    [
        (
            {"method": "pigeon"},
            {"method": ["送达方式只能是 window（窗口领取）、post（邮寄送达）或 electronic（电子送达）"]},
        ),
        (
            {"method": "window"},
            {
                "recipient": ["窗口领取须登记领取人"],
                "signature": ["窗口领取须有领取人签名：请在签名板上签名或上传签名图片"],
            },
        ),
        (
            {"method": "post"},
            {"address": ["邮寄送达须填写收件地址"], "tracking_number": ["邮寄送达须填写快递单号"]},
        ),
    ],
)
def test_delivery_details_are_required(kwargs: dict[str, str], errors: dict[str, list[str]]) -> None:
    case = case_in_status("issued", at=at(2026, 10, 9, 9))
    before = snapshot(case)

    with pytest.raises(ValidationError) as raised:
        case_deliver(case=case, actor=make_staff("window_clerk", case.department), **kwargs)

    assert raised.value.message_dict == errors
    assert snapshot(case) == before


def test_delivery_requires_issue_first() -> None:
    case = case_in_status("approved", at=at(2026, 10, 9, 9))
    before = snapshot(case)

    with pytest.raises(CaseConflict) as raised:
        case_deliver(case=case, actor=make_staff("window_clerk", case.department), method="electronic")

    assert raised.value.message == "办件状态为“准予”，不能执行“送达”"
    assert snapshot(case) == before


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_window_pickup_stores_the_drawn_signature_with_its_sm3_and_links_it_from_the_event(
    private_dir: Path,
) -> None:
    # given: the pad posts a PNG data URL
    case = case_in_status("issued", at=at(2026, 10, 9, 9))
    clerk = make_staff("window_clerk", case.department)
    png = signature_png()
    drawn = signature_from_base64("data:image/png;base64," + base64.b64encode(png).decode())

    # when
    case = case_deliver(case=case, actor=clerk, method="window", recipient=" 林晓梅 ", signature=drawn)

    # then
    assert case.status == "delivered"
    event = case.events.get(sequence=5)
    signature = DeliverySignature.objects.get(case=case)
    assert (signature.event, signature.recipient, signature.source, signature.recorded_by) == (
        event,
        "林晓梅",
        "pad",
        clerk,
    )
    assert (signature.content_type, signature.size, signature.sm3) == ("image/png", len(png), sm3_hex(png))
    assert event.data == {
        "method": "window",
        "recipient": "林晓梅",
        "tracking_number": "",
        "address": "",
        "on_time": True,
        "signature": {"id": str(signature.uuid), "sm3": sm3_hex(png), "source": "pad"},
    }
    stored = private_dir / signature.storage_path
    assert signature.storage_path.startswith(f"signatures/{case.number}/") and stored.suffix == ".png"
    assert stored.read_bytes() == png


def test_window_pickup_accepts_an_uploaded_jpeg(private_dir: Path) -> None:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (300, 100), 255).save(buffer, format="JPEG")
    case = case_in_status("issued", at=at(2026, 10, 9, 9))

    case = case_deliver(
        case=case,
        actor=make_staff("window_clerk", case.department),
        method="window",
        recipient="林晓梅",
        signature=SignatureImage(SimpleUploadedFile("签名.jpg", buffer.getvalue())),
    )

    signature = DeliverySignature.objects.get(case=case)
    assert (signature.source, signature.content_type, signature.size) == (
        "upload",
        "image/jpeg",
        len(buffer.getvalue()),
    )
    assert (private_dir / signature.storage_path).suffix == ".jpg"


def _too_big_png() -> bytes:
    # A valid PNG header followed by padding: over 1 MB whatever the content.
    return signature_png() + b"\0" * (1024 * 1024)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7 not a picture", "领取人签名须为 PNG 或 JPEG 图片"),
        (b"\x89PNG\r\n\x1a\n" + b"truncated", "领取人签名图片已损坏，无法读取，请重新签名或上传"),
        (b"", "领取人签名是空文件，请重新签名或上传"),
        (None, "领取人签名图片超过 1024 KB 的大小限制"),
    ],
    ids=["pdf", "fake-png", "empty", "too-large"],
)
def test_a_bad_signature_image_is_refused_and_nothing_is_written(
    content: bytes | None, message: str, private_dir: Path
) -> None:
    case = case_in_status("issued", at=at(2026, 10, 9, 9))
    before = snapshot(case)
    upload = SimpleUploadedFile("签名.png", _too_big_png() if content is None else content)

    with pytest.raises(ValidationError) as raised:
        case_deliver(
            case=case,
            actor=make_staff("window_clerk", case.department),
            method="window",
            recipient="林晓梅",
            signature=SignatureImage(upload),
        )

    assert raised.value.message_dict == {"signature": [message]}
    assert snapshot(case) == before
    assert DeliverySignature.objects.count() == 0
    assert _files(private_dir / "signatures") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("data:image/png;base64,@@@", "领取人签名不是有效的 base64 编码"),
        ("data:image/png,plain", "领取人签名须为 base64 编码的 PNG 或 JPEG 图片"),
        ("A" * 1_400_020, "领取人签名图片超过 1024 KB 的大小限制"),
    ],
)
def test_signature_text_that_is_not_base64_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        signature_from_base64(text)

    assert raised.value.message_dict == {"signature": [message]}


def test_a_department_system_records_a_window_pickup_without_an_image() -> None:
    case = case_in_status("issued", at=at(2026, 10, 9, 9))

    with recorded_by_integration("client-1"):
        case = case_deliver(
            case=case, actor=make_staff("window_clerk", case.department), method="window", recipient="林晓梅"
        )

    assert case.status == "delivered"
    assert DeliverySignature.objects.count() == 0


@pytest.mark.parametrize("method", ["post", "electronic"])
def test_post_and_electronic_delivery_need_no_signature(method: str) -> None:
    case = case_in_status("issued", at=at(2026, 10, 9, 9))
    extra = {"address": "荔城区镇海街道 1 号", "tracking_number": "EMS1"} if method == "post" else {}

    case = case_deliver(case=case, actor=make_staff("window_clerk", case.department), method=method, **extra)

    assert case.status == "delivered"
    assert "signature" not in case.events.get(sequence=5).data
    assert DeliverySignature.objects.count() == 0
