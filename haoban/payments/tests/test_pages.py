"""Staff pages: the workbench case page lists the order with 登记窗口缴费 / 退费; the forms re-render with a
Chinese message naming the field when the input is bad, and write nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from haoban.cases.tests.factories import at, snapshot

from .helpers import approved_case, clerk_of, head_of, order_of, order_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 10, 12, 9), tick=False)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_clerk_records_a_counter_payment_from_the_workbench() -> None:
    # given
    case = approved_case()
    order = order_of(case)
    clerk = _client(clerk_of(case))
    page = clerk.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "缴费单" in page and "登记窗口缴费" in page and "先缴费后领证" in page and "退费" not in page

    # when
    form = clerk.get(f"/payments/orders/{order.number}/counter/")
    done = clerk.post(
        f"/payments/orders/{order.number}/counter/", {"method": "cash", "reference": "票据 0001"}
    )

    # then
    assert form.status_code == 200 and "登记已收 80.50 元" in form.content.decode()
    assert (done.status_code, done["Location"]) == (302, f"/workbench/cases/{case.number}/")
    order = order_of(case)
    assert (order.status, order.method, order.provider_reference) == ("paid", "cash", "票据 0001")


def test_a_counter_payment_without_a_method_re_renders_the_form() -> None:
    case = approved_case()
    order = order_of(case)
    before, events = order_row(order), snapshot(case)

    response = _client(clerk_of(case)).post(f"/payments/orders/{order.number}/counter/", {"reference": "x"})

    assert response.status_code == 400
    assert "缴费方式：该字段是必填项。" in response.content.decode()
    assert order_row(order) == before
    assert snapshot(case) == events


def test_the_head_refunds_with_a_reason_from_the_workbench() -> None:
    # given: paid at the counter
    case = approved_case()
    order = order_of(case)
    _client(clerk_of(case)).post(f"/payments/orders/{order.number}/counter/", {"method": "pos"})
    head = _client(head_of(case))
    assert "退费" in head.get(f"/workbench/cases/{case.number}/").content.decode()
    before, events = order_row(order), snapshot(case)

    # a refund without a reason is refused, nothing written
    empty = head.post(f"/payments/orders/{order.number}/refund/", {"reason": ""})
    assert empty.status_code == 400
    assert "退费原因：该字段是必填项。" in empty.content.decode()
    assert order_row(order) == before
    assert snapshot(case) == events

    # when
    done = head.post(f"/payments/orders/{order.number}/refund/", {"reason": "申请人多缴"})

    # then
    assert (done.status_code, done["Location"]) == (302, f"/workbench/cases/{case.number}/")
    order = order_of(case)
    assert (order.status, order.refund_reason) == ("refunded", "申请人多缴")


def test_roles_are_checked_on_the_staff_forms() -> None:
    case = approved_case()
    order = order_of(case)
    before = order_row(order)

    clerk_refund = _client(clerk_of(case)).post(f"/payments/orders/{order.number}/refund/", {"reason": "x"})
    head_counter = _client(head_of(case)).post(
        f"/payments/orders/{order.number}/counter/", {"method": "cash"}
    )
    applicant = _client(case.applicant.user).get(f"/payments/orders/{order.number}/counter/")

    assert clerk_refund.status_code == 403 and "部门负责人" in clerk_refund.content.decode()
    assert head_counter.status_code == 403 and "窗口受理人员" in head_counter.content.decode()
    assert applicant.status_code == 403
    assert order_row(order) == before


def test_the_generic_pay_action_of_the_workbench_pays_the_order() -> None:
    case = approved_case()

    response = _client(clerk_of(case)).post(
        f"/workbench/cases/{case.number}/actions/pay/",
        {"pay-method": "bank_transfer", "pay-reference": "TX1"},
    )

    assert response.status_code == 302
    order = order_of(case)
    assert (order.status, order.method, order.provider_reference) == ("paid", "bank_transfer", "TX1")


def test_the_approve_form_offers_the_fees_and_opens_the_order_for_those_ticked() -> None:
    case = approved_case(status="in_review")
    fees = {f.name: f.pk for f in case.item_version.fees.all()}
    head = _client(head_of(case))
    page = head.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "本件收取的费用" in page and "工本费（10.00 元）" in page and "加急服务费" not in page

    response = head.post(
        f"/workbench/cases/{case.number}/actions/approve/", {"approve-fee_items": [fees["工本费"]]}
    )

    assert response.status_code == 302
    assert order_of(case).amount == Decimal("10.00")


def test_a_clerk_printing_the_receipt_is_audit_logged() -> None:
    from haoban.core.models import AuditEntry

    case = approved_case()
    order = order_of(case)
    clerk_user = clerk_of(case)
    clerk = _client(clerk_user)
    clerk.post(f"/payments/orders/{order.number}/counter/", {"method": "cash"})
    before = AuditEntry.objects.filter(object_id=case.number).count()

    response = clerk.get(f"/payments/orders/{order.number}/receipt.pdf")

    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    entries = AuditEntry.objects.filter(object_id=case.number).order_by("-sequence")
    assert entries.count() == before + 1
    assert (entries[0].action, entries[0].object_type) == ("case.read", "cases.Case")


def test_a_refund_after_completion_is_refused_with_a_message() -> None:
    from haoban.cases.services import case_complete, case_deliver

    case = approved_case(status="issued")
    order = order_of(case)
    clerk_user = clerk_of(case)
    _client(clerk_user).post(f"/payments/orders/{order.number}/counter/", {"method": "cash"})
    case = case_deliver(case=case, actor=clerk_user, method="electronic")
    case_complete(case=case, actor=clerk_user)
    before = order_row(order)
    head = _client(head_of(case))

    response = head.post(f"/payments/orders/{order.number}/refund/", {"reason": "误收"})

    assert (response.status_code, response["Location"]) == (302, f"/workbench/cases/{case.number}/")
    page = head.get(response["Location"]).content.decode()
    assert "操作未完成：办件状态为“办结”，不能执行“缴费”。" in page
    assert order_row(order) == before
