"""Outgoing SMS and e-mail through pluggable backends, chosen by settings.

- **SMS**: ``settings.HAOBAN_SMS_BACKEND``, a dotted path to a class with
  ``send(*, phone: str, text: str) -> str`` (returns the provider's message id, or ``""``). Default
  :class:`LoggingSmsBackend`: writes the message to the ``haoban.sms`` logger with the phone masked and
  sends nothing, which is what the embedded default (``make run``) and development want. A real gateway
  (the province's 短信平台) is one class away; raise on failure so the outbox retries.
  :class:`LocmemSmsBackend` keeps messages in :data:`sms_outbox` for tests, like Django's ``mail.outbox``.
- **E-mail**: Django's ``EmailMessage`` through ``settings.EMAIL_BACKEND`` (SMTP in production; the
  console or locmem backend in development and tests).

Callers are outbox handlers, so sending happens after the business transaction has committed.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

logger = logging.getLogger("haoban.sms")

DEFAULT_SMS_BACKEND = "haoban.core.notify.LoggingSmsBackend"


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str) -> str: ...


def mask_phone(phone: str) -> str:
    """``13800001234`` → ``138****1234`` (architecture.md: phones masked in lists and logs)."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_email(address: str) -> str:
    """``linxm@example.cn`` → ``l***@example.cn``."""
    local, at, domain = address.strip().partition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


class LoggingSmsBackend:
    """Sends nothing: logs the text with the phone masked."""

    def send(self, *, phone: str, text: str) -> str:
        logger.info("短信（未实际发送）→ %s：%s", mask_phone(phone), text)
        return ""


@dataclasses.dataclass(frozen=True)
class SentSms:
    phone: str
    text: str


sms_outbox: list[SentSms] = []


class LocmemSmsBackend:
    """Keeps messages in :data:`sms_outbox` (tests)."""

    def send(self, *, phone: str, text: str) -> str:
        sms_outbox.append(SentSms(phone=phone, text=text))
        return f"locmem-{len(sms_outbox)}"


def sms_backend_path() -> str:
    return str(getattr(settings, "HAOBAN_SMS_BACKEND", "") or DEFAULT_SMS_BACKEND)


def get_sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(sms_backend_path())()
    return backend


def send_sms(*, phone: str, text: str) -> str:
    """Send ``text`` to ``phone`` through the configured backend; returns the provider's id."""
    return get_sms_backend().send(phone=phone, text=text)


def send_email(*, to: str, subject: str, body: str) -> str:
    """Send a plain-text e-mail through ``EMAIL_BACKEND``; raises on failure (the outbox retries)."""
    EmailMessage(subject=subject, body=body, to=[to]).send(fail_silently=False)
    return ""


def email_backend_path() -> str:
    return str(settings.EMAIL_BACKEND)
