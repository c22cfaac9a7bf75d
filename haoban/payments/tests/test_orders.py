"""Payment orders: created on approval, results held until paid, counter payment, refund."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.cases.models import CaseEvent
from haoban.cases.services import CaseConflict, case_approve, case_complete, case_deliver, case_issue
from haoban.cases.tests.factories import (
    at,
    case_in_status,
    make_case_version,
    outbox_mark,
    outbox_since,
    snapshot,
)

from ..models import PaymentOrder
from ..services import (
    PaymentConflict,
    PaymentPermissionDenied,
    case_payment_record,
    order_create_for_case,
    order_record_counter_payment,
    order_refund,
)
from .helpers import DAY, approved_case, clerk_of, head_of, order_of, order_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 10, 12, 9), tick=False)


# --- the order --------------------------------------------------------------------------------------------


def test_approval_opens_one_order_with_the_fees_that_have_an_amount() -> None:
    # when
    case = approved_case()

    # then
    order = order_of(case)
    assert (order.number, order.status, order.amount, order.method, order.paid_at) == (
        f"JF{case.number}",
        "pending",
        Decimal("80.50"),
        "",
        None,
    )
    assert order.lines == [
        {"name": "工本费", "basis": "闽价费〔2019〕1号", "standard": "每证 10 元", "amount": "10.00"},
        {"name": "登记费", "basis": "闽财税〔2020〕2号", "standard": "每件 70.50 元", "amount": "70.50"},
    ]


def test_creating_again_returns_the_same_order() -> None:
    case = approved_case()
    first = order_of(case)

    again = order_create_for_case(case=case)

    assert again is not None and again.pk == first.pk
    assert PaymentOrder.objects.filter(case=case).count() == 1


def test_no_order_when_the_item_charges_nothing() -> None:
    case = case_in_status("approved", at=DAY, version=make_case_version())

    assert PaymentOrder.objects.filter(case=case).count() == 0
    assert order_create_for_case(case=case) is None


def test_no_order_before_the_decision() -> None:
    case = approved_case(status="in_review")

    assert PaymentOrder.objects.filter(case=case).count() == 0


# --- 先缴费后领证 ------------------------------------------------------------------------------------------


def test_delivery_is_refused_while_the_order_is_pending() -> None:
    # given
    case = approved_case(status="issued")
    clerk = clerk_of(case)
    before = snapshot(case)

    # when
    with pytest.raises(CaseConflict) as raised:
        case_deliver(case=case, actor=clerk, method="electronic")

    # then
    assert raised.value.message == (
        f"该事项须先缴费后领证：缴费单 JF{case.number}（80.50 元）尚未缴费，不能送达审批结果"
    )
    assert snapshot(case) == before


def test_delivery_after_the_counter_payment() -> None:
    # given
    case = approved_case(status="issued")
    clerk = clerk_of(case)
    order_record_counter_payment(order=order_of(case), actor=clerk, method="cash", reference="NO.001")

    # when
    case = case_deliver(case=case, actor=clerk, method="electronic")

    # then
    assert case.status == "delivered"


def test_without_pay_before_release_the_result_is_delivered_and_paid_later() -> None:
    # given
    case = approved_case(status="delivered", pay_before_release=False)
    assert order_of(case).status == "pending"

    # when: paid after delivery (the workflow allows pay in delivered)
    order_record_counter_payment(order=order_of(case), actor=clerk_of(case), method="pos")

    # then
    assert order_of(case).status == "paid"
    case.refresh_from_db()
    assert case.status == "delivered"


# --- counter payment ----------------------------------------------------------------------------------------


def test_counter_payment_marks_the_order_paid_and_writes_the_pay_event() -> None:
    # given
    case = approved_case()
    clerk = clerk_of(case)
    mark = outbox_mark()

    # when
    order = order_record_counter_payment(
        order=order_of(case),
        actor=clerk,
        method="bank_transfer",
        reference=" 转账 123 ",
        amount=Decimal("80.5"),
    )

    # then
    order.refresh_from_db()
    assert (order.status, order.method, order.provider, order.provider_reference, order.recorded_by) == (
        "paid",
        "bank_transfer",
        "",
        "转账 123",
        clerk,
    )
    assert order.paid_at == at(2026, 10, 12, 9)
    event = CaseEvent.objects.filter(case=case).order_by("-sequence").first()
    assert (event.action, event.actor, event.actor_role, event.from_status, event.to_status, event.data) == (
        "pay",
        clerk,
        "window_clerk",
        "approved",
        "approved",
        {"order_id": f"JF{case.number}", "amount": "80.50", "method": "bank_transfer"},
    )
    assert ("cases.notify", {"event_id": event.pk}) in outbox_since(mark)


def test_paying_twice_is_a_conflict_and_changes_nothing() -> None:
    case = approved_case()
    clerk = clerk_of(case)
    order_record_counter_payment(order=order_of(case), actor=clerk, method="cash")
    before, events = order_row(order_of(case)), snapshot(case)

    with pytest.raises(PaymentConflict) as raised:
        order_record_counter_payment(order=order_of(case), actor=clerk, method="cash")

    assert raised.value.message == f"缴费单 JF{case.number} 已缴费，不能再次缴费"
    assert order_row(order_of(case)) == before
    assert snapshot(case) == events


@pytest.mark.parametrize(
    ("method", "amount", "errors"),
    [
        (
            "cheque",
            None,
            {"method": ["窗口缴费方式只能是 cash（现金）、pos（POS 刷卡）或 bank_transfer（银行转账）"]},
        ),
        ("cash", Decimal("80.00"), {"amount": ["缴费金额应为 80.50 元"]}),
    ],
)
def test_bad_counter_payment_writes_nothing(
    method: str, amount: Decimal | None, errors: dict[str, Any]
) -> None:
    case = approved_case()
    before, events = order_row(order_of(case)), snapshot(case)

    with pytest.raises(ValidationError) as raised:
        order_record_counter_payment(order=order_of(case), actor=clerk_of(case), method=method, amount=amount)

    assert raised.value.message_dict == errors
    assert order_row(order_of(case)) == before
    assert snapshot(case) == events


def test_only_a_window_clerk_of_the_case_records_a_counter_payment() -> None:
    case = approved_case()
    before, events = order_row(order_of(case)), snapshot(case)

    for actor in (case.applicant.user, head_of(case)):
        with pytest.raises(PaymentPermissionDenied) as raised:
            order_record_counter_payment(order=order_of(case), actor=actor, method="cash")
        assert raised.value.message == "只有负责该办件的窗口受理人员可以登记窗口缴费"

    assert order_row(order_of(case)) == before
    assert snapshot(case) == events


def test_the_pay_action_pays_the_order_when_there_is_one() -> None:
    case = approved_case()

    case_payment_record(case=case, actor=clerk_of(case), method="cash", order_id=f"JF{case.number}")

    assert order_of(case).status == "paid"


def test_the_pay_action_names_the_wrong_order() -> None:
    case = approved_case()
    before = snapshot(case)

    with pytest.raises(ValidationError) as raised:
        case_payment_record(case=case, actor=clerk_of(case), method="cash", order_id="JF1")

    assert raised.value.message_dict == {"order_id": [f"该办件的缴费单号为 JF{case.number}，不是 JF1"]}
    assert snapshot(case) == before
    assert order_of(case).status == "pending"


# --- refund ---------------------------------------------------------------------------------------------


def _paid_case(**kwargs: Any) -> Any:
    case = approved_case(**kwargs)
    order_record_counter_payment(order=order_of(case), actor=clerk_of(case), method="cash")
    return case


def test_a_department_head_refunds_with_a_reason() -> None:
    # given
    case = _paid_case()
    head = head_of(case)

    # when
    order = order_refund(order=order_of(case), actor=head, reason=" 重复收费 ")

    # then
    order.refresh_from_db()
    assert (
        order.status,
        order.refund_reason,
        order.refunded_by,
        order.refunded_at,
        order.refund_reference,
    ) == (
        "refunded",
        "重复收费",
        head,
        at(2026, 10, 12, 9),
        "",
    )
    event = CaseEvent.objects.filter(case=case).order_by("-sequence").first()
    assert (event.action, event.actor_role, event.reason, event.data) == (
        "pay",
        "department_head",
        "重复收费",
        {"order_id": f"JF{case.number}", "amount": "80.50", "method": "cash", "kind": "refund"},
    )


def test_refund_rules_and_nothing_written_when_refused() -> None:
    # given: pending
    case = approved_case()
    head = head_of(case)
    before, events = order_row(order_of(case)), snapshot(case)

    # then: not paid yet
    with pytest.raises(PaymentConflict) as raised:
        order_refund(order=order_of(case), actor=head, reason="误收")
    assert raised.value.message == f"缴费单 JF{case.number} 尚未缴费，不能退费"
    # a reason is required
    order_record_counter_payment(order=order_of(case), actor=clerk_of(case), method="cash")
    before, events = order_row(order_of(case)), snapshot(case)
    with pytest.raises(ValidationError) as invalid:
        order_refund(order=order_of(case), actor=head, reason="  ")
    assert invalid.value.message_dict == {"reason": ["请填写退费原因"]}
    # a clerk may not refund
    with pytest.raises(PaymentPermissionDenied) as denied:
        order_refund(order=order_of(case), actor=clerk_of(case), reason="误收")
    assert denied.value.message == "只有该办件实施部门的部门负责人可以批准退费"
    assert order_row(order_of(case)) == before
    assert snapshot(case) == events
    # refunding twice
    order_refund(order=order_of(case), actor=head, reason="误收")
    before, events = order_row(order_of(case)), snapshot(case)
    with pytest.raises(PaymentConflict) as twice:
        order_refund(order=order_of(case), actor=head, reason="误收")
    assert twice.value.message == f"缴费单 JF{case.number} 已退费，不能退费"
    assert order_row(order_of(case)) == before
    assert snapshot(case) == events


def test_no_refund_after_the_case_is_completed() -> None:
    case = _paid_case(status="issued")
    clerk = clerk_of(case)
    case = case_deliver(case=case, actor=clerk, method="electronic")
    case = case_complete(case=case, actor=clerk)
    before = order_row(order_of(case))

    with pytest.raises(CaseConflict) as raised:
        order_refund(order=order_of(case), actor=head_of(case), reason="误收")

    assert raised.value.message == "办件状态为“办结”，不能执行“缴费”"
    assert order_row(order_of(case)) == before


def test_issue_is_not_held() -> None:
    case = approved_case()

    case = case_issue(case=case, actor=clerk_of(case))

    assert case.status == "issued"


# --- the fees that apply to this case (alternatives such as 住宅 / 非住宅) -----------------------------------


def test_the_approver_names_the_fees_that_apply() -> None:
    # given
    case = approved_case(status="in_review")
    fees = {f.name: f.pk for f in case.item_version.fees.all()}

    # when
    case = case_approve(case=case, actor=head_of(case), fee_items=[fees["登记费"]])

    # then
    order = order_of(case)
    assert (order.amount, [line["name"] for line in order.lines]) == (Decimal("70.50"), ["登记费"])


def test_no_fee_named_means_no_order() -> None:
    case = approved_case(status="in_review")

    case = case_approve(case=case, actor=head_of(case), fee_items=[])

    assert (case.status, PaymentOrder.objects.filter(case=case).count()) == ("approved", 0)


def test_a_fee_without_amount_or_of_another_item_is_refused_and_nothing_written() -> None:
    case = approved_case(status="in_review")
    no_amount = case.item_version.fees.get(name="加急服务费").pk
    before = snapshot(case)

    with pytest.raises(ValidationError) as raised:
        case_approve(case=case, actor=head_of(case), fee_items=[no_amount, 999999])

    assert raised.value.message_dict == {
        "fee_items": [f"收费项目 {no_amount}、999999 不是该事项版本中有金额的收费项目"]
    }
    assert snapshot(case) == before
    assert PaymentOrder.objects.filter(case=case).count() == 0


def test_the_refund_reads_as_a_refund_on_the_timeline_and_in_the_notification() -> None:
    from haoban.cases.notifications import compose
    from haoban.portal.case_text import event_sentence

    case = _paid_case()
    order_refund(order=order_of(case), actor=head_of(case), reason="重复收费")
    paid, refunded = CaseEvent.objects.filter(case=case, action="pay").order_by("sequence")

    assert (event_sentence(paid)["text"], event_sentence(paid)["details"]) == (
        "已缴费",
        [f"缴费单 JF{case.number}，80.50 元"],
    )
    assert (event_sentence(refunded)["text"], event_sentence(refunded)["details"]) == (
        "已退费",
        [f"缴费单 JF{case.number}，80.50 元", "理由：重复收费"],
    )
    title, body = compose(refunded)
    assert title == "已退费"
    assert body.endswith("的缴费 80.50 元已退还，退费原因：重复收费。")


def test_next_steps_ask_the_applicant_to_pay_while_the_result_is_held() -> None:
    from haoban.portal.case_text import next_steps

    case = approved_case(status="issued")
    held = next_steps(case)
    order_record_counter_payment(order=order_of(case), actor=clerk_of(case), method="cash")
    case.refresh_from_db()

    assert (
        held == "证照已制作完成。该事项先缴费后领证：请先缴清下方缴费单，部门收到费用后按您选择的方式送达。"
    )
    assert next_steps(case) == "证照已制作完成，部门将按您选择的方式送达。"
