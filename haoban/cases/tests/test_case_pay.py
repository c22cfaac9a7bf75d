"""case_pay (缴费): a payment event; the status does not change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.cases.services import CaseConflict, case_pay
from haoban.cases.tests.factories import at, case_in_status, make_staff, outbox_mark, outbox_since, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 10, 12, 9), tick=False)


@pytest.mark.parametrize("status", ["submitted", "in_review", "approved", "issued", "delivered"])
def test_payment_is_recorded_without_changing_the_status(status: str) -> None:
    # given
    case = case_in_status(status, at=at(2026, 10, 9, 9))
    clerk = make_staff("window_clerk", case.department)
    mark = outbox_mark()
    due = (case.legal_due_date, case.promised_due_date)

    # when
    case = case_pay(case=case, actor=clerk, order_id="PO-1", amount=Decimal("80.00"), method="counter")

    # then
    assert case.status == status
    assert (case.legal_due_date, case.promised_due_date) == due
    event = case.events.order_by("-sequence").first()
    assert (event.action, event.from_status, event.to_status, event.data) == (
        "pay",
        status,
        status,
        {"order_id": "PO-1", "amount": "80.00", "method": "counter"},
    )
    assert outbox_since(mark) == [("cases.notify", {"event_id": event.pk})]


def test_method_is_required_and_amount_not_negative() -> None:
    case = case_in_status("in_review", at=at(2026, 10, 9, 9))
    before = snapshot(case)

    with pytest.raises(ValidationError) as raised:
        case_pay(case=case, actor=case.applicant.user, amount=Decimal("-1"), method="")

    assert raised.value.message_dict == {"method": ["请填写缴费方式"], "amount": ["缴费金额不能为负数"]}
    assert snapshot(case) == before


def test_no_payment_after_completion() -> None:
    case = case_in_status("completed", at=at(2026, 10, 9, 9))
    before = snapshot(case)

    with pytest.raises(CaseConflict) as raised:
        case_pay(case=case, actor=case.applicant.user, method="online")

    assert raised.value.message == "办件状态为“办结”，不能执行“缴费”"
    assert snapshot(case) == before
