"""Tick cases.step_overdue: one alert per process step to the staff of that step, reset on a step change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from haoban.cases import ticks
from haoban.cases.models import Case, Notification
from haoban.cases.notifications import notify_step_overdue
from haoban.cases.services import case_forward
from haoban.cases.tests.factories import (
    accept,
    at,
    make_case_version,
    make_department,
    make_staff,
    outbox_mark,
    outbox_since,
    submit_case,
)

pytestmark = pytest.mark.django_db


def test_step_overdue_alerts_the_step_staff_once_and_again_after_a_step_change(time_machine: Any) -> None:
    # given: accepted Mon 2 Nov 2026 → 审查 due Mon 16 Nov
    time_machine.move_to(at(2026, 11, 2, 11), tick=False)
    case = submit_case(version=make_case_version(), at=at(2026, 11, 2, 9))
    case = accept(case, at(2026, 11, 2, 10))
    reviewer = make_staff("reviewer", case.department)
    make_staff("reviewer", make_department(name="莆田市卫生健康委员会"))  # another department: not told
    make_staff("department_head", case.department)  # not the step's role: not told
    time_machine.move_to(at(2026, 11, 16, 23), tick=False)
    assert ticks.step_overdue(at(2026, 11, 16, 23)) == "环节逾期提醒 0 件"  # due today is not overdue
    accepted = case.events.get(sequence=2)
    mark = outbox_mark()

    # when: 17 Nov, twice
    time_machine.move_to(at(2026, 11, 17, 0, 1), tick=False)
    first = ticks.step_overdue(at(2026, 11, 17, 0, 1))
    second = ticks.step_overdue(at(2026, 11, 17, 0, 2))

    # then
    assert (first, second) == ("环节逾期提醒 1 件", "环节逾期提醒 0 件")
    assert Case.objects.get(pk=case.pk).step_alerted_on == dt.date(2026, 11, 17)
    payload = {
        "event_id": accepted.pk,
        "case_id": case.pk,
        "kind": "step_overdue",
        "step_id": case.current_step_id,
        "step_due_date": "2026-11-16",
    }
    assert outbox_since(mark) == [("cases.notify.staff", payload)]

    # when: the handler runs (twice: a redelivery writes nothing more)
    notes = notify_step_overdue(event_id=accepted.pk, step_id=case.current_step_id)
    notify_step_overdue(event_id=accepted.pk, step_id=case.current_step_id)

    # then: only the reviewer of the case's department
    assert [(n.user_id, n.title) for n in notes] == [(reviewer.pk, "环节逾期提醒")]
    assert notes[0].body == (
        f"办件 {case.number}（{case.item_version.name}）在“审查”环节已超过环节到期日2026年11月16日，请尽快办理。"
    )
    assert Notification.objects.filter(title="环节逾期提醒").count() == 1

    # when: forwarded to 决定 (due Thu 19 Nov), then 决定 is overdue on Fri 20 Nov
    case = case_forward(case=case, actor=reviewer)
    assert (case.step_alerted_on, case.step_due_date) == (None, dt.date(2026, 11, 19))
    assert ticks.step_overdue(at(2026, 11, 17, 0, 3)) == "环节逾期提醒 0 件"
    time_machine.move_to(at(2026, 11, 20, 8), tick=False)

    # then: a new alert for the new step
    assert ticks.step_overdue(at(2026, 11, 20, 8)) == "环节逾期提醒 1 件"
    assert Case.objects.get(pk=case.pk).step_alerted_on == dt.date(2026, 11, 20)


def test_an_alert_queued_for_a_step_the_case_has_left_tells_nobody(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 11, 17, 9), tick=False)
    case = accept(submit_case(version=make_case_version(), at=at(2026, 11, 2, 9)), at(2026, 11, 2, 10))
    make_staff("reviewer", case.department)
    review_step, event = case.current_step_id, case.events.get(sequence=2)
    case_forward(case=case, actor=make_staff("reviewer", case.department))

    assert notify_step_overdue(event_id=event.pk, step_id=review_step) == []
    assert Notification.objects.filter(title="环节逾期提醒").count() == 0
