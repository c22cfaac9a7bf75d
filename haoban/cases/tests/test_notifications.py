"""Applicant notifications: in-site messages, SMS and e-mail, once per event and channel, after commit."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from haoban.accounts.tests.helpers import make_user
from haoban.cases import notifications, services
from haoban.cases.models import Case, Notification, NotificationDelivery
from haoban.cases.tests import factories
from haoban.cases.tests.case_rows import add_event, isolate_files, make_case
from haoban.core import notify
from haoban.core.models import OutboxMessage
from haoban.core.outbox import outbox_enqueue, process_outbox

pytestmark = pytest.mark.django_db
D = dt.date


class BrokenSms:
    def send(self, *, phone: str, text: str) -> str:
        raise ConnectionError("短信网关不可用")


@pytest.fixture(autouse=True)
def private_dir(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate_files(tmp_path, settings, monkeypatch)


@pytest.fixture(autouse=True)
def sms(settings: Any) -> Iterator[list[notify.SentSms]]:
    settings.HAOBAN_SMS_BACKEND = "haoban.core.notify.LocmemSmsBackend"
    notify.sms_outbox.clear()
    yield notify.sms_outbox
    notify.sms_outbox.clear()


def run_worker() -> None:
    # Twice: the first pass delivers cases.notify, which enqueues the SMS and e-mail messages.
    process_outbox(batch_size=200)
    process_outbox(batch_size=200)


def accepted() -> Case:
    case = make_case(
        status="in_review",
        accepted_on=D(2026, 3, 3),
        legal_due_date=D(2026, 3, 31),
        promised_due_date=D(2026, 3, 10),
    )
    case.applicant.user.email = "linxm@example.cn"
    case.applicant.user.save(update_fields=["email"])
    return case


# --- texts ---------------------------------------------------------------------------------------------------


def test_acceptance_message_names_case_and_due_dates() -> None:
    case = accepted()
    event = add_event(case, "accept", "in_review", on=D(2026, 3, 3))

    assert notifications.compose(event) == (
        "申请已受理",
        f"您申请的“食品经营许可（新办）”（办件编号：{case.number}）已于2026年3月3日受理，"
        "承诺于2026年3月10日前办结（法定期限2026年3月31日）。受理通知书可在办件详情中查看和下载。",
    )


def test_supplement_message_lists_every_item_and_the_deadline() -> None:
    case = make_case(status="pending_supplement")
    event = add_event(
        case,
        "request_supplement",
        "pending_supplement",
        data={
            "items": [
                {"name": "食品经营许可申请书", "problem": "法定代表人未签字。"},
                {"name": "营业执照", "problem": "复印件不清晰"},
            ],
            "supplement_deadline": "2026-03-16",
        },
    )

    title, body = notifications.compose(event)  # type: ignore[misc]

    assert title == "请补正材料"
    assert body == (
        f"您申请的“食品经营许可（新办）”（办件编号：{case.number}）的材料需要补正，共2项："
        "食品经营许可申请书：法定代表人未签字；营业执照：复印件不清晰。"
        "请于2026年3月16日前一次提交全部补正材料，详见补正材料一次性告知书。"
    )


@pytest.mark.parametrize(
    ("action", "to_status", "kwargs", "title", "fragment"),
    [
        (
            "refuse",
            "refused",
            {"reason": "不属于本机关职权范围"},
            "申请不予受理",
            "理由：不属于本机关职权范围。",
        ),
        (
            "extend",
            "in_review",
            {"reason": "需要复查", "amount": 10},
            "办理期限延长",
            "延长10个工作日，延长至2026年3月31日",
        ),
        (
            "suspend",
            "suspended",
            {"data": {"procedure": "inspection", "expected_days": 5}},
            "进入特别程序",
            "需要进行检验，预计需要5个工作日",
        ),
        ("resume", "in_review", {}, "特别程序结束", "承诺于2026年3月10日前办结"),
        ("approve", "approved", {}, "准予许可", "食品经营许可证将于"),
        ("deny", "denied", {"reason": "场所不符合要求"}, "不予许可", "申请行政复议"),
        ("issue", "issued", {}, "证照已制作", "食品经营许可证已制作完成"),
        (
            "deliver",
            "delivered",
            {"data": {"method": "post", "tracking_number": "SF123"}},
            "已送达",
            "已邮寄送达，快递单号SF123。",
        ),
        ("complete", "completed", {}, "办件已办结", "好差评"),
        ("withdraw", "withdrawn", {}, "申请已撤回", "如仍需办理，请重新提交申请。"),
        ("deemed_accept", "in_review", {}, "申请视为受理", "第三十二条"),
    ],
)
def test_each_action_has_its_message(
    action: str, to_status: str, kwargs: dict[str, Any], title: str, fragment: str
) -> None:
    case = accepted()
    event = add_event(case, action, to_status, **kwargs)

    composed = notifications.compose(event)

    assert composed is not None
    assert composed[0] == title
    assert fragment in composed[1]
    assert case.number in composed[1]


def test_event_without_message_notifies_nobody() -> None:
    case = accepted()
    event = add_event(case, "assign", "in_review")

    assert notifications.notify_event(event_id=event.pk) == []
    assert Notification.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


# --- delivery ------------------------------------------------------------------------------------------------


def test_event_reaches_site_sms_and_email_once(sms: list[notify.SentSms]) -> None:
    # given
    case = accepted()
    event = add_event(case, "accept", "in_review", on=D(2026, 3, 3))
    outbox_enqueue(topic="cases.notify", payload={"event_id": event.pk})
    outbox_enqueue(topic="cases.notify", payload={"event_id": event.pk})  # a duplicate delivery

    # when
    run_worker()
    run_worker()

    # then
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"done"}
    (note,) = Notification.objects.all()
    title, body = notifications.compose(event)  # type: ignore[misc]
    assert (note.user, note.case, note.event, note.title, note.body, note.read_at) == (
        case.applicant.user,
        case,
        event,
        title,
        body,
        None,
    )
    assert sms == [notify.SentSms(phone="13800000000", text=f"【一网好办】{title}：{body}")]
    (email,) = mail.outbox
    assert email.to == ["linxm@example.cn"]
    assert email.subject == f"【一网好办】申请已受理（办件编号：{case.number}）"
    assert body in email.body
    assert email.body.startswith("林晓梅：")
    deliveries = {d.channel: d for d in NotificationDelivery.objects.all()}
    assert set(deliveries) == {"sms", "email"}
    assert deliveries["sms"].recipient == "138****0000"
    assert deliveries["email"].recipient == "l***@example.cn"
    assert deliveries["sms"].backend == "haoban.core.notify.LocmemSmsBackend"


def test_sms_and_email_handlers_are_idempotent(sms: list[notify.SentSms]) -> None:
    case = accepted()
    event = add_event(case, "accept", "in_review")
    notifications.notify_event(event_id=event.pk)

    first = notifications.send_event_sms(event_id=event.pk)
    again = notifications.send_event_sms(event_id=event.pk)
    notifications.send_event_email(event_id=event.pk)
    notifications.send_event_email(event_id=event.pk)

    assert again == first
    assert len(sms) == 1
    assert len(mail.outbox) == 1
    assert NotificationDelivery.objects.count() == 2


def test_agent_gets_the_site_message_too() -> None:
    case = accepted()
    agent = make_user("agent-zhang", display_name="张代办")
    Case.objects.filter(pk=case.pk).update(agent=agent)
    event = add_event(case, "accept", "in_review")

    notes = notifications.notify_event(event_id=event.pk)

    assert sorted(n.user.username for n in notes) == sorted([case.applicant.user.username, "agent-zhang"])


def test_no_email_address_means_no_email(sms: list[notify.SentSms]) -> None:
    case = make_case(status="submitted")
    event = add_event(case, "submit", "submitted")
    outbox_enqueue(topic="cases.notify", payload={"event_id": event.pk})

    run_worker()

    assert len(sms) == 1
    assert mail.outbox == []
    assert list(OutboxMessage.objects.values_list("topic", flat=True).order_by("id")) == [
        "cases.notify",
        "cases.notify.sms",
    ]


def test_failing_sms_gateway_is_retried_without_touching_the_rest(settings: Any) -> None:
    settings.HAOBAN_SMS_BACKEND = f"{__name__}.BrokenSms"
    case = accepted()
    event = add_event(case, "accept", "in_review")
    outbox_enqueue(topic="cases.notify", payload={"event_id": event.pk})

    run_worker()

    sms_message = OutboxMessage.objects.get(topic="cases.notify.sms")
    assert (sms_message.status, sms_message.attempts) == ("pending", 1)
    assert "短信网关不可用" in sms_message.last_error
    assert not NotificationDelivery.objects.filter(channel="sms").exists()
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_default_sms_backend_logs_with_phone_masked(settings: Any, caplog: pytest.LogCaptureFixture) -> None:
    del settings.HAOBAN_SMS_BACKEND
    case = accepted()
    event = add_event(case, "accept", "in_review")
    notifications.notify_event(event_id=event.pk)

    with caplog.at_level(logging.INFO, logger="haoban.sms"):
        delivery = notifications.send_event_sms(event_id=event.pk)

    assert delivery is not None
    assert delivery.backend == "haoban.core.notify.LoggingSmsBackend"
    assert "138****0000" in caplog.text
    assert "13800000000" not in caplog.text
    assert case.number in caplog.text


@pytest.mark.parametrize(
    ("phone", "masked"), [("13800001234", "138****1234"), ("0594-2222222", "059*****2222"), ("123", "***")]
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert notify.mask_phone(phone) == masked


# --- through the services ------------------------------------------------------------------------------------


def test_rolled_back_transition_notifies_nobody(sms: list[notify.SentSms]) -> None:
    case = factories.submit_case(at=factories.at(2026, 9, 21))
    clerk = factories.make_staff("window_clerk", case.department)
    run_worker()
    sent_before = len(sms)

    with pytest.raises(RuntimeError), transaction_that_fails():
        services.case_refuse(
            case=case, actor=clerk, at=factories.at(2026, 9, 22), reason="不属于本机关职权范围"
        )
    run_worker()

    assert len(sms) == sent_before == 1
    assert list(Notification.objects.values_list("title", flat=True)) == ["申请已提交"]


class transaction_that_fails:
    def __enter__(self) -> None:
        from django.db import transaction

        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def __exit__(self, *exc: Any) -> bool:
        self._atomic.__exit__(RuntimeError, RuntimeError("rollback"), None)
        if exc[0] is None:
            raise RuntimeError("rollback")
        return False


# --- inbox ---------------------------------------------------------------------------------------------------


def test_mark_read_touches_only_the_callers_messages() -> None:
    case = accepted()
    agent = make_user("agent-li")
    Case.objects.filter(pk=case.pk).update(agent=agent)
    first = notifications.notify_event(event_id=add_event(case, "accept", "in_review").pk)
    notifications.notify_event(event_id=add_event(case, "suspend", "suspended").pk)
    applicant = case.applicant.user
    agents_message = next(n for n in first if n.user == agent)

    changed = notifications.notifications_mark_read(user=applicant, ids=[first[0].pk, agents_message.pk])

    assert changed == 1
    assert [n.title for n in notifications.notifications_for(applicant, unread_only=True)] == ["进入特别程序"]
    assert notifications.notifications_for(agent, unread_only=True).count() == 2
    assert notifications.notifications_mark_read(user=applicant) == 1
    assert notifications.notifications_for(applicant, unread_only=True).count() == 0
    assert notifications.notifications_for(applicant).count() == 2
