"""The payment-provider interface (支付渠道) and the configured provider (docs/payments.md).

``settings.HAOBAN_PAYMENT_PROVIDER`` is the dotted path of a :class:`PaymentProvider` subclass; the default
is :class:`haoban.payments.providers.local.LocalProvider` (本地模拟收银台). A real gateway adapter (for
example the province's 统一公共支付平台) implements the three methods below; everything else — the order's
state, the row lock, the amount check, the idempotency of repeated notifications, the case event — is done
once, for every provider, by :mod:`haoban.payments.services`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from ..models import PaymentOrder


class InvalidNotification(ValueError):
    """A payment notification that must not be believed (bad signature, malformed, wrong amount)."""


@dataclass(frozen=True)
class PaymentNotification:
    """What a verified notification says: this order was paid, under this reference, for this amount."""

    order_number: str
    provider_reference: str
    amount: Decimal


class PaymentProvider:
    """One payment channel. Subclasses set ``name`` (stored on the order) and ``label`` (shown to people)."""

    name: str = ""
    label: str = ""

    def create_checkout(self, order: PaymentOrder) -> str:
        """The URL to send the payer to (the gateway's cashier). May register the order with the gateway."""
        raise NotImplementedError

    def verify_notification(self, data: Mapping[str, str]) -> PaymentNotification:
        """Check the signature of a payment notification (the gateway's asynchronous callback) and return
        what it says; raise :class:`InvalidNotification` (with a Chinese message) when it cannot be trusted."""
        raise NotImplementedError

    def refund(self, order: PaymentOrder) -> str:
        """Ask the gateway to refund ``order`` in full; return the gateway's refund reference."""
        raise NotImplementedError

    def acknowledgement(self) -> str:
        """The body the gateway expects in the answer to an accepted notification."""
        return "success"


def get_provider() -> PaymentProvider:
    """The configured provider (``HAOBAN_PAYMENT_PROVIDER``)."""
    provider_class = import_string(settings.HAOBAN_PAYMENT_PROVIDER)
    provider: PaymentProvider = provider_class()
    return provider
