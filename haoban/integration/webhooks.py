"""Webhooks to department systems: case events, signed, retried with backoff, idempotent for the receiver.

:func:`enqueue_case_webhooks` puts one outbox message (topic ``integration.webhook``) per active client of
the case's department that has a ``webhook_url``; call it in the transaction that writes the event (the
case services' ``enqueue_event_effects`` is the place). ``haoban worker`` delivers each message with
:func:`deliver_webhook`: a ``POST`` of JSON, signed like an API request (HMAC-SM3 with the client's secret,
:mod:`haoban.integration.signing`) plus ``X-Haoban-Delivery: <uuid>``. A non-2xx answer, a redirect or a
connection error raises, so the outbox retries with exponential backoff (10 s, 20 s, 40 s …); every retry
carries the same delivery id and the same body, so a receiver that remembers delivery ids handles each
event once. Connections are direct (no proxy), with a 10-second timeout.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from django.utils import timezone

from haoban.cases.models import CaseEvent
from haoban.core.localcache import LocalCache
from haoban.core.models import OutboxMessage
from haoban.core.outbox import outbox_enqueue, register_handler

from .models import IntegrationClient
from .services import client_secret
from .signing import HEADER_DELIVERY, sign_request

WEBHOOK_TOPIC = "integration.webhook"
TIMEOUT_SECONDS = 10
EVENT_TYPE = "case.event"


class WebhookDeliveryError(RuntimeError):
    """The receiver did not confirm the delivery with a 2xx answer; the outbox will try again."""


def event_body(case_event: CaseEvent) -> dict[str, Any]:
    """What a receiver learns about an event (everything but the delivery id, added per delivery)."""
    case = case_event.case
    return {
        "type": EVENT_TYPE,
        "case_number": case.number,
        "item_code": case.item.implementation_code,
        "sequence": case_event.sequence,
        "action": case_event.action,
        "action_label": case_event.get_action_display(),
        "from_status": case_event.from_status,
        "to_status": case_event.to_status,
        "occurred_at": timezone.localtime(case_event.occurred_at).isoformat(),
    }


_webhook_departments: LocalCache[frozenset[int]] = LocalCache(
    "integration-webhook-departments", models=(IntegrationClient,)
)


def departments_with_webhooks() -> frozenset[int]:
    """Ids of the departments with an active client that has a webhook URL (kept per process for a
    moment, :mod:`haoban.core.localcache`; a client added elsewhere is notified of events within it)."""
    return _webhook_departments.get(
        "all",
        lambda: frozenset(
            IntegrationClient.objects.filter(active=True)
            .exclude(webhook_url="")
            .values_list("department_id", flat=True)
        ),
    )


def enqueue_case_webhooks(*, case_event: CaseEvent) -> list[OutboxMessage]:
    """One ``integration.webhook`` message per client to notify of ``case_event``.

    Clients notified: active, with a webhook URL, of the case's department, except the client that pushed
    the event itself. Calling it twice for one event enqueues nothing the second time.
    """
    case = case_event.case
    if case.department_id not in departments_with_webhooks():  # most events: no query at all
        return []
    clients = IntegrationClient.objects.filter(department_id=case.department_id, active=True).exclude(
        webhook_url=""
    )
    if case_event.integration_client:
        clients = clients.exclude(client_id=case_event.integration_client)
    targets = list(clients.order_by("pk"))
    if not targets:  # the common case on the write path: one query, nothing to enqueue
        return []
    already = set(
        OutboxMessage.objects.filter(topic=WEBHOOK_TOPIC, payload__event_id=case_event.pk).values_list(
            "payload__client", flat=True
        )
    )
    body = event_body(case_event)
    return [
        outbox_enqueue(
            topic=WEBHOOK_TOPIC, payload={"client": client.pk, "event_id": case_event.pk, "body": body}
        )
        for client in targets
        if client.pk not in already
    ]


def notify_department_systems(event: CaseEvent) -> list[OutboxMessage]:
    """Shorthand for the case services: ``enqueue_case_webhooks(case_event=event)``."""
    return enqueue_case_webhooks(case_event=event)


def delivery_bytes(message: OutboxMessage) -> bytes:
    """The exact body of a delivery: the same bytes on every attempt."""
    body = {"delivery_id": str(message.uuid), **message.payload["body"]}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    # A redirected POST would be replayed as a GET without its body: treat any 3xx as a failed delivery.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _RefuseRedirects())


@register_handler(WEBHOOK_TOPIC)
def deliver_webhook(message: OutboxMessage) -> None:
    """POST one delivery; raise :class:`WebhookDeliveryError` unless the receiver answers 2xx."""
    client = IntegrationClient.objects.filter(pk=message.payload["client"]).first()
    if client is None or not client.active or not client.webhook_url:
        return  # revoked or unsubscribed since: nothing to deliver, nothing to retry
    body = delivery_bytes(message)
    headers = sign_request(
        client_id=client.client_id,
        secret=client_secret(client),
        method="POST",
        url=client.webhook_url,
        body=body,
    )
    headers.update({"Content-Type": "application/json; charset=utf-8", HEADER_DELIVERY: str(message.uuid)})
    request = urllib.request.Request(client.webhook_url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise WebhookDeliveryError(f"回调地址返回 HTTP {exc.code}（{client.webhook_url}）") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WebhookDeliveryError(f"无法连接回调地址 {client.webhook_url}：{reason}") from None
    if not 200 <= status < 300:  # pragma: no cover - urllib raises HTTPError for every non-2xx status
        raise WebhookDeliveryError(f"回调地址返回 HTTP {status}（{client.webhook_url}）")
