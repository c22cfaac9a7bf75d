"""case_deliver (送达, Art. 44, seed Art. 49): window pickup, post or electronic."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.cases.services import CaseConflict, case_deliver
from haoban.cases.tests.factories import at, case_in_status, make_staff, outbox_mark, outbox_since, snapshot

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
        ({"method": "window"}, {"recipient": ["窗口领取须登记领取人"]}),
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
