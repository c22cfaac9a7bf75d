"""Online payment through the local provider, end to end with the Django test client: the applicant's case
page → 去缴费 → cashier → 确认支付 (a signed notification through the callback path) → paid → case event.
And the callback URL itself: bad signature, wrong amount, unknown order, repeated notification."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from haoban.cases.models import CaseEvent
from haoban.cases.tests.factories import at, make_applicant, make_staff, snapshot

from ..providers.local import LocalProvider, sign
from .helpers import approved_case, order_of, order_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any, settings: Any) -> None:
    time_machine.move_to(at(2026, 10, 12, 9), tick=False)
    settings.HAOBAN_PAYMENT_PROVIDER = "haoban.payments.providers.local.LocalProvider"
    settings.HAOBAN_PAYMENT_LOCAL_KEY = "11" * 32


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_applicant_pays_online_through_the_local_cashier() -> None:
    # given
    case = approved_case()
    order = order_of(case)
    client = _client(case.applicant.user)

    # the case page shows the order and 去缴费
    page = client.get(f"/my/cases/{case.number}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f"缴费单 {order.number}" in html and "待缴费" in html and "去缴费" in html and "80.50" in html

    # 去缴费 → the provider's checkout URL
    checkout = client.post(f"/payments/orders/{order.number}/checkout/")
    assert (checkout.status_code, checkout["Location"]) == (302, f"/payments/orders/{order.number}/cashier/")

    # the cashier shows the order and 确认支付
    cashier = client.get(checkout["Location"])
    assert cashier.status_code == 200
    assert "本地模拟收银台" in cashier.content.decode() and "确认支付 80.50 元" in cashier.content.decode()

    # when: 确认支付
    paid = client.post(checkout["Location"])

    # then: back to the case, the order paid online, the pay event on the timeline
    assert (paid.status_code, paid["Location"]) == (302, f"/my/cases/{case.number}/")
    order = order_of(case)
    assert (order.status, order.method, order.provider, order.recorded_by) == (
        "paid",
        "online",
        "local",
        None,
    )
    assert order.provider_reference.startswith("LOCAL") and len(order.provider_reference) == 21
    event = CaseEvent.objects.filter(case=case).order_by("-sequence").first()
    assert (event.action, event.actor, event.actor_role, event.data) == (
        "pay",
        None,
        "system",
        {"order_id": order.number, "amount": "80.50", "method": "online"},
    )
    page = client.get(f"/my/cases/{case.number}/").content.decode()
    assert "已缴费" in page and "去缴费" not in page and "缴费成功" in page


def test_another_applicant_cannot_see_or_pay_the_order() -> None:
    case = approved_case()
    order = order_of(case)
    stranger = _client(make_applicant("王五").user)
    before = order_row(order)

    assert stranger.post(f"/payments/orders/{order.number}/checkout/").status_code == 404
    assert stranger.get(f"/payments/orders/{order.number}/cashier/").status_code == 404
    assert stranger.post(f"/payments/orders/{order.number}/cashier/").status_code == 404
    assert order_row(order) == before


def _notification(order: Any, **changes: str) -> dict[str, str]:
    data = {
        "order_number": order.number,
        "provider_reference": "LOCALGATEWAY0001",
        "amount": "80.50",
        "timestamp": "1791766800",
    }
    data["signature"] = sign(data)
    data.update(changes)
    return data


def test_the_callback_records_once_and_repeats_are_a_no_op() -> None:
    case = approved_case()
    order = order_of(case)
    data = _notification(order)

    first = Client().post("/payments/notify/", data)
    events = snapshot(case)
    second = Client().post("/payments/notify/", data, content_type="application/json")

    assert (first.status_code, first.content) == (200, b"success")
    assert (second.status_code, second.content) == (200, b"success")
    assert order_of(case).provider_reference == "LOCALGATEWAY0001"
    assert CaseEvent.objects.filter(case=case, action="pay").count() == 1
    assert snapshot(case) == events


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"signature": "0" * 64}, "支付通知签名无效"),
        ({"amount": "0.50"}, "支付通知签名无效"),  # changing a signed field breaks the signature
        ({"signature": ""}, "支付通知缺少字段：signature"),
    ],
)
def test_the_callback_refuses_what_it_cannot_trust(changes: dict[str, str], message: str) -> None:
    case = approved_case()
    order = order_of(case)
    before, events = order_row(order), snapshot(case)

    response = Client().post("/payments/notify/", _notification(order, **changes))

    assert (response.status_code, response.content.decode()) == (400, message)
    assert order_row(order) == before
    assert snapshot(case) == events


def test_the_callback_refuses_a_signed_but_wrong_amount_or_unknown_order() -> None:
    case = approved_case()
    order = order_of(case)
    before, events = order_row(order), snapshot(case)
    wrong = {"order_number": order.number, "provider_reference": "R1", "amount": "8.05", "timestamp": "1"}
    wrong["signature"] = sign(wrong)
    unknown = {"order_number": "JF0", "provider_reference": "R2", "amount": "80.50", "timestamp": "1"}
    unknown["signature"] = sign(unknown)

    amount = Client().post("/payments/notify/", wrong)
    missing = Client().post("/payments/notify/", unknown)

    assert (amount.status_code, amount.content.decode()) == (
        400,
        "支付通知金额 8.05 元与缴费单应缴金额 80.50 元不符",
    )
    assert (missing.status_code, missing.content.decode()) == (400, "支付通知中的缴费单 JF0 不存在")
    assert order_row(order) == before
    assert snapshot(case) == events


def test_a_second_payment_of_a_paid_order_is_a_conflict() -> None:
    case = approved_case()
    order = order_of(case)
    assert Client().post("/payments/notify/", _notification(order)).status_code == 200
    before, events = order_row(order), snapshot(case)

    other = {
        "order_number": order.number,
        "provider_reference": "LOCALOTHER",
        "amount": "80.50",
        "timestamp": "2",
    }
    other["signature"] = sign(other)
    response = Client().post("/payments/notify/", other)

    assert (response.status_code, response.content.decode()) == (
        409,
        f"缴费单 {order.number} 已缴费，不能再次缴费",
    )
    assert order_row(order) == before
    assert snapshot(case) == events


def test_malformed_json_is_a_400() -> None:
    response = Client().post("/payments/notify/", b"[1", content_type="application/json")

    assert (response.status_code, response.content.decode()) == (400, "支付通知不是有效的 JSON")


def test_the_local_notification_verifies() -> None:
    case = approved_case()
    provider = LocalProvider()

    notice = provider.verify_notification(provider.notification_for(order_of(case)))

    assert (notice.order_number, str(notice.amount)) == (order_of(case).number, "80.50")


def test_the_receipt_of_a_paid_order_is_a_pdf_for_those_who_see_the_case() -> None:
    # given
    case = approved_case()
    order = order_of(case)
    applicant = _client(case.applicant.user)
    url = f"/payments/orders/{order.number}/receipt.pdf"
    assert applicant.get(url).status_code == 404  # not paid yet
    applicant.post(f"/payments/orders/{order.number}/cashier/")

    # when
    response = applicant.get(url)
    stranger = _client(make_applicant("王五").user).get(url)

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="receipt-{order.number}.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert stranger.status_code == 404
    assert "下载缴费凭证" in applicant.get(f"/my/cases/{case.number}/").content.decode()


def test_a_notification_for_a_completed_case_is_409_and_writes_nothing() -> None:
    from haoban.cases.services import case_complete, case_deliver

    case = approved_case(status="issued", pay_before_release=False)
    clerk = make_staff("window_clerk", case.department)
    case = case_complete(case=case_deliver(case=case, actor=clerk, method="electronic"), actor=clerk)
    order = order_of(case)
    before, events = order_row(order), snapshot(case)

    response = Client().post("/payments/notify/", _notification(order))

    assert (response.status_code, response.content.decode()) == (409, "办件状态为“办结”，不能执行“缴费”")
    assert order_row(order) == before
    assert snapshot(case) == events
