"""Builders for the payments tests: items with fees, cases brought to approval through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from haoban.cases.models import Case
from haoban.cases.tests.factories import at, case_in_status, make_case_version, make_staff
from haoban.catalog.models import ServiceItemVersion

from ..models import PaymentOrder

FEES: list[dict[str, Any]] = [
    {"name": "工本费", "basis": "闽价费〔2019〕1号", "standard": "每证 10 元", "amount": "10.00"},
    {"name": "登记费", "basis": "闽财税〔2020〕2号", "standard": "每件 70.50 元", "amount": "70.50"},
    {"name": "加急服务费", "basis": "", "standard": "按实际收取", "amount": None},
    {"name": "免收项目", "basis": "", "standard": "0 元", "amount": "0"},
]
DAY = at(2026, 10, 9, 9)


def fee_version(*, pay_before_release: bool = True, **overrides: Any) -> ServiceItemVersion:
    return make_case_version(charges_fee=True, pay_before_release=pay_before_release, fees=FEES, **overrides)


def approved_case(
    *, pay_before_release: bool = True, status: str = "approved", when: dt.datetime = DAY, **kwargs: Any
) -> Case:
    return case_in_status(
        status, at=when, version=fee_version(pay_before_release=pay_before_release), **kwargs
    )


def order_of(case: Case) -> PaymentOrder:
    return PaymentOrder.objects.get(case=case)


def clerk_of(case: Case) -> Any:
    return make_staff("window_clerk", case.department)


def head_of(case: Case) -> Any:
    return make_staff("department_head", case.department)


def order_row(order: PaymentOrder) -> dict[str, Any]:
    """Everything a refused payment or refund must leave unchanged."""
    order.refresh_from_db()
    return {
        f.name: getattr(order, f.attname)
        for f in PaymentOrder._meta.concrete_fields
        if f.name != "updated_at"
    } | {"updated_at": order.updated_at}
