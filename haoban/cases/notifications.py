"""Telling the applicant what happened to their case: in-site messages, SMS and e-mail.

``haoban.cases.services`` enqueues ``cases.notify`` ``{"event_id": …}`` for every event, in the
transaction of the change, so nothing is sent for a change that rolled back. The handler here:

1. composes the message of the event (:func:`compose`): a title and a plain-Chinese body with the case
   number and what happens next, by when (受理、不予受理、补正通知、延期、特别程序、准予、不予许可、制证、送达、
   办结、撤回 and the others the applicant sees on their timeline); events with nothing to tell are skipped;
2. writes a :class:`~haoban.cases.models.Notification` for the applicant's account and, when there is one,
   the agent's (one per event and user);
3. on that first delivery only, enqueues ``cases.notify.sms`` (to the applicant's phone) and
   ``cases.notify.email`` (when the applicant's account has an e-mail address). Each channel is its own
   outbox message, retried on its own, and records a :class:`~haoban.cases.models.NotificationDelivery`
   that makes it idempotent per (event, channel): a redelivered message sends nothing twice.

SMS and e-mail go through ``haoban.core.notify`` (``HAOBAN_SMS_BACKEND``, ``EMAIL_BACKEND``) and carry
the same title and body as the in-site message. Texts avoid personal data beyond what the applicant
already knows; phones and addresses are masked in the delivery records and logs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from haoban.accounts.access import has_role
from haoban.accounts.models import StaffAssignment, User
from haoban.cases.documents import supplement_deadline
from haoban.cases.models import Case, CaseEvent, Notification, NotificationDelivery
from haoban.catalog.models import ProcessStep
from haoban.core import notify
from haoban.core.models import OutboxMessage
from haoban.core.notices import SPECIAL_PROCEDURES, cn_date
from haoban.core.outbox import outbox_enqueue, register_handler

NOTIFY_TOPIC = "cases.notify"
SMS_TOPIC = "cases.notify.sms"
EMAIL_TOPIC = "cases.notify.email"
STAFF_NOTIFY_TOPIC = "cases.notify.staff"
SITE_NAME = "一网好办"
DELIVERY_METHODS = {"window": "窗口领取", "post": "邮寄送达", "electronic": "电子送达"}
REMEDIES = "如不服，可以自收到决定书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。"

Message = tuple[str, str]


# --- message texts -------------------------------------------------------------------------------------------


def _d(value: dt.date | None) -> str:
    return cn_date(value) if value is not None else "（待定）"


def _intro(case: Case) -> str:
    return f"您申请的“{case.item_version.name}”（办件编号：{case.number}）"


def _result_name(case: Case) -> str:
    return case.item_version.result_name or "办理结果"


def _submit(case: Case, event: CaseEvent) -> Message:
    return (
        "申请已提交",
        f"{_intro(case)}已提交。受理部门将在{_d(case.acceptance_due_date)}前决定是否受理，"
        "逾期未作决定的，自收到申请之日起视为受理。",
    )


def _accept(case: Case, event: CaseEvent) -> Message:
    body = (
        f"{_intro(case)}已于{_d(case.accepted_on)}受理，承诺于{_d(case.promised_due_date)}前办结"
        f"（法定期限{_d(case.legal_due_date)}）。受理通知书可在办件详情中查看和下载。"
    )
    outstanding = event.data.get("deficient_materials") or []
    if outstanding:
        names = "、".join(str(m.get("name", "")) for m in outstanding if isinstance(m, dict))
        due = event.data.get("tolerant_due_date")
        when = cn_date(dt.date.fromisoformat(due)) if due else _d(case.tolerant_due_date)
        body += f"本件为容缺受理，请于{when}前补齐：{names}。"
    return "申请已受理", body


def _deemed_accept(case: Case, event: CaseEvent) -> Message:
    return (
        "申请视为受理",
        f"{_intro(case)}，受理部门未在法定期限内作出是否受理的决定，依据《中华人民共和国行政许可法》第三十二条，"
        f"自{_d(case.received_on)}起视为受理。承诺于{_d(case.promised_due_date)}前办结"
        f"（法定期限{_d(case.legal_due_date)}）。",
    )


def _refuse(case: Case, event: CaseEvent) -> Message:
    office = str(event.data.get("competent_office") or "")
    body = f"{_intro(case)}不予受理。理由：{event.reason.rstrip('。')}。"
    if office:
        body += f"请向{office}提出申请。"
    return "申请不予受理", body + "不予受理决定书可在办件详情中查看。" + REMEDIES


def _request_supplement(case: Case, event: CaseEvent) -> Message:
    items = [i for i in (event.data.get("items") or []) if isinstance(i, dict)]
    listed = "；".join(f"{i.get('name', '')}：{str(i.get('problem', '')).rstrip('。')}" for i in items)
    due = supplement_deadline(event)
    return (
        "请补正材料",
        f"{_intro(case)}的材料需要补正，共{len(items)}项：{listed}。"
        f"请于{_d(due)}前一次提交全部补正材料，详见补正材料一次性告知书。",
    )


def _supplement(case: Case, event: CaseEvent) -> Message:
    if event.from_status == "pending_supplement":
        return (
            "补正材料已收到",
            f"{_intro(case)}的补正材料已收到。受理部门将在{_d(case.acceptance_due_date)}前决定是否受理。",
        )
    if event.data.get("tolerant_completed"):
        return "容缺材料已补齐", f"{_intro(case)}的容缺材料已全部补齐，审查继续进行。"
    return "材料已收到", f"{_intro(case)}的材料已收到，审查继续进行。"


def _extend(case: Case, event: CaseEvent) -> Message:
    return (
        "办理期限延长",
        f"{_intro(case)}经部门负责人批准，办理期限延长{event.amount}个工作日，延长至{_d(case.legal_due_date)}。"
        f"理由：{event.reason.rstrip('。')}。延期通知书可在办件详情中查看。",
    )


def _suspend(case: Case, event: CaseEvent) -> Message:
    procedure = SPECIAL_PROCEDURES.get(str(event.data.get("procedure") or ""), "特别程序")
    expected = event.data.get("expected_days")
    estimate = f"预计需要{expected}个工作日，" if expected else ""
    return (
        "进入特别程序",
        f"{_intro(case)}需要进行{procedure}，{estimate}所需时间不计入办理期限"
        "（《中华人民共和国行政许可法》第四十五条）。特别程序告知书可在办件详情中查看。",
    )


def _resume(case: Case, event: CaseEvent) -> Message:
    return (
        "特别程序结束",
        f"{_intro(case)}的特别程序已结束，恢复计算办理期限，承诺于{_d(case.promised_due_date)}前办结"
        f"（法定期限{_d(case.legal_due_date)}）。",
    )


def _approve(case: Case, event: CaseEvent) -> Message:
    return (
        "准予许可",
        f"{_intro(case)}已作出准予决定。{_result_name(case)}将于{_d(case.certificate_due_date)}前制作并送达。"
        "准予决定书可在办件详情中查看。",
    )


def _deny(case: Case, event: CaseEvent) -> Message:
    return (
        "不予许可",
        f"{_intro(case)}经审查不予许可。理由：{event.reason.rstrip('。')}。不予许可决定书可在办件详情中查看。"
        + REMEDIES,
    )


def _issue(case: Case, event: CaseEvent) -> Message:
    return (
        "证照已制作",
        f"{_intro(case)}的{_result_name(case)}已制作完成，将于{_d(case.certificate_due_date)}前送达。",
    )


def _pay(case: Case, event: CaseEvent) -> Message:
    amount = event.data.get("amount")
    money = f" {amount} 元" if amount else ""
    if event.data.get("kind") == "refund":
        return "已退费", f"{_intro(case)}的缴费{money}已退还，退费原因：{event.reason}。"
    return "缴费已登记", f"{_intro(case)}的缴费{money}已登记。"


def _deliver(case: Case, event: CaseEvent) -> Message:
    method = DELIVERY_METHODS.get(str(event.data.get("method") or ""), "送达")
    tracking = str(event.data.get("tracking_number") or "")
    extra = f"，快递单号{tracking}" if tracking else ""
    return "已送达", f"{_intro(case)}的{_result_name(case)}已{method}{extra}。"


def _complete(case: Case, event: CaseEvent) -> Message:
    return (
        "办件已办结",
        f"{_intro(case)}已于{_d(case.completed_on)}办结。欢迎对本次服务作出评价（好差评），"
        "7日内未评价的默认为“满意”。",
    )


def _withdraw(case: Case, event: CaseEvent) -> Message:
    return "申请已撤回", f"{_intro(case)}已撤回，办理终止。如仍需办理，请重新提交申请。"


COMPOSERS: dict[str, Callable[[Case, CaseEvent], Message]] = {
    "submit": _submit,
    "accept": _accept,
    "deemed_accept": _deemed_accept,
    "refuse": _refuse,
    "request_supplement": _request_supplement,
    "supplement": _supplement,
    "extend": _extend,
    "suspend": _suspend,
    "resume": _resume,
    "approve": _approve,
    "deny": _deny,
    "issue": _issue,
    "pay": _pay,
    "deliver": _deliver,
    "complete": _complete,
    "withdraw": _withdraw,
}


def compose(event: CaseEvent) -> Message | None:
    """(title, body) of the applicant's message for ``event``, or ``None`` when there is nothing to tell."""
    composer = COMPOSERS.get(event.action)
    return composer(event.case, event) if composer is not None else None


# --- handlers ------------------------------------------------------------------------------------------------


def _locked_event(event_id: int) -> CaseEvent:
    # The row lock serialises two deliveries for the same event (SQLite serialises every writer anyway).
    return (
        CaseEvent.objects.select_for_update(of=("self",))
        .select_related("case__item_version", "case__applicant__user", "case__agent")
        .get(pk=event_id)
    )


@register_handler(NOTIFY_TOPIC)
def handle_notify_message(message: OutboxMessage) -> None:
    notify_event(event_id=int(message.payload["event_id"]))


def notify_event(*, event_id: int) -> list[Notification]:
    """In-site messages for the event's applicant (and agent); on the first delivery, SMS and e-mail."""
    with transaction.atomic():
        event = _locked_event(event_id)
        text = compose(event)
        if text is None:
            return []
        title, body = text
        case = event.case
        recipients = [case.applicant.user]
        if case.agent is not None and case.agent_id != case.applicant.user_id:
            recipients.append(case.agent)
        out: list[Notification] = []
        first_delivery = False
        for user in recipients:
            notification, created = Notification.objects.get_or_create(
                event=event, user=user, defaults={"case": case, "title": title, "body": body}
            )
            first_delivery = first_delivery or created
            out.append(notification)
        if first_delivery:
            if case.applicant.phone.strip():
                outbox_enqueue(topic=SMS_TOPIC, payload={"event_id": event.pk})
            if (case.applicant.user.email or "").strip():
                outbox_enqueue(topic=EMAIL_TOPIC, payload={"event_id": event.pk})
    return out


def _applicant_message(event: CaseEvent) -> Notification:
    return Notification.objects.get(event=event, user_id=event.case.applicant.user_id)


@register_handler(SMS_TOPIC)
def handle_sms_message(message: OutboxMessage) -> None:
    send_event_sms(event_id=int(message.payload["event_id"]))


def send_event_sms(*, event_id: int) -> NotificationDelivery | None:
    """The applicant's SMS for the event, once; ``None`` when there is no phone number."""
    with transaction.atomic():
        event = _locked_event(event_id)
        existing = NotificationDelivery.objects.filter(event=event, channel="sms").first()
        if existing is not None:
            return existing
        phone = event.case.applicant.phone.strip()
        if not phone:
            return None
        note = _applicant_message(event)
        provider_id = notify.send_sms(phone=phone, text=f"【{SITE_NAME}】{note.title}：{note.body}")
        return NotificationDelivery.objects.create(
            event=event,
            channel="sms",
            recipient=notify.mask_phone(phone),
            backend=notify.sms_backend_path(),
            provider_id=provider_id[:200],
            sent_at=timezone.now(),
        )


@register_handler(EMAIL_TOPIC)
def handle_email_message(message: OutboxMessage) -> None:
    send_event_email(event_id=int(message.payload["event_id"]))


def send_event_email(*, event_id: int) -> NotificationDelivery | None:
    """The applicant's e-mail for the event, once; ``None`` when the account has no address."""
    with transaction.atomic():
        event = _locked_event(event_id)
        existing = NotificationDelivery.objects.filter(event=event, channel="email").first()
        if existing is not None:
            return existing
        case = event.case
        address = (case.applicant.user.email or "").strip()
        if not address:
            return None
        note = _applicant_message(event)
        body = (
            f"{case.applicant.name}：\n\n{note.body}\n\n"
            f"登录{SITE_NAME}查看办件详情：{settings.PUBLIC_BASE_URL.rstrip('/')}/accounts/me/\n"
            "本邮件由系统自动发送，请勿直接回复。"
        )
        notify.send_email(
            to=address, subject=f"【{SITE_NAME}】{note.title}（办件编号：{case.number}）", body=body
        )
        return NotificationDelivery.objects.create(
            event=event,
            channel="email",
            recipient=notify.mask_email(address),
            backend=notify.email_backend_path(),
            sent_at=timezone.now(),
        )


# --- staff: the overdue alert of a process step ----------------------------------------------------------------


def step_staff(case: Case, step: ProcessStep) -> list[Any]:
    """The active staff holding ``step``'s role for its department (the step's own, else the case's)."""
    department = step.department if step.department_id is not None else case.department
    user_ids = (
        StaffAssignment.objects.filter(role=step.role, active=True, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    users = User.objects.filter(pk__in=list(user_ids)).order_by("pk")
    return [user for user in users if has_role(user, step.role, department=department)]


@register_handler(STAFF_NOTIFY_TOPIC)
def handle_staff_notify_message(message: OutboxMessage) -> None:
    notify_step_overdue(event_id=int(message.payload["event_id"]), step_id=int(message.payload["step_id"]))


def notify_step_overdue(*, event_id: int, step_id: int) -> list[Notification]:
    """In-site messages to the staff of step ``step_id`` that the case is past the step's due date; one
    per (event, user), so a redelivered message writes nothing twice. Nothing when the case has left the
    step since the alert was queued."""
    with transaction.atomic():
        event = _locked_event(event_id)
        case = event.case
        if case.current_step_id != step_id or case.step_due_date is None:
            return []
        step = ProcessStep.objects.select_related("department").get(pk=step_id)
        title = "环节逾期提醒"
        body = (
            f"办件 {case.number}（{case.item_version.name}）在“{step.name}”环节已超过环节到期日"
            f"{cn_date(case.step_due_date)}，请尽快办理。"
        )
        out = []
        for user in step_staff(case, step):
            notification, _created = Notification.objects.get_or_create(
                event=event, user=user, defaults={"case": case, "title": title, "body": body}
            )
            out.append(notification)
    return out


# --- the applicant's inbox -----------------------------------------------------------------------------------


def notifications_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's in-site messages, newest first (only their own: a message is addressed to one account)."""
    queryset = Notification.objects.filter(user=user).select_related("case")
    return queryset.filter(read_at__isnull=True) if unread_only else queryset


def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's messages read (all unread ones, or those of ``ids``); returns how many changed.
    Ids of other users' messages are ignored, never an error, so the call reveals nothing about them."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now(), updated_at=timezone.now())
