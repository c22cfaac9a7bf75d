"""本地模拟收银台: a payment provider that runs inside Haoban, for development, demos and tests.

The cashier page (``/payments/orders/<number>/cashier/``) shows the order and a 确认支付 button. Its POST
does what a real gateway does after the payer has paid: it produces a notification — order number, a new
transaction reference, the amount, a timestamp — signed with HMAC-SM3, and hands it to the same code path
as the callback URL (``/payments/notify/``): :meth:`LocalProvider.verify_notification` checks the
signature, then :func:`haoban.payments.services.order_handle_notification` records the payment.

The key is ``HAOBAN_PAYMENT_LOCAL_KEY`` (64 hex digits); without it, a key derived from ``SECRET_KEY``.
No money moves: never configure this provider in production.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from haoban.integration.signing import hmac_sm3, signatures_match

from . import InvalidNotification, PaymentNotification, PaymentProvider

if TYPE_CHECKING:
    from ..models import PaymentOrder

FIELDS = ("order_number", "provider_reference", "amount", "timestamp")
SIGNATURE_FIELD = "signature"


def local_key() -> bytes:
    configured = getattr(settings, "HAOBAN_PAYMENT_LOCAL_KEY", "")
    if configured:
        return bytes.fromhex(configured)
    return hmac_sm3(settings.SECRET_KEY.encode("utf-8"), b"haoban.payments.local")


def canonical(data: Mapping[str, str]) -> str:
    """The signed text: the four fields in a fixed order, one per line."""
    return "\n".join(str(data.get(name, "")) for name in FIELDS)


def sign(data: Mapping[str, str]) -> str:
    return hmac_sm3(local_key(), canonical(data).encode("utf-8")).hex()


class LocalProvider(PaymentProvider):
    name = "local"
    label = "本地模拟收银台"

    def create_checkout(self, order: PaymentOrder) -> str:
        return reverse("payments:cashier", args=[order.number])

    def notification_for(self, order: PaymentOrder) -> dict[str, str]:
        """What the cashier's 确认支付 sends: the order's number and amount under a new reference, signed."""
        data = {
            "order_number": order.number,
            "provider_reference": f"LOCAL{secrets.token_hex(8).upper()}",
            "amount": f"{order.amount:.2f}",
            "timestamp": str(int(time.time())),
        }
        data[SIGNATURE_FIELD] = sign(data)
        return data

    def verify_notification(self, data: Mapping[str, str]) -> PaymentNotification:
        missing = [name for name in (*FIELDS, SIGNATURE_FIELD) if not str(data.get(name, "")).strip()]
        if missing:
            raise InvalidNotification(f"支付通知缺少字段：{'、'.join(missing)}")
        if not signatures_match(sign(data), str(data[SIGNATURE_FIELD])):
            raise InvalidNotification("支付通知签名无效")
        try:
            amount = Decimal(str(data["amount"]))
        except InvalidOperation:
            raise InvalidNotification("支付通知金额格式错误") from None
        if not amount.is_finite():
            raise InvalidNotification("支付通知金额格式错误")
        return PaymentNotification(
            order_number=str(data["order_number"]),
            provider_reference=str(data["provider_reference"]),
            amount=amount,
        )

    def refund(self, order: PaymentOrder) -> str:
        return f"LOCALREFUND{secrets.token_hex(8).upper()}"
