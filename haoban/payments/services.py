"""Every write to payment orders (docs/payments.md). Keyword-only, one transaction each, the order row
locked (``select_for_update``) before its status is read, so two payments or two refunds of one order at
the same time → exactly one succeeds, the other gets :class:`PaymentConflict` (HTTP 409), nothing written.

Each payment and each refund is also a ``pay`` event on the case's timeline, written by the cases service
:func:`~haoban.cases.services.case_pay` in the same transaction (so the applicant is notified, and the
department's systems get their webhook). Lock order: the payment order, then the case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from haoban.accounts.models import StaffRole
from haoban.cases.access import CaseActor
from haoban.cases.models import Case
from haoban.cases.services import CaseConflict, CaseServiceError, case_pay
from haoban.catalog.models import FeeItem

from .models import PaymentOrder
from .providers import InvalidNotification, PaymentNotification, PaymentProvider, get_provider

COUNTER_METHODS = {
    PaymentOrder.Method.CASH: "现金",
    PaymentOrder.Method.POS: "POS 刷卡",
    PaymentOrder.Method.BANK_TRANSFER: "银行转账",
}
ORDER_PREFIX = "JF"  # 缴费


class PaymentConflict(CaseConflict):
    """The order's status does not allow it (HTTP 409, like every case conflict); nothing was written."""


class PaymentPermissionDenied(CaseServiceError):
    """The actor's roles do not allow it (HTTP 403); nothing was written."""

    code = "permission_denied"


def order_number_for(case: Case) -> str:
    """缴费单号: ``JF`` + the case number (one order per case)."""
    return f"{ORDER_PREFIX}{case.number}"


def chargeable_fees(case: Case) -> list[FeeItem]:
    """The pinned version's fee items that name an amount above zero, in their order."""
    return [
        fee
        for fee in case.item_version.fees.order_by("order", "pk")
        if fee.amount is not None and fee.amount > 0
    ]


def _fee_lines(case: Case, fee_item_ids: Sequence[int] | None) -> list[dict[str, str]]:
    fees = chargeable_fees(case)
    if fee_item_ids is not None:
        known = {fee.pk for fee in fees}
        unknown = [str(pk) for pk in fee_item_ids if pk not in known]
        if unknown:
            raise ValidationError(
                {"fee_items": [f"收费项目 {'、'.join(unknown)} 不是该事项版本中有金额的收费项目"]}
            )
        fees = [fee for fee in fees if fee.pk in set(fee_item_ids)]
    return [
        {"name": fee.name, "basis": fee.basis, "standard": fee.standard, "amount": f"{fee.amount:.2f}"}
        for fee in fees
    ]


def order_create_for_case(*, case: Case, fee_item_ids: Sequence[int] | None = None) -> PaymentOrder | None:
    """The case's payment order, created from its pinned version's fee items with an amount above zero
    (called by ``case_approve`` inside its transaction, the case locked): those named by ``fee_item_ids``
    (the fees that apply to this case, when the item lists alternatives), or all of them (None).
    Idempotent: an existing order is returned unchanged. None when nothing is charged."""
    existing = PaymentOrder.objects.filter(case=case).first()
    if existing is not None:
        return existing
    lines = _fee_lines(case, fee_item_ids)
    if not lines:
        return None
    order = PaymentOrder(
        number=order_number_for(case),
        case=case,
        amount=sum((Decimal(line["amount"]) for line in lines), Decimal("0.00")),
        lines=lines,
    )
    order.full_clean()
    order.save()
    return order


def release_hold_reason(case: Case) -> str:
    """Why the result may not be released yet (先缴费后领证), or "" when it may (called by ``case_deliver``)."""
    if not case.item_version.pay_before_release:
        return ""
    pending = PaymentOrder.objects.filter(case=case, status=PaymentOrder.Status.PENDING).first()
    if pending is None:
        return ""
    return (
        f"该事项须先缴费后领证：缴费单 {pending.number}（{pending.amount:.2f} 元）尚未缴费，不能送达审批结果"
    )


def _lock(order: PaymentOrder) -> PaymentOrder:
    return PaymentOrder.objects.select_for_update().select_related("case").get(pk=order.pk)


def _already(order: PaymentOrder, verb: str) -> PaymentConflict:
    if order.status == PaymentOrder.Status.PAID:
        return PaymentConflict(f"缴费单 {order.number} 已缴费，不能{verb}")
    if order.status == PaymentOrder.Status.REFUNDED:
        return PaymentConflict(f"缴费单 {order.number} 已退费，不能{verb}")
    return PaymentConflict(f"缴费单 {order.number} 尚未缴费，不能{verb}")


def holds_role(actor: AbstractBaseUser, case: Case, role: str) -> bool:
    """Whether ``actor`` holds ``role`` with a scope that covers ``case``."""
    return CaseActor.of(actor).holds(case, role)


def _mark_paid(
    order: PaymentOrder,
    *,
    actor: AbstractBaseUser | None,
    method: str,
    provider: str,
    reference: str,
    at: dt.datetime | None,
) -> PaymentOrder:
    order.status = PaymentOrder.Status.PAID
    order.method = method
    order.provider = provider
    order.provider_reference = reference
    order.paid_at = at or timezone.now()
    order.recorded_by = actor
    order.save(
        update_fields=[
            "status",
            "method",
            "provider",
            "provider_reference",
            "paid_at",
            "recorded_by",
            "updated_at",
        ]
    )
    case_pay(
        case=order.case,
        actor=actor,  # type: ignore[arg-type]  # None: recorded on the gateway's notification (system)
        at=at,
        order_id=order.number,
        amount=order.amount,
        method=method,
    )
    return order


def order_record_counter_payment(
    *,
    order: PaymentOrder,
    actor: AbstractBaseUser,
    method: str,
    reference: str = "",
    amount: Decimal | None = None,
    at: dt.datetime | None = None,
) -> PaymentOrder:
    """登记窗口缴费: a window clerk of the case records an offline payment (cash, POS, bank transfer).
    The amount, when given, must be the order's (no partial payments)."""
    with transaction.atomic():
        order = _lock(order)
        if not holds_role(actor, order.case, StaffRole.WINDOW_CLERK):
            raise PaymentPermissionDenied("只有负责该办件的窗口受理人员可以登记窗口缴费")
        errors: dict[str, list[str]] = {}
        if method not in COUNTER_METHODS:
            errors["method"] = [
                "窗口缴费方式只能是 cash（现金）、pos（POS 刷卡）或 bank_transfer（银行转账）"
            ]
        if amount is not None and Decimal(amount) != order.amount:
            errors["amount"] = [f"缴费金额应为 {order.amount:.2f} 元"]
        if len((reference or "").strip()) > 64:
            errors["reference"] = ["票据号不能超过 64 个字符"]
        if errors:
            raise ValidationError(errors)
        if order.status != PaymentOrder.Status.PENDING:
            raise _already(order, "再次缴费")
        return _mark_paid(
            order, actor=actor, method=method, provider="", reference=(reference or "").strip(), at=at
        )


def order_handle_notification(
    *, provider: PaymentProvider | None = None, data: dict[str, Any]
) -> tuple[PaymentOrder, bool]:
    """A payment notification from ``provider`` (the callback URL, or the local cashier): verify it, then
    mark the order paid. Returns (order, changed). A repeat of a notification already recorded (same
    provider reference) changes nothing. Raises :class:`InvalidNotification` (HTTP 400) for a bad
    signature, an unknown order or a wrong amount, :class:`PaymentConflict` (409) when the order was
    settled otherwise; nothing written in either case."""
    provider = provider or get_provider()
    notice: PaymentNotification = provider.verify_notification(data)
    with transaction.atomic():
        found = PaymentOrder.objects.filter(number=notice.order_number).first()
        if found is None:
            raise InvalidNotification(f"支付通知中的缴费单 {notice.order_number} 不存在")
        order = _lock(found)
        if notice.amount != order.amount:
            raise InvalidNotification(
                f"支付通知金额 {notice.amount} 元与缴费单应缴金额 {order.amount:.2f} 元不符"
            )
        if order.provider == provider.name and order.provider_reference == notice.provider_reference:
            return order, False  # the gateway repeats its notification until it is acknowledged
        if order.status != PaymentOrder.Status.PENDING:
            raise _already(order, "再次缴费")
        try:
            with transaction.atomic():
                _mark_paid(
                    order,
                    actor=None,
                    method=PaymentOrder.Method.ONLINE,
                    provider=provider.name,
                    reference=notice.provider_reference,
                    at=None,
                )
        except IntegrityError:
            raise InvalidNotification(f"支付流水号 {notice.provider_reference} 已用于其他缴费单") from None
        return order, True


def order_refund(
    *,
    order: PaymentOrder,
    actor: AbstractBaseUser,
    reason: str,
    at: dt.datetime | None = None,
) -> PaymentOrder:
    """退费: the whole amount back, approved by a 部门负责人 of the case's department, with a reason. An
    online payment is refunded through its provider first; the refund is a ``pay`` event with
    ``kind=refund`` on the case's timeline."""
    with transaction.atomic():
        order = _lock(order)
        if not holds_role(actor, order.case, StaffRole.DEPARTMENT_HEAD):
            raise PaymentPermissionDenied("只有该办件实施部门的部门负责人可以批准退费")
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": ["请填写退费原因"]})
        if len(reason) > 300:
            raise ValidationError({"reason": ["退费原因不能超过 300 个字符"]})
        if order.status != PaymentOrder.Status.PAID:
            raise _already(order, "退费")
        # The case event first: if the case no longer takes payment events (办结), nothing is refunded.
        case_pay(
            case=order.case,
            actor=actor,
            at=at,
            order_id=order.number,
            amount=order.amount,
            method=order.method,
            refund_reason=reason,
        )
        reference = ""
        if order.method == PaymentOrder.Method.ONLINE:
            provider = get_provider()
            if provider.name != order.provider:
                raise PaymentConflict(f"该缴费单经“{order.provider}”支付，当前支付渠道不能为其退费")
            reference = provider.refund(order)
        order.status = PaymentOrder.Status.REFUNDED
        order.refunded_at = at or timezone.now()
        order.refund_reason = reason
        order.refunded_by = actor
        order.refund_reference = reference
        order.save(
            update_fields=[
                "status",
                "refunded_at",
                "refund_reason",
                "refunded_by",
                "refund_reference",
                "updated_at",
            ]
        )
        return order


def case_payment_record(
    *,
    case: Case,
    actor: AbstractBaseUser,
    method: str,
    amount: Decimal | None = None,
    order_id: str | None = None,
    reference: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """The ``pay`` action of the API and the workbench. A case with a payment order takes only a counter
    payment of that order (:func:`order_record_counter_payment`, window clerk, full amount); a case without
    one keeps the plain record of a payment made outside Haoban (:func:`~haoban.cases.services.case_pay`)."""
    order = PaymentOrder.objects.filter(case=case).first()
    if order is None:  # ``order_id`` is then the outside system's order number, recorded as given
        return case_pay(case=case, actor=actor, at=at, order_id=order_id, amount=amount, method=method)
    if order_id and order_id != order.number:
        raise ValidationError({"order_id": [f"该办件的缴费单号为 {order.number}，不是 {order_id}"]})
    order_record_counter_payment(
        order=order, actor=actor, method=method, reference=reference, amount=amount, at=at
    )
    return Case.objects.get(pk=case.pk)
