"""POST /api/v1/cases/{number}/deliver/: the window pickup's signature image as base64 in JSON."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from rest_framework.test import APIClient

from haoban.cases.models import CaseEvent, DeliverySignature
from haoban.cases.tests.factories import at, case_in_status, make_staff, signature_png, snapshot
from haoban.core.crypto import sm3_hex

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 10, 12, 9), tick=False)


def _post(case: Any, body: dict[str, Any]) -> Any:
    client = APIClient()
    client.force_authenticate(make_staff("window_clerk", case.department))
    return client.post(f"/api/v1/cases/{case.number}/deliver/", body, format="json")


def test_window_pickup_with_a_data_url_signature() -> None:
    case = case_in_status("issued", at=at(2026, 10, 9, 9))
    png = signature_png()

    response = _post(
        case,
        {
            "method": "window",
            "recipient": "林晓梅",
            "signature": "data:image/png;base64," + base64.b64encode(png).decode(),
        },
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "delivered"
    signature = DeliverySignature.objects.get(case=case)
    assert (signature.sm3, signature.size, signature.source) == (sm3_hex(png), len(png), "pad")
    assert CaseEvent.objects.get(case=case, action="deliver").data["signature"]["id"] == str(signature.uuid)


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        ("", "窗口领取须有领取人签名：请在签名板上签名或上传签名图片"),
        ("not base64!", "领取人签名不是有效的 base64 编码"),
        (base64.b64encode(b"%PDF-1.7 hello").decode(), "领取人签名须为 PNG 或 JPEG 图片"),
        (
            base64.b64encode(signature_png() + b"\0" * (1024 * 1024)).decode(),
            "领取人签名图片超过 1024 KB 的大小限制",
        ),
    ],
    ids=["missing", "not-base64", "pdf", "too-large"],
)
def test_a_missing_or_bad_signature_is_400_naming_the_field_and_nothing_is_written(
    signature: str, message: str
) -> None:
    case = case_in_status("issued", at=at(2026, 10, 9, 9))
    before = snapshot(case)

    response = _post(case, {"method": "window", "recipient": "林晓梅", "signature": signature})

    assert response.status_code == 400
    assert response.json()["fields"] == {"signature": [message]}
    assert snapshot(case) == before
    assert DeliverySignature.objects.count() == 0


def test_electronic_delivery_stays_plain_json() -> None:
    case = case_in_status("issued", at=at(2026, 10, 9, 9))

    response = _post(case, {"method": "electronic"})

    assert response.status_code == 200
    assert DeliverySignature.objects.count() == 0
