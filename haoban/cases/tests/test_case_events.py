"""What every transition shares: ``at`` needs a time zone, events record the integration client, the
stored clock is recomputed from all events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.cases.models import Case
from haoban.cases.services import case_accept, case_recompute_clock, recorded_by_integration
from haoban.cases.tests.factories import accept, at, make_staff, snapshot, submit_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 10, 12, 9), tick=False)


def test_a_naive_at_is_refused() -> None:
    case = submit_case(at=at(2026, 10, 9, 9))
    before = snapshot(case)

    with pytest.raises(ValidationError) as raised:
        case_accept(
            case=case,
            actor=make_staff("window_clerk", case.department),
            at=dt.datetime(2026, 10, 9, 10),  # noqa: DTZ001 (the point of the test)
        )

    assert raised.value.message_dict == {"at": ["发生时间须带时区"]}
    assert snapshot(case) == before


def test_events_pushed_by_a_department_system_name_the_client() -> None:
    case = submit_case(at=at(2026, 10, 9, 9))

    with recorded_by_integration("client-abc"):
        case = case_accept(
            case=case, actor=make_staff("window_clerk", case.department), at=at(2026, 10, 9, 10)
        )

    assert list(case.events.values_list("sequence", "integration_client")) == [(1, ""), (2, "client-abc")]


def test_recompute_reports_whether_the_stored_clock_changed() -> None:
    # given: accepted Mon 28 Sep (legal due 30 Oct), computed on that day
    case = accept(submit_case(at=at(2026, 9, 28, 9)), at(2026, 9, 28, 10))
    Case.objects.filter(pk=case.pk).update(remaining_workdays=20, clock_computed_on=dt.date(2026, 9, 28))

    # when
    first = case_recompute_clock(case=case)
    second = case_recompute_clock(case=case)

    # then: on 12 Oct 14 working days are left
    assert (first, second) == (True, False)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.remaining_workdays, stored.clock_computed_on, stored.legal_due_date) == (
        14,
        dt.date(2026, 10, 12),
        dt.date(2026, 10, 30),
    )
    assert (case.remaining_workdays, case.clock_computed_on) == (14, dt.date(2026, 10, 12))
