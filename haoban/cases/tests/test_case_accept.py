"""case_accept (受理, Art. 32, 42): due dates across 国庆 2026, the next process step, 容缺受理, conflicts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.cases.models import CaseEvent
from haoban.cases.services import CaseConflict, case_accept
from haoban.cases.tests.factories import (
    at,
    make_case_version,
    make_staff,
    outbox_mark,
    outbox_since,
    requirement,
    snapshot,
    submit_case,
)

pytestmark = pytest.mark.django_db

NOW = at(2026, 10, 12, 9)


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.mark.parametrize(
    ("day", "legal_due", "promised_due", "step_due"),
    [
        # 20 / 5 / 10 working days; 中秋 25–27 Sep, 国庆 1–7 Oct, make-up days Sun 20 Sep and Sat 10 Oct.
        (dt.date(2026, 9, 18), dt.date(2026, 10, 22), dt.date(2026, 9, 24), dt.date(2026, 10, 9)),
        (dt.date(2026, 9, 24), dt.date(2026, 10, 29), dt.date(2026, 10, 9), dt.date(2026, 10, 15)),
        (dt.date(2026, 9, 28), dt.date(2026, 10, 30), dt.date(2026, 10, 10), dt.date(2026, 10, 16)),
        (dt.date(2026, 9, 30), dt.date(2026, 11, 3), dt.date(2026, 10, 13), dt.date(2026, 10, 20)),
        (dt.date(2026, 10, 8), dt.date(2026, 11, 4), dt.date(2026, 10, 14), dt.date(2026, 10, 21)),
    ],
)
def test_due_dates_count_working_days_across_national_day(
    day: dt.date, legal_due: dt.date, promised_due: dt.date, step_due: dt.date
) -> None:
    # given
    case = submit_case(at=at(day.year, day.month, day.day, 9))
    clerk = make_staff("window_clerk", case.department)

    # when
    case = case_accept(case=case, actor=clerk, at=at(day.year, day.month, day.day, 15))

    # then
    assert case.status == "in_review"
    assert case.accepted_on == day
    assert case.deemed_accepted is False
    assert (case.legal_due_date, case.promised_due_date) == (legal_due, promised_due)
    assert case.current_step.name == "审查"
    assert case.step_due_date == step_due


def test_accept_records_the_event_notice_and_notification() -> None:
    # given
    case = submit_case(at=at(2026, 9, 28, 9))
    clerk = make_staff("window_clerk", case.department)
    mark = outbox_mark()

    # when
    case = case_accept(case=case, actor=clerk, at=at(2026, 9, 28, 11))

    # then
    event = case.events.get(sequence=2)
    assert (event.action, event.from_status, event.to_status, event.actor, event.actor_role) == (
        "accept",
        "submitted",
        "in_review",
        clerk,
        "window_clerk",
    )
    assert event.occurred_at == at(2026, 9, 28, 11)
    assert event.data == {}
    assert outbox_since(mark) == [
        ("cases.notice", {"event_id": event.pk, "kind": "acceptance"}),
        ("cases.notify", {"event_id": event.pk}),
    ]
    # 12 Oct: 13–16, 19–23, 26–30 Oct are the 14 working days left of 20; yellow from 4 (20 %).
    assert (case.remaining_workdays, case.light, case.clock_paused) == (14, "green", False)


def test_accepting_twice_is_a_conflict_and_changes_nothing() -> None:
    # given
    case = submit_case(at=at(2026, 9, 28, 9))
    clerk = make_staff("window_clerk", case.department)
    case = case_accept(case=case, actor=clerk, at=at(2026, 9, 28, 11))
    before = snapshot(case)

    # when
    with pytest.raises(CaseConflict) as raised:
        case_accept(case=case, actor=clerk)

    # then
    assert raised.value.message == "办件状态为“审查中”，不能执行“受理”"
    assert snapshot(case) == before


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (at(2026, 9, 28, 8, 59), "发生时间不能早于上一事件（提交申请，2026-09-28 09:00:00）"),
        (at(2026, 10, 12, 9, 1), "发生时间不能晚于当前时间"),
    ],
)
def test_at_is_validated_and_nothing_is_written(when: dt.datetime, message: str) -> None:
    case = submit_case(at=at(2026, 9, 28, 9))
    before = snapshot(case)

    with pytest.raises(ValidationError) as raised:
        case_accept(case=case, actor=make_staff("window_clerk", case.department), at=when)

    assert raised.value.message_dict == {"at": [message]}
    assert snapshot(case) == before


def test_accept_recorded_after_the_window_counts_from_receipt() -> None:
    # given: received Mon 28 Sep, window ends Sat 10 Oct
    case = submit_case(at=at(2026, 9, 28, 9))

    # when
    case = case_accept(case=case, actor=make_staff("window_clerk", case.department), at=at(2026, 10, 12, 8))

    # then (Art. 32: accepted from the day the materials were received)
    assert (case.accepted_on, case.deemed_accepted, case.legal_due_date) == (
        dt.date(2026, 9, 28),
        True,
        dt.date(2026, 10, 30),
    )


# --- 容缺受理 ---------------------------------------------------------------------------------------------


def test_tolerant_acceptance_of_a_non_essential_material() -> None:
    # given
    version = make_case_version(tags=["tolerant_acceptance"])
    case = submit_case(version=version, at=at(2026, 9, 28, 9))
    optional = requirement(version, "食品安全管理制度文本")
    mark = outbox_mark()

    # when
    case = case_accept(
        case=case,
        actor=make_staff("window_clerk", case.department),
        at=at(2026, 9, 28, 10),
        deficient_materials=[optional],
        tolerant_due_date=dt.date(2026, 10, 9),
    )

    # then
    assert case.status == "in_review"
    assert case.tolerant_due_date == dt.date(2026, 10, 9)
    event = case.events.get(sequence=2)
    assert event.data == {
        "deficient_materials": [{"material_requirement_id": optional.pk, "name": "食品安全管理制度文本"}],
        "tolerant_due_date": "2026-10-09",
    }
    assert [topic for topic, _ in outbox_since(mark)] == ["cases.notice", "cases.notify"]


def test_tolerant_acceptance_rules_and_nothing_written() -> None:
    # given: an item not in the 容缺受理 list; an essential material; no promised date
    version = make_case_version()
    case = submit_case(version=version, at=at(2026, 9, 28, 9))
    essential = requirement(version, "食品经营许可申请书")
    before = snapshot(case)

    # when
    with pytest.raises(ValidationError) as raised:
        case_accept(
            case=case, actor=make_staff("window_clerk", case.department), deficient_materials=[essential.pk]
        )

    # then
    assert raised.value.message_dict == {
        "deficient_materials": [
            "该事项未列入容缺受理清单，不能容缺受理",
            "“食品经营许可申请书”是必要材料，不能容缺受理",
        ],
        "tolerant_due_date": ["容缺受理须约定容缺材料的补齐期限"],
    }
    assert snapshot(case) == before


def test_promised_date_before_acceptance_or_without_materials_is_refused() -> None:
    version = make_case_version(tags=["tolerant_acceptance"])
    case = submit_case(version=version, at=at(2026, 9, 28, 9))
    clerk = make_staff("window_clerk", case.department)
    optional = requirement(version, "食品安全管理制度文本")
    before = snapshot(case)

    with pytest.raises(ValidationError) as early:
        case_accept(
            case=case, actor=clerk, deficient_materials=[optional], tolerant_due_date=dt.date(2026, 10, 11)
        )
    with pytest.raises(ValidationError) as alone:
        case_accept(case=case, actor=clerk, tolerant_due_date=dt.date(2026, 10, 30))

    assert early.value.message_dict == {"tolerant_due_date": ["容缺材料的补齐期限不能早于受理日期"]}
    assert alone.value.message_dict == {"tolerant_due_date": ["没有容缺材料时不能约定补齐期限"]}
    assert snapshot(case) == before
    assert CaseEvent.objects.filter(case=case).count() == 1
