"""Workbench 送达 at the window: the signature pad's PNG or an uploaded image, shown on the case page and
served only to staff in scope (and to the applicant on their page)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from haoban.cases.models import CaseEvent, DeliverySignature
from haoban.cases.tests.factories import at, case_in_status, make_case_version, make_staff, signature_png
from haoban.catalog.tests.factories import make_department
from haoban.core.crypto import sm3_hex

pytestmark = pytest.mark.django_db

NOW = at(2026, 9, 21, 10)


@pytest.fixture(autouse=True)
def private_dir(tmp_path: Path, settings: Any) -> Path:
    settings.HAOBAN_PRIVATE_DIR = tmp_path / "private"
    return Path(settings.HAOBAN_PRIVATE_DIR)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def issued() -> Any:
    return case_in_status("issued", version=make_case_version(), at=NOW)


def _deliver(client: Client, case: Any, data: dict[str, Any]) -> Any:
    return client.post(f"/workbench/cases/{case.number}/actions/deliver/", data)


def test_the_deliver_form_carries_the_pad_and_accepts_files(issued: Any) -> None:
    clerk = make_staff("window_clerk", issued.department)

    page = _client(clerk).get(f"/workbench/cases/{issued.number}/").content.decode()

    assert 'enctype="multipart/form-data"' in page
    assert 'data-field="id_deliver-signature_data"' in page
    assert '<input type="hidden" name="deliver-signature_data" id="id_deliver-signature_data">' in page
    assert "/static/haoban/signature-pad.js" in page


def test_window_pickup_signed_on_the_pad(issued: Any) -> None:
    clerk = make_staff("window_clerk", issued.department)
    client = _client(clerk)
    png = signature_png()

    response = _deliver(
        client,
        issued,
        {
            "deliver-method": "window",
            "deliver-recipient": "林晓梅",
            "deliver-signature_data": "data:image/png;base64," + base64.b64encode(png).decode(),
        },
    )

    assert response.status_code == 302
    signature = DeliverySignature.objects.get(case=issued)
    assert (signature.source, signature.sm3, signature.recorded_by) == ("pad", sm3_hex(png), clerk)
    page = client.get(f"/workbench/cases/{issued.number}/").content.decode()
    url = f"/workbench/cases/{issued.number}/signatures/{signature.uuid}/"
    assert f'src="{url}"' in page
    image = client.get(url)
    assert (image.status_code, image["Content-Type"], image["X-Content-Type-Options"]) == (
        200,
        "image/png",
        "nosniff",
    )
    assert b"".join(image.streaming_content) == png


def test_window_pickup_with_an_uploaded_image(issued: Any) -> None:
    clerk = make_staff("window_clerk", issued.department)

    response = _deliver(
        _client(clerk),
        issued,
        {
            "deliver-method": "window",
            "deliver-recipient": "林晓梅",
            "deliver-signature_file": SimpleUploadedFile("签名.png", signature_png(), "image/png"),
        },
    )

    assert response.status_code == 302
    assert DeliverySignature.objects.get(case=issued).source == "upload"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "窗口领取须有领取人签名：请在签名板上签名或上传签名图片"),
        (
            {"deliver-signature_file": SimpleUploadedFile("签名.png", b"GIF89a not allowed", "image/png")},
            "领取人签名须为 PNG 或 JPEG 图片",
        ),
        ({"deliver-signature_data": "data:image/png;base64,%%%"}, "领取人签名不是有效的 base64 编码"),
    ],
    ids=["missing", "gif", "broken-pad"],
)
def test_a_missing_or_bad_signature_rerenders_the_form_and_writes_nothing(
    issued: Any, extra: dict[str, Any], message: str
) -> None:
    clerk = make_staff("window_clerk", issued.department)

    response = _deliver(
        _client(clerk), issued, {"deliver-method": "window", "deliver-recipient": "林晓梅", **extra}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'href="#id_deliver-signature_file"' in response.content.decode()
    assert CaseEvent.objects.filter(case=issued, action="deliver").count() == 0
    assert DeliverySignature.objects.count() == 0


def test_a_signature_is_404_outside_the_scope_and_for_another_case(issued: Any) -> None:
    clerk = make_staff("window_clerk", issued.department)
    _deliver(
        _client(clerk),
        issued,
        {
            "deliver-method": "window",
            "deliver-recipient": "林晓梅",
            "deliver-signature_data": base64.b64encode(signature_png()).decode(),
        },
    )
    signature = DeliverySignature.objects.get(case=issued)
    other_case = case_in_status("issued", version=make_case_version(), at=NOW)
    outsider = make_staff("window_clerk", make_department(name="仙游县市场监督管理局"), username="outsider")

    outside = _client(outsider).get(f"/workbench/cases/{issued.number}/signatures/{signature.uuid}/")
    wrong_case = _client(clerk).get(f"/workbench/cases/{other_case.number}/signatures/{signature.uuid}/")

    assert outside.status_code == 404
    assert wrong_case.status_code in (404,)
