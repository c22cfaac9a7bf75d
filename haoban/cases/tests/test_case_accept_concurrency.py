"""Two clerks accept the same case at the same moment: the row lock lets exactly one win (PostgreSQL).

SQLite serialises writers on the whole database file, so the race this test provokes cannot happen
there; the test runs on PostgreSQL (CI and ``DATABASE_URL=postgres://…``) and is skipped on SQLite.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from haoban.cases.models import Case, CaseEvent
from haoban.cases.services import CaseConflict, case_accept
from haoban.cases.tests.factories import make_staff, submit_case
from haoban.catalog.models import ServiceTag, ServiceTagCode
from haoban.core.models import OutboxMessage

pytestmark = [
    pytest.mark.skipif(
        "sqlite" in settings.DATABASES["default"]["ENGINE"],
        reason="SQLite locks the whole database for writes; the row-lock race needs PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _reference_data() -> None:
    # ``serialized_rollback`` restores the rows the migrations create (service tags, calendar, role groups)
    # after another transactional test flushed them; should a test without it run first, make sure the
    # service tags the case factories need are there (an empty calendar only makes the clock provisional).
    for order, code in enumerate(ServiceTagCode.values, start=1):
        ServiceTag.objects.get_or_create(code=code, defaults={"order": order})


def test_two_clerks_accept_at_once_exactly_one_wins() -> None:
    # given: a submitted case and two clerks of its department
    _reference_data()
    case = submit_case()
    clerks = [make_staff("window_clerk", case.department) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[Any] = [None, None]

    def accept(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = case_accept(case=case, actor=clerks[index])
        except Exception as exc:  # the loser's CaseConflict, checked below
            results[index] = exc
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=accept, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, CaseConflict)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert losers[0].message == "办件状态为“审查中”，不能执行“受理”"
    assert list(CaseEvent.objects.filter(case=case).values_list("sequence", "action")) == [
        (1, "submit"),
        (2, "accept"),
    ]
    assert Case.objects.get(pk=case.pk).status == "in_review"
    winner_event = CaseEvent.objects.get(case=case, sequence=2)
    assert winner_event.actor == winners[0].events.get(sequence=2).actor
    assert OutboxMessage.objects.filter(topic="cases.notice").count() == 1
