"""Two reviewers forward the same case at the same moment from the step they both saw: the row lock and
``expected_step`` move it exactly one step (PostgreSQL; SQLite serialises every writer and is skipped)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from haoban.cases.models import Case, CaseEvent
from haoban.cases.services import CaseConflict, case_forward
from haoban.cases.tests.factories import STEPS, accept, make_case_version, make_staff, submit_case
from haoban.catalog.models import ServiceTag, ServiceTagCode

pytestmark = [
    pytest.mark.skipif(
        "sqlite" in settings.DATABASES["default"]["ENGINE"],
        reason="SQLite locks the whole database for writes; the row-lock race needs PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_reviewers_forward_at_once_the_case_moves_one_step() -> None:
    # given: 审查 → 复审 → 决定, the case in 审查, two reviewers of its department
    for order, code in enumerate(ServiceTagCode.values, start=1):
        ServiceTag.objects.get_or_create(code=code, defaults={"order": order})
    steps = [dict(s) for s in STEPS]
    steps.insert(2, {"name": "复审", "role": "reviewer", "time_amount": 3, "time_unit": "workday"})
    case = accept(submit_case(version=make_case_version(steps=steps)))
    reviewers = [make_staff("reviewer", case.department) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[Any] = [None, None]

    def forward(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = case_forward(case=case, actor=reviewers[index], expected_step="审查")
        except Exception as exc:  # the loser's CaseConflict, checked below
            results[index] = exc
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=forward, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, CaseConflict)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert losers[0].message == "办件已流转至“复审”环节，请刷新后再办理"
    assert Case.objects.get(pk=case.pk).current_step.name == "复审"
    assert CaseEvent.objects.filter(case=case, action="forward").count() == 1
