"""Case transitions after submission, one service per action (glossary.md "Cases", docs/workflow.md).

Each ``case_<verb>(*, case, actor, at=None, ...)`` locks the case, lets ``domain.workflow`` decide
(:class:`CaseConflict`, HTTP 409, when the action is not possible; nothing written), checks the business
rules below (``ValidationError`` keyed by field; nothing written), appends a :class:`CaseEvent`,
recomputes the clock from all events and enqueues the notice and the notification in the outbox. It
returns the updated case (a fresh instance). Who may call which action is the caller's business
(``access.py``); only rules of the law and of the item are checked here:

- **Acceptance window (Art. 32).** Once the 5th working day after receipt has passed, the application is
  deemed accepted: ``refuse`` and ``request-supplement`` are refused (the office can still deny after
  review); a late ``accept`` is recorded, and the clock counts from the receipt date.
- **容缺受理.** ``case_accept(deficient_materials=[...], tolerant_due_date=...)``: only for items in the
  容缺受理 list (tag ``tolerant_acceptance``), and only for materials that are *not* 必要材料
  (``MaterialRequirement.required`` is false): a case is never accepted without an essential material.
  The promised delivery date is required and may not be before the acceptance day; the tick
  ``cases.tolerant_overdue`` alerts once when it passes.
- **One notice (Art. 32).** ``case_request_supplement`` lists every missing or defective material in one
  notice; a later request may name only materials the applicant provided again since the previous
  notice (a ``CaseMaterial`` created after it).
- **Extension (Art. 42).** Approved by a 部门负责人 of the case's department; by default the item's
  ``extension_amount`` working days; at most ``max_extensions`` times.
- **Special procedures (Art. 45).** ``procedure`` is one of the eight kinds (听证 … 专家评审).
- **告知承诺.** ``basis="commitment"`` only for items tagged ``commitment``; creates a
  :class:`PostVerificationTask` for the department.
- **Withdrawal.** Only the applicant, their agent (active authorization) or a window clerk on their behalf.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from haoban.accounts.access import applicant_principals, has_role
from haoban.accounts.models import StaffRole
from haoban.calendars.selectors import get_work_calendar
from haoban.catalog.models import MaterialRequirement, ServiceTagCode
from haoban.core.crypto import sm3_file
from haoban.core.notices import SPECIAL_PROCEDURES
from haoban.domain.workflow import CaseAction, CaseStatus

from .. import materials as case_materials
from ..models import (
    Case,
    CaseEvent,
    CaseMaterial,
    DeliverySignature,
    NegativeDecision,
    PostVerificationTask,
)
from ..signatures import SignatureImage, validate_signature
from ..tolerant import TolerantMaterials, tolerant_materials
from .base import (
    DEEMED_ACCEPT,
    CaseConflict,
    Errors,
    Transition,
    add_error,
    begin,
    current_integration_client,
    material_ids,
    move_to_step,
    raise_errors,
    step_after_acceptance,
    step_named,
)
from .clock import clock_for

DELIVERY_METHODS = {"window": "窗口领取", "post": "邮寄送达", "electronic": "电子送达"}
APPROVAL_BASES = {"standard": "一般审批", "commitment": "告知承诺"}
POST_VERIFICATION_WORKDAYS = 20  # 告知承诺 核查期限 (configurable later; Fujian practice: within 2 months)

User = AbstractBaseUser


@dataclass(frozen=True)
class SupplementItem:
    """One material of a supplement notice and what is missing or wrong with it."""

    material_requirement_id: int
    problem: str


def _has_tag(transition: Transition, tag: str) -> bool:
    return transition.version.service_tags.filter(code=tag).exists()


def _check_acceptance_window(transition: Transition, action_label: str) -> None:
    """Art. 32: after the window the application is accepted by law; only acceptance remains."""
    clock = clock_for(transition.case, transition.events, today=transition.day)
    if clock.acceptance_overdue:
        due = clock.acceptance_due_date
        raise CaseConflict(
            f"受理期限已于 {due:%Y-%m-%d} 届满，依法视为受理，不能再{action_label}"  # type: ignore[str-format]
        )


def _requirements(case: Case, ids: Iterable[int]) -> dict[int, MaterialRequirement]:
    return {
        r.pk: r for r in MaterialRequirement.objects.filter(version=case.item_version_id, pk__in=list(ids))
    }


def _text(value: str) -> str:
    return (value or "").strip()


# --- acceptance (Art. 32) ------------------------------------------------------------------------------


def _accept(transition: Transition) -> None:
    move_to_step(transition, step_after_acceptance(transition.case))


def case_accept(
    *,
    case: Case,
    actor: User,
    at: dt.datetime | None = None,
    deficient_materials: Sequence[MaterialRequirement | int] = (),
    tolerant_due_date: dt.date | None = None,
) -> Case:
    """受理 (受理通知书); with ``deficient_materials`` it is 容缺受理 (see the module docstring)."""
    with transaction.atomic():
        t = begin(case, CaseAction.ACCEPT, at=at)
        errors: Errors = {}
        ids = material_ids(deficient_materials)
        data: dict[str, Any] = {}
        if ids:
            found = _requirements(t.case, ids)
            if not _has_tag(t, ServiceTagCode.TOLERANT_ACCEPTANCE):
                add_error(errors, "deficient_materials", "该事项未列入容缺受理清单，不能容缺受理")
            for pk in ids:
                requirement = found.get(pk)
                if requirement is None:
                    add_error(errors, "deficient_materials", f"材料 {pk} 不属于本事项的申报材料")
                elif requirement.required:
                    add_error(errors, "deficient_materials", f"“{requirement.name}”是必要材料，不能容缺受理")
            if len(set(ids)) != len(ids):
                add_error(errors, "deficient_materials", "容缺材料不能重复")
            if tolerant_due_date is None:
                add_error(errors, "tolerant_due_date", "容缺受理须约定容缺材料的补齐期限")
            elif tolerant_due_date < t.day:
                add_error(errors, "tolerant_due_date", "容缺材料的补齐期限不能早于受理日期")
            raise_errors(errors)
            data = {
                "deficient_materials": [
                    {"material_requirement_id": pk, "name": found[pk].name} for pk in ids
                ],
                "tolerant_due_date": tolerant_due_date.isoformat(),  # type: ignore[union-attr]
            }
            t.set(tolerant_due_date=tolerant_due_date, tolerant_alerted_on=None)
            CaseMaterial.objects.filter(case=t.case, requirement_id__in=ids, superseded_by=None).update(
                review=CaseMaterial.Review.OUTSTANDING
            )
        elif tolerant_due_date is not None:
            raise_errors({"tolerant_due_date": ["没有容缺材料时不能约定补齐期限"]})
        _accept(t)
        t.finish(actor=actor, data=data)
    return t.case


def case_refuse(
    *, case: Case, actor: User, at: dt.datetime | None = None, reason: str, competent_office: str = ""
) -> Case:
    """不予受理 (不予受理决定书), written to the 否定报备 register. Art. 32: a matter outside the office's
    powers names the competent office."""
    with transaction.atomic():
        t = begin(case, CaseAction.REFUSE, at=at)
        _check_acceptance_window(t, "不予受理")
        if not _text(reason):
            raise_errors({"reason": ["请填写不予受理的理由"]})
        t.set(decided_on=t.day, current_step=None, step_due_date=None)
        event = t.finish(
            actor=actor, reason=_text(reason), data={"competent_office": _text(competent_office)}
        )
        NegativeDecision.objects.create(
            case=t.case,
            event=event,
            kind="refusal",
            reason=_text(reason),
            department=t.case.department,
            decided_at=event.occurred_at,
        )
    return t.case


def _provided_after(transition: Transition, event: CaseEvent | None) -> set[int]:
    """Requirements with a ``CaseMaterial`` provided after ``event`` (by the ``supplement`` events that
    followed it, which list the materials they stored)."""
    after = event.sequence if event is not None else 0
    ids = [
        pk
        for e in transition.events
        if e.sequence > after and e.action == CaseAction.SUPPLEMENT
        for pk in e.data.get("materials", [])
    ]
    return set(
        CaseMaterial.objects.filter(case=transition.case, pk__in=ids).values_list("requirement_id", flat=True)
    )


def case_request_supplement(
    *, case: Case, actor: User, at: dt.datetime | None = None, items: Sequence[SupplementItem]
) -> Case:
    """一次性告知补正: ONE notice naming every material to supplement (Art. 32 (4))."""
    with transaction.atomic():
        t = begin(case, CaseAction.REQUEST_SUPPLEMENT, at=at)
        _check_acceptance_window(t, "要求补正")
        errors: Errors = {}
        items = list(items)
        if not items:
            add_error(errors, "items", "请列出需要补正的全部材料")
        found = _requirements(t.case, [i.material_requirement_id for i in items])
        previous = t.last_event(CaseAction.REQUEST_SUPPLEMENT.value)
        changed = _provided_after(t, previous) if previous is not None else set()
        seen: set[int] = set()
        for index, item in enumerate(items):
            key = f"items[{index}]"
            requirement = found.get(item.material_requirement_id)
            if requirement is None:
                add_error(errors, key, f"材料 {item.material_requirement_id} 不属于本事项的申报材料")
                continue
            if item.material_requirement_id in seen:
                add_error(errors, key, f"“{requirement.name}”重复列出")
            seen.add(item.material_requirement_id)
            if not _text(item.problem):
                add_error(errors, key, f"请说明“{requirement.name}”需要补正的内容")
            if previous is not None and requirement.pk not in changed:
                add_error(
                    errors,
                    key,
                    f"“{requirement.name}”在上次补正告知后未重新提交；"
                    "补正材料应一次性告知，再次告知只能针对重新提交的材料",
                )
        raise_errors(errors)
        listed = [
            {
                "material_requirement_id": i.material_requirement_id,
                "name": found[i.material_requirement_id].name,
                "problem": _text(i.problem),
            }
            for i in items
        ]
        CaseMaterial.objects.filter(case=t.case, requirement_id__in=seen, superseded_by=None).update(
            review=CaseMaterial.Review.DEFICIENT
        )
        t.finish(actor=actor, data={"items": listed, "round": _round(previous) + 1 if previous else 1})
    return t.case


def _round(event: Any) -> int:
    return int(event.data.get("round", 1))


def case_supplement(
    *,
    case: Case,
    actor: User,
    at: dt.datetime | None = None,
    uploads: Sequence[case_materials.MaterialUpload] = (),
) -> Case:
    """补正: the applicant delivers the materials. A case waiting for materials is examined again like a new
    receipt (the acceptance window restarts); in review (容缺受理) the promised materials arrive, and once all
    of them have, the 容缺 period ends."""
    with transaction.atomic():
        t = begin(case, CaseAction.SUPPLEMENT, at=at)
        uploads = list(uploads)
        tolerant = None
        if t.from_status is CaseStatus.PENDING_SUPPLEMENT:
            if not uploads:
                raise_errors({"uploads": ["请上传需要补正的材料"]})
        else:
            tolerant = _tolerant_outstanding(t, uploads)
        created = case_materials.save_case_materials(case=t.case, uploads=uploads, actor=actor)
        data: dict[str, Any] = {"materials": [m.pk for m in created]}
        if tolerant is not None and tolerant.outstanding_ids <= {m.requirement_id for m in created}:
            t.set(tolerant_due_date=None)
            data["tolerant_completed"] = True
        t.finish(actor=actor, data=data)
    return t.case


def _tolerant_outstanding(t: Transition, uploads: list[case_materials.MaterialUpload]) -> TolerantMaterials:
    """In review or in a special procedure only the 容缺 materials promised at acceptance, and not yet
    delivered (or found deficient since), may be handed in."""
    tolerant = tolerant_materials(t.case, t.events)
    if tolerant is None or tolerant.completed:
        raise CaseConflict("该办件没有待补交的容缺材料")
    if not uploads:
        raise_errors({"uploads": ["请上传容缺材料"]})
    errors: Errors = {}
    for upload in uploads:
        if upload.requirement.pk not in tolerant.outstanding_ids:
            add_error(
                errors,
                case_materials.material_key(upload.requirement),
                f"“{upload.requirement.name}”不是待补交的容缺材料",
            )
    raise_errors(errors)
    return tolerant


# --- review (Art. 42, 45) ------------------------------------------------------------------------------


def case_extend(
    *,
    case: Case,
    actor: User,
    at: dt.datetime | None = None,
    days: int | None = None,
    reason: str,
    approved_by: User,
) -> Case:
    """延期 (延期通知书): the legal due date moves by ``days`` working days (Art. 42)."""
    with transaction.atomic():
        t = begin(case, CaseAction.EXTEND, at=at)
        version = t.version
        if t.case.extensions_used >= version.max_extensions:
            raise CaseConflict(
                f"该事项最多可延期 {version.max_extensions} 次，本办件已延期 {t.case.extensions_used} 次"
            )
        errors: Errors = {}
        amount = version.extension_amount if days is None else days
        if not isinstance(amount, int) or amount < 1:
            add_error(errors, "days", "延长的天数应为正整数")
        elif days is not None and days > version.extension_amount:
            add_error(errors, "days", f"延长的天数不能超过该事项规定的 {version.extension_amount} 日")
        if not _text(reason):
            add_error(errors, "reason", "请填写延期理由（须告知申请人）")
        if approved_by is None or not has_role(
            approved_by, StaffRole.DEPARTMENT_HEAD, department=t.case.department
        ):
            add_error(errors, "approved_by", "延期须经本部门负责人批准")
        raise_errors(errors)
        t.set(extensions_used=t.case.extensions_used + 1)
        t.finish(
            actor=actor,
            reason=_text(reason),
            amount=amount,
            data={
                "approved_by": approved_by.pk,
                "approved_by_name": str(approved_by),
                "previous_legal_due_date": _iso(t.case.legal_due_date),
            },
        )
    return t.case


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def case_suspend(
    *,
    case: Case,
    actor: User,
    at: dt.datetime | None = None,
    procedure: str,
    reason: str,
    expected_days: int,
) -> Case:
    """特别程序开始 (特别程序告知书): the clock stops until ``case_resume`` (Art. 45).

    Art. 45 obliges the office to tell the applicant in writing the time the procedure needs, so
    ``expected_days`` (working days) is required: the 特别程序告知书 states it.
    """
    with transaction.atomic():
        t = begin(case, CaseAction.SUSPEND, at=at)
        errors: Errors = {}
        if procedure not in SPECIAL_PROCEDURES:
            add_error(errors, "procedure", "特别程序只能是听证、招标、拍卖、检验、检测、检疫、鉴定或专家评审")
        if not _text(reason):
            add_error(errors, "reason", "请填写启动特别程序的理由")
        if not isinstance(expected_days, int) or isinstance(expected_days, bool) or expected_days < 1:
            add_error(errors, "expected_days", "请填写特别程序预计所需的工作日数（正整数，须书面告知申请人）")
        raise_errors(errors)
        t.finish(
            actor=actor,
            reason=_text(reason),
            data={
                "procedure": procedure,
                "procedure_label": SPECIAL_PROCEDURES[procedure],
                "expected_days": expected_days,
            },
        )
    return t.case


def case_resume(*, case: Case, actor: User, at: dt.datetime | None = None) -> Case:
    """特别程序结束: both due dates move by the working days the procedure took (Art. 45)."""
    with transaction.atomic():
        t = begin(case, CaseAction.RESUME, at=at)
        started = t.last_event(CaseAction.SUSPEND.value)
        t.finish(actor=actor, data={"procedure": started.data.get("procedure") if started else None})
    return t.case


# --- decision (Art. 38) ---------------------------------------------------------------------------------


def case_approve(
    *,
    case: Case,
    actor: User,
    at: dt.datetime | None = None,
    basis: str = "standard",
    fee_items: Sequence[int] | None = None,
) -> Case:
    """准予 (准予决定书); the certificate is due within 10 working days (Art. 44). Opens the payment order
    of the item's fees: ``fee_items`` (ids of the version's fee items) names those that apply to this case
    when the item lists alternatives (住宅 / 非住宅); None charges every fee item with an amount."""
    with transaction.atomic():
        t = begin(case, CaseAction.APPROVE, at=at)
        if basis not in APPROVAL_BASES:
            raise_errors({"basis": ["审批方式只能是 standard（一般审批）或 commitment（告知承诺）"]})
        if basis == "commitment" and not _has_tag(t, ServiceTagCode.COMMITMENT):
            raise_errors({"basis": ["该事项未列入告知承诺清单，不能按告知承诺审批"]})
        t.set(decided_on=t.day, commitment_basis=basis == "commitment")
        move_to_step(t, step_named(t.case, ["制证", "发证"]))
        event = t.finish(actor=actor, data={"basis": basis})
        _open_payment_order(t.case, fee_items)
        if basis == "commitment":
            PostVerificationTask.objects.create(
                case=t.case,
                event=event,
                department=t.case.department,
                due_on=get_work_calendar().add_workdays(t.day, POST_VERIFICATION_WORKDAYS).value,
            )
    return t.case


def _open_payment_order(case: Case, fee_items: Sequence[int] | None) -> None:
    """The payment order of the item's fees (haoban.payments builds on cases, hence the late import)."""
    from haoban.payments.services import order_create_for_case

    order_create_for_case(case=case, fee_item_ids=fee_items)


def _release_hold(case: Case) -> None:
    """先缴费后领证: the result is not released while the item's fees are unpaid."""
    from haoban.payments.services import release_hold_reason

    reason = release_hold_reason(case)
    if reason:
        raise CaseConflict(reason)


def case_deny(*, case: Case, actor: User, at: dt.datetime | None = None, reason: str) -> Case:
    """不予许可 (不予许可决定书, stating reasons and the remedies, Art. 38), written to 否定报备."""
    with transaction.atomic():
        t = begin(case, CaseAction.DENY, at=at)
        if not _text(reason):
            raise_errors({"reason": ["不予许可须说明理由"]})
        t.set(decided_on=t.day, current_step=None, step_due_date=None)
        event = t.finish(actor=actor, reason=_text(reason))
        NegativeDecision.objects.create(
            case=t.case,
            event=event,
            kind="denial",
            reason=_text(reason),
            department=t.case.department,
            decided_at=event.occurred_at,
        )
    return t.case


# --- result (Art. 39, 44) -------------------------------------------------------------------------------


def case_issue(*, case: Case, actor: User, at: dt.datetime | None = None) -> Case:
    """制证: the licence or approval document is produced."""
    with transaction.atomic():
        t = begin(case, CaseAction.ISSUE, at=at)
        move_to_step(t, step_named(t.case, ["送达"]))
        due = t.case.certificate_due_date
        t.finish(actor=actor, data={"on_time": due is None or t.day <= due})
    return t.case


def case_pay(
    *,
    case: Case,
    actor: User,
    at: dt.datetime | None = None,
    order_id: str | None = None,
    amount: Decimal | None = None,
    method: str,
    refund_reason: str = "",
) -> Case:
    """缴费: records a payment, or with ``refund_reason`` its refund (``kind: refund``); the status does not
    change. Payment orders (haoban.payments) call it for every payment and refund of an order."""
    with transaction.atomic():
        t = begin(case, CaseAction.PAY, at=at)
        errors: Errors = {}
        if not _text(method):
            add_error(errors, "method", "请填写缴费方式")
        if amount is not None and Decimal(amount) < 0:
            add_error(errors, "amount", "缴费金额不能为负数")
        raise_errors(errors)
        data = {
            "order_id": order_id,
            "amount": str(Decimal(amount)) if amount is not None else None,
            "method": _text(method),
        }
        if _text(refund_reason):
            data["kind"] = "refund"
        t.finish(actor=actor, data=data, reason=_text(refund_reason))
    return t.case


def case_deliver(
    *,
    case: Case,
    actor: User,
    at: dt.datetime | None = None,
    method: str,
    recipient: str = "",
    tracking_number: str = "",
    address: str = "",
    signature: SignatureImage | None = None,
) -> Case:
    """送达: window pickup (recipient and their signature image), post (address and tracking number,
    Art. 49) or electronic. A pickup recorded by a department system (回流) keeps the signed receipt in
    that system, so it needs no image here."""
    with transaction.atomic():
        t = begin(case, CaseAction.DELIVER, at=at)
        _release_hold(t.case)
        errors: Errors = {}
        signature_type = ""
        if method not in DELIVERY_METHODS:
            add_error(
                errors,
                "method",
                "送达方式只能是 window（窗口领取）、post（邮寄送达）或 electronic（电子送达）",
            )
        elif method == "window":
            if not _text(recipient):
                add_error(errors, "recipient", "窗口领取须登记领取人")
            signature_type = _check_signature(errors, signature)
        elif method == "post":
            if not _text(address):
                add_error(errors, "address", "邮寄送达须填写收件地址")
            if not _text(tracking_number):
                add_error(errors, "tracking_number", "邮寄送达须填写快递单号")
        raise_errors(errors)
        due = t.case.certificate_due_date
        t.set(current_step=None, step_due_date=None)
        data: dict[str, Any] = {
            "method": method,
            "recipient": _text(recipient),
            "tracking_number": _text(tracking_number),
            "address": _text(address),
            "on_time": due is None or t.day <= due,
        }
        if signature is None or not signature_type:
            t.finish(actor=actor, data=data)
        else:
            _finish_with_signature(t, actor, data, signature, signature_type)
    return t.case


def _check_signature(errors: Errors, signature: SignatureImage | None) -> str:
    """The signature's content type, or "" with the error added (none needed from a department system)."""
    if signature is None:
        if not current_integration_client():
            add_error(errors, "signature", "窗口领取须有领取人签名：请在签名板上签名或上传签名图片")
        return ""
    try:
        return validate_signature(signature)
    except ValidationError as exc:
        for message in exc.message_dict.get("signature", []):
            add_error(errors, "signature", message)
        return ""


def _finish_with_signature(
    t: Transition, actor: User, data: dict[str, Any], signature: SignatureImage, content_type: str
) -> None:
    """Store the image (private directory, SM3), name it in the event's data, link it to the event."""
    relative, path = case_materials.store_private_file(
        signature.file, case=t.case, kind="signatures", content_type=content_type
    )
    try:
        record = DeliverySignature(
            case=t.case,
            recipient=data["recipient"],
            source=signature.source,
            storage_path=relative,
            content_type=content_type,
            size=path.stat().st_size,
            sm3=sm3_file(path),
            recorded_by=actor,
        )
        data["signature"] = {"id": str(record.uuid), "sm3": record.sm3, "source": record.source}
        record.event = t.finish(actor=actor, data=data)
        record.save()
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def case_complete(*, case: Case, actor: User, at: dt.datetime | None = None) -> Case:
    """办结: closes a delivered case, or a refusal or denial once its decision has been served."""
    with transaction.atomic():
        t = begin(case, CaseAction.COMPLETE, at=at)
        t.set(completed_on=t.day, current_step=None, step_due_date=None)
        t.finish(actor=actor)
    return t.case


def case_withdraw(*, case: Case, actor: User, at: dt.datetime | None = None, reason: str = "") -> Case:
    """撤回: by the applicant, their agent, or a window clerk on their behalf, before the decision."""
    with transaction.atomic():
        t = begin(case, CaseAction.WITHDRAW, at=at)
        allowed = (
            actor.pk == t.case.applicant.user_id
            or t.case.applicant_id in applicant_principals(actor, on=t.day)
            or has_role(actor, StaffRole.WINDOW_CLERK)
        )
        if not allowed:
            raise_errors({"actor": ["只有申请人、其代办人或代为办理的窗口人员可以撤回申请"]})
        t.set(withdrawn_reason=_text(reason), completed_on=t.day, current_step=None, step_due_date=None)
        t.finish(actor=actor, reason=_text(reason))
    return t.case


# --- system events --------------------------------------------------------------------------------------


def case_deem_accepted(*, case: Case, now: dt.datetime | None = None) -> Case | None:
    """Art. 32: no decision within the acceptance window → accepted from the receipt date, recorded as
    a ``deemed_accept`` event (no actor). Returns None (and writes nothing) when the case is not, or no
    longer, due for it (idempotent; used by the tick)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != CaseStatus.SUBMITTED:
            return None
        events = list(locked.events.order_by("sequence"))
        if not clock_for(locked, events, today=timezone.localdate(now)).acceptance_overdue:
            return None
        t = begin(locked, CaseAction.ACCEPT, at=now, record_as=DEEMED_ACCEPT)
        _accept(t)
        t.finish(actor=None, role="system", data={"rule": "行政许可法第三十二条"})
    return t.case
