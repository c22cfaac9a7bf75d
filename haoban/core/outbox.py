"""Transactional outbox: enqueue side effects with the state change, deliver them from ``haoban worker``.

Delivery is at least once. A handler that raises is retried with exponential backoff (10 s, 20 s, 40 s …,
capped at one hour) until ``MAX_ATTEMPTS``; then the message is marked failed and stays for inspection in
the admin. Handlers must be idempotent: the message's ``uuid`` is passed to them for deduplication.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from .db import insert_rows
from .models import OutboxMessage

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxMessage], None]
_handlers: dict[str, Handler] = {}

MAX_ATTEMPTS = 10
BASE_DELAY = dt.timedelta(seconds=10)
MAX_DELAY = dt.timedelta(hours=1)


def register_handler(topic: str) -> Callable[[Handler], Handler]:
    """Decorator: ``@register_handler("case.notify")`` makes the function deliver that topic."""

    def decorator(fn: Handler) -> Handler:
        _handlers[topic] = fn
        return fn

    return decorator


def unregister_handler(topic: str) -> None:
    _handlers.pop(topic, None)


def outbox_enqueue(
    *, topic: str, payload: dict[str, Any], delay: dt.timedelta | None = None
) -> OutboxMessage:
    """Record a side effect; call inside the transaction of the change it belongs to."""
    message = OutboxMessage(
        topic=topic, payload=payload, available_at=timezone.now() + (delay or dt.timedelta())
    )
    insert_rows([message])
    return message


def backoff(attempts: int) -> dt.timedelta:
    """Delay before the next try after ``attempts`` failed tries."""
    return min(BASE_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def process_outbox(*, batch_size: int = 50, now: dt.datetime | None = None) -> int:
    """Deliver up to ``batch_size`` due messages; returns how many were attempted.

    Each message is handled in its own transaction with the row locked (``SKIP LOCKED`` on PostgreSQL), so
    several workers can run side by side without delivering the same message twice at once.
    """
    now = now or timezone.now()
    attempted = 0
    while attempted < batch_size:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(status=OutboxMessage.Status.PENDING, available_at__lte=now)
                .order_by("available_at", "id")
                .first()
            )
            if message is None:
                break
            attempted += 1
            _deliver(message, now)
    return attempted


def _deliver(message: OutboxMessage, now: dt.datetime) -> None:
    handler = _handlers.get(message.topic)
    message.attempts += 1
    try:
        if handler is None:
            raise LookupError(f"没有处理“{message.topic}”主题的程序")
        with transaction.atomic():
            handler(message)
    except Exception as exc:
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxMessage.Status.FAILED
            logger.error("outbox message %s (%s) failed for good: %s", message.pk, message.topic, exc)
        else:
            message.available_at = now + backoff(message.attempts)
            logger.warning("outbox message %s (%s) failed, retrying: %s", message.pk, message.topic, exc)
    else:
        message.status = OutboxMessage.Status.DONE
        message.processed_at = now
        message.last_error = ""
    message.save(update_fields=["attempts", "status", "available_at", "last_error", "processed_at"])
