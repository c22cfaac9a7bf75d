"""``{% case_payment_orders case user as orders %}``: a case's payment orders with what ``user`` may do
on each (pay online, record a counter payment, refund), for the portal and workbench case pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from haoban.accounts.access import applicant_principals
from haoban.accounts.models import StaffRole
from haoban.cases.access import CaseActor
from haoban.cases.models import Case

from ..models import PaymentOrder

register = template.Library()


@dataclass(frozen=True)
class OrderRow:
    order: PaymentOrder
    can_pay_online: bool
    can_record_counter: bool
    can_refund: bool


@register.simple_tag
def case_payment_orders(case: Case, user: Any) -> list[OrderRow]:
    orders = list(PaymentOrder.objects.filter(case=case).order_by("created_at"))
    if not orders:
        return []
    actor = CaseActor.of(user)
    is_applicant = case.submitted_by_id == user.pk or case.applicant_id in applicant_principals(user)
    clerk = actor.holds(case, StaffRole.WINDOW_CLERK)
    head = actor.holds(case, StaffRole.DEPARTMENT_HEAD)
    return [
        OrderRow(
            order=order,
            can_pay_online=is_applicant and order.status == PaymentOrder.Status.PENDING,
            can_record_counter=clerk and order.status == PaymentOrder.Status.PENDING,
            can_refund=head and order.status == PaymentOrder.Status.PAID,
        )
        for order in orders
    ]
