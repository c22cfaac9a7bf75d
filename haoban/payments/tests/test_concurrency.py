"""Two payments of one order at the same moment — a clerk at the counter and the gateway's notification —
and two refunds at once: the order's row lock lets exactly one win (PostgreSQL; skipped on SQLite, which
serialises writers on the whole database file)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from haoban.cases.models import CaseEvent
from haoban.catalog.models import ServiceTag, ServiceTagCode

from ..models import PaymentOrder
from ..providers.local import LocalProvider
from ..services import PaymentConflict, order_handle_notification, order_record_counter_payment, order_refund
from .helpers import approved_case, clerk_of, head_of, order_of

pytestmark = [
    pytest.mark.skipif(
        "sqlite" in settings.DATABASES["default"]["ENGINE"],
        reason="SQLite locks the whole database for writes; the row-lock race needs PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _reference_data() -> None:
    for order, code in enumerate(ServiceTagCode.values, start=1):
        ServiceTag.objects.get_or_create(code=code, defaults={"order": order})


def _race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = calls[index]()
        except Exception as exc:  # the loser's PaymentConflict, checked by the caller
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_counter_payment_and_online_notification_at_once_exactly_one_wins() -> None:
    # given
    _reference_data()
    case = approved_case()
    order, clerk, provider = order_of(case), clerk_of(case), LocalProvider()
    notification = provider.notification_for(order)

    # when
    results = _race(
        lambda: order_record_counter_payment(order=order, actor=clerk, method="cash"),
        lambda: order_handle_notification(provider=provider, data=notification),
    )

    # then
    losers = [r for r in results if isinstance(r, PaymentConflict)]
    assert len(losers) == 1, results
    assert losers[0].message == f"缴费单 {order.number} 已缴费，不能再次缴费"
    assert order_of(case).status == PaymentOrder.Status.PAID
    assert CaseEvent.objects.filter(case=case, action="pay").count() == 1


def test_two_refunds_at_once_exactly_one_wins() -> None:
    # given
    _reference_data()
    case = approved_case()
    order_record_counter_payment(order=order_of(case), actor=clerk_of(case), method="pos")
    heads = [head_of(case), head_of(case)]

    # when
    results = _race(
        *(
            lambda head=head: order_refund(order=order_of(case), actor=head, reason="重复缴费")
            for head in heads
        )
    )

    # then
    losers = [r for r in results if isinstance(r, PaymentConflict)]
    winners = [r for r in results if isinstance(r, PaymentOrder)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert losers[0].message == f"缴费单 {order_of(case).number} 已退费，不能退费"
    assert order_of(case).status == PaymentOrder.Status.REFUNDED
    assert CaseEvent.objects.filter(case=case, action="pay").count() == 2
