"""The API: ``payment_orders`` in the case detail, and ``POST /cases/{number}/pay/`` as a counter payment of
the case's order (window clerk), with 400 / 403 / 404 / 409 and nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from haoban.cases.models import CaseEvent
from haoban.cases.tests.factories import at, make_applicant, snapshot

from .helpers import approved_case, clerk_of, head_of, order_of, order_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 10, 12, 9), tick=False)


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _pay(user: Any, number: str, body: dict[str, Any]) -> Any:
    return _api(user).post(f"/api/v1/cases/{number}/pay/", body, format="json")


def test_the_detail_lists_the_payment_orders() -> None:
    case = approved_case()

    body = _api(case.applicant.user).get(f"/api/v1/cases/{case.number}/").json()

    assert body["payment_orders"] == [
        {
            "number": f"JF{case.number}",
            "amount": "80.50",
            "status": "pending",
            "lines": [
                {"name": "工本费", "basis": "闽价费〔2019〕1号", "standard": "每证 10 元", "amount": "10.00"},
                {
                    "name": "登记费",
                    "basis": "闽财税〔2020〕2号",
                    "standard": "每件 70.50 元",
                    "amount": "70.50",
                },
            ],
            "method": "",
            "paid_at": None,
            "refunded_at": None,
            "refund_reason": "",
        }
    ]


def test_a_clerk_records_a_counter_payment_through_the_api() -> None:
    case = approved_case()
    clerk = clerk_of(case)

    response = _pay(
        clerk,
        case.number,
        {"method": "pos", "amount": "80.50", "order_id": f"JF{case.number}", "reference": "POS-778"},
    )

    assert response.status_code == 200, response.json()
    assert response.json()["payment_orders"][0]["status"] == "paid"
    assert response.json()["payment_orders"][0]["method"] == "pos"
    order = order_of(case)
    assert (order.status, order.provider_reference, order.recorded_by) == ("paid", "POS-778", clerk)
    assert CaseEvent.objects.filter(case=case, action="pay").count() == 1


def test_paying_a_paid_order_again_is_409_and_changes_nothing() -> None:
    case = approved_case()
    clerk = clerk_of(case)
    assert _pay(clerk, case.number, {"method": "cash"}).status_code == 200
    before, events = order_row(order_of(case)), snapshot(case)

    response = _pay(clerk, case.number, {"method": "cash"})

    assert response.status_code == 409
    assert response.json()["message"] == f"缴费单 JF{case.number} 已缴费，不能再次缴费"
    assert order_row(order_of(case)) == before
    assert snapshot(case) == events


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"method": "现金"},
            {"method": ["窗口缴费方式只能是 cash（现金）、pos（POS 刷卡）或 bank_transfer（银行转账）"]},
        ),
        ({"method": "cash", "amount": "8.00"}, {"amount": ["缴费金额应为 80.50 元"]}),
        ({"method": "cash", "order_id": "JF1"}, {"order_id": ["该办件的缴费单号为 JF{number}，不是 JF1"]}),
    ],
)
def test_bad_counter_payment_is_400_naming_the_field(body: dict[str, Any], fields: dict[str, Any]) -> None:
    case = approved_case()
    before, events = order_row(order_of(case)), snapshot(case)

    response = _pay(clerk_of(case), case.number, body)

    assert response.status_code == 400
    expected = {k: [m.replace("{number}", case.number) for m in v] for k, v in fields.items()}
    assert response.json()["fields"] == expected
    assert order_row(order_of(case)) == before
    assert snapshot(case) == events


def test_the_applicant_cannot_record_a_counter_payment_and_others_do_not_see_the_case() -> None:
    case = approved_case()
    before, events = order_row(order_of(case)), snapshot(case)

    own = _pay(case.applicant.user, case.number, {"method": "cash"})
    stranger = _pay(make_applicant("王五").user, case.number, {"method": "cash"})
    head = _pay(head_of(case), case.number, {"method": "cash"})
    detail = _api(make_applicant("赵六").user).get(f"/api/v1/cases/{case.number}/")

    assert (own.status_code, own.json()["message"]) == (403, "只有负责该办件的窗口受理人员可以登记窗口缴费")
    assert (stranger.status_code, head.status_code, detail.status_code) == (404, 403, 404)
    assert order_row(order_of(case)) == before
    assert snapshot(case) == events


def test_approve_through_the_api_with_the_fees_that_apply() -> None:
    case = approved_case(status="in_review")
    fees = {f.name: f.pk for f in case.item_version.fees.all()}

    response = _api(head_of(case)).post(
        f"/api/v1/cases/{case.number}/approve/",
        {"fee_items": [fees["工本费"], fees["登记费"]]},
        format="json",
    )
    bad = _api(head_of(case)).post(
        f"/api/v1/cases/{case.number}/approve/", {"fee_items": ["x"]}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert [o["amount"] for o in response.json()["payment_orders"]] == ["80.50"]
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["fee_items[0]"])
