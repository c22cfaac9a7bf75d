"""Webhooks to department systems, delivered to a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from haoban.cases.models import CaseEvent
from haoban.cases.tests.factories import make_case_version, submit_case
from haoban.catalog.tests.factories import make_department
from haoban.core.models import OutboxMessage
from haoban.core.outbox import process_outbox
from haoban.integration import services, signing
from haoban.integration.webhooks import WEBHOOK_TOPIC, enqueue_case_webhooks, notify_department_systems

pytestmark = pytest.mark.django_db


@dataclass
class Receiver:
    """A department system's webhook endpoint: answers with the given statuses in turn, records requests."""

    statuses: list[int]
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(statuses=[])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append((self.path, dict(self.headers.items()), body))
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            if status == 302:
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/haoban/webhook?system=food"
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def event(department) -> CaseEvent:
    case = submit_case(version=make_case_version(department=department))
    OutboxMessage.objects.all().delete()  # the case's own effects (notice, notification) are not tested here
    return case.events.get()


def _client(department, url: str, name: str = "许可系统") -> services.IssuedClient:
    return services.integration_client_create(department=department, name=name, webhook_url=url)


def test_first_500_then_200_is_two_attempts_one_delivery_signed_with_one_delivery_id(receiver, event):
    # given
    issued = _client(event.case.department, receiver.url)
    receiver.statuses = [500, 200]
    (message,) = enqueue_case_webhooks(case_event=event)
    start = timezone.now()
    # when: the first attempt fails, the retry comes after the 10-second backoff
    assert process_outbox(now=start) == 1
    message.refresh_from_db()
    failed = (message.status, message.attempts, message.available_at, message.last_error)
    assert process_outbox(now=start + dt.timedelta(seconds=5)) == 0
    assert process_outbox(now=start + dt.timedelta(seconds=11)) == 1
    # then
    assert failed == (
        OutboxMessage.Status.PENDING,
        1,
        start + dt.timedelta(seconds=10),
        f"WebhookDeliveryError: 回调地址返回 HTTP 500（{receiver.url}）",
    )
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxMessage.Status.DONE, 2, "")
    assert len(receiver.requests) == 2
    (path1, headers1, body1), (path2, headers2, body2) = receiver.requests
    assert path1 == path2 == "/haoban/webhook?system=food"
    assert body1 == body2
    assert headers1["X-Haoban-Delivery"] == headers2["X-Haoban-Delivery"] == str(message.uuid)
    assert headers1["X-Haoban-Nonce"] != headers2["X-Haoban-Nonce"]
    assert headers1["Content-Type"] == "application/json; charset=utf-8"
    for headers, body in ((headers1, body1), (headers2, body2)):
        assert headers["X-Haoban-Client"] == issued.client.client_id
        assert signing.verify_headers(
            secret=issued.secret, method="POST", url=receiver.url, body=body, headers=headers
        )
        assert not signing.verify_headers(
            secret="hbs_wrong", method="POST", url=receiver.url, body=body, headers=headers
        )
    case = event.case
    assert json.loads(body1) == {
        "delivery_id": str(message.uuid),
        "type": "case.event",
        "case_number": case.number,
        "item_code": case.item.implementation_code,
        "sequence": 1,
        "action": "submit",
        "action_label": "提交申请",
        "from_status": "",
        "to_status": "submitted",
        "occurred_at": timezone.localtime(event.occurred_at).isoformat(),
    }
    assert json.loads(body1)["occurred_at"].endswith("+08:00")


def test_connection_refused_and_redirect_are_retried(event):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _client(event.case.department, f"http://127.0.0.1:{port}/hook")
    (message,) = enqueue_case_webhooks(case_event=event)
    process_outbox(now=timezone.now())
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 1)
    assert message.last_error.startswith(
        f"WebhookDeliveryError: 无法连接回调地址 http://127.0.0.1:{port}/hook："
    )


def test_redirect_is_a_failed_delivery(receiver, event):
    _client(event.case.department, receiver.url)
    receiver.statuses = [302]
    (message,) = enqueue_case_webhooks(case_event=event)
    process_outbox(now=timezone.now())
    message.refresh_from_db()
    assert len(receiver.requests) == 1
    assert message.last_error == f"WebhookDeliveryError: 回调地址返回 HTTP 302（{receiver.url}）"


def test_only_active_clients_of_the_department_with_a_url_are_notified_once(receiver, event):
    # given
    department = event.case.department
    wanted = _client(department, receiver.url, "甲系统")
    _client(department, "", "无回调系统")
    services.integration_client_revoke(client=_client(department, receiver.url, "已停用系统").client)
    _client(make_department(name="莆田市卫生健康委员会"), receiver.url, "其他部门系统")
    # when
    first = enqueue_case_webhooks(case_event=event)
    again = notify_department_systems(event)
    # then
    assert [m.payload["client"] for m in first] == [wanted.client.pk]
    assert again == []
    assert OutboxMessage.objects.filter(topic=WEBHOOK_TOPIC).count() == 1


def test_the_client_that_pushed_the_event_is_not_notified_of_it(receiver, event):
    issued = _client(event.case.department, receiver.url)
    event.integration_client = issued.client.client_id
    assert enqueue_case_webhooks(case_event=event) == []


def test_a_client_revoked_after_enqueueing_gets_nothing(receiver, event):
    issued = _client(event.case.department, receiver.url)
    (message,) = enqueue_case_webhooks(case_event=event)
    services.integration_client_revoke(client=issued.client)
    process_outbox(now=timezone.now())
    message.refresh_from_db()
    assert (message.status, receiver.requests) == (OutboxMessage.Status.DONE, [])


def test_events_recorded_by_staff_notify_the_department_systems(department):
    # given: a department system with a webhook URL
    issued = _client(department, "http://127.0.0.1:9/hook")
    # when: a case of that department is submitted through the services (no integration client involved)
    case = submit_case(version=make_case_version(department=department))
    # then: its submit event is queued for the department system, once
    messages = OutboxMessage.objects.filter(topic=WEBHOOK_TOPIC)
    assert [(m.payload["client"], m.payload["event_id"]) for m in messages] == [
        (issued.client.pk, case.events.get().pk)
    ]
