"""case_complete (办结): delivered cases, and refusals and denials once served."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from haoban.cases.services import CaseConflict, case_complete
from haoban.cases.signatures import SignatureImage
from haoban.cases.tests.factories import (
    at,
    case_in_status,
    make_staff,
    outbox_mark,
    outbox_since,
    signature_png,
    snapshot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 10, 12, 9), tick=False)


@pytest.mark.parametrize("status", ["delivered", "refused", "denied"])
def test_completion_dates_the_case(status: str) -> None:
    case = case_in_status(status, at=at(2026, 10, 9, 9))
    mark = outbox_mark()

    case = case_complete(case=case, actor=make_staff("window_clerk", case.department))

    assert (case.status, case.completed_on) == ("completed", dt.date(2026, 10, 12))
    event = case.events.order_by("-sequence").first()
    assert (event.action, event.from_status) == ("complete", status)
    assert outbox_since(mark) == [("cases.notify", {"event_id": event.pk})]


def test_a_completed_case_accepts_nothing() -> None:
    case = case_in_status("completed", at=at(2026, 10, 9, 9))
    before = snapshot(case)

    with pytest.raises(CaseConflict) as raised:
        case_complete(case=case, actor=make_staff("window_clerk", case.department))

    assert raised.value.message == "办件状态为“办结”，不能执行“办结”"
    assert snapshot(case) == before


def test_an_immediate_item_is_handled_in_one_sitting() -> None:
    # given: 即办件 (legal limit 1 working day, promised 0)
    from haoban.cases import services
    from haoban.cases.tests.factories import make_case_version, submit_case

    version = make_case_version(handling_type="immediate", legal_limit_amount=1, promised_limit_amount=0)
    case = submit_case(version=version, channel="window", at=at(2026, 10, 12, 8, 30))
    clerk = make_staff("window_clerk", case.department)

    # when: accept, approve, issue, deliver and complete at the window
    case = services.case_accept(case=case, actor=clerk, at=at(2026, 10, 12, 8, 35))
    case = services.case_approve(case=case, actor=clerk, at=at(2026, 10, 12, 8, 40))
    case = services.case_issue(case=case, actor=clerk, at=at(2026, 10, 12, 8, 45))
    case = services.case_deliver(
        case=case,
        actor=clerk,
        at=at(2026, 10, 12, 8, 50),
        method="window",
        recipient="林晓梅",
        signature=SignatureImage(SimpleUploadedFile("签名.png", signature_png())),
    )
    case = services.case_complete(case=case, actor=clerk, at=at(2026, 10, 12, 8, 55))

    # then
    assert list(case.events.values_list("action", flat=True)) == [
        "submit",
        "accept",
        "approve",
        "issue",
        "deliver",
        "complete",
    ]
    assert (case.status, case.accepted_on, case.decided_on, case.completed_on) == (
        "completed",
        dt.date(2026, 10, 12),
        dt.date(2026, 10, 12),
        dt.date(2026, 10, 12),
    )
    assert (case.legal_due_date, case.promised_due_date, case.light) == (
        dt.date(2026, 10, 13),
        dt.date(2026, 10, 12),
        "yellow",
    )
