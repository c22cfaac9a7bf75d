"""Plain-Chinese sentences for a case's timeline and "what happens next" (style.md, Art. 53 通俗易懂)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from haoban.cases.models import Case, CaseEvent, CaseMaterial
from haoban.domain.workflow import CaseStatus

_SENTENCES = {
    "submit": "申请已提交",
    "accept": "部门已受理您的申请",
    "deemed_accept": "部门在受理期限内未作处理，依法视为已受理",
    "forward": "办件转入下一办理环节",
    "refuse": "部门决定不予受理",
    "request-supplement": "部门一次性告知需要补正的材料",
    "supplement": "补正材料已提交",
    "extend": "办理期限经部门负责人批准延长",
    "suspend": "进入特别程序，期间不计入办理时限",
    "resume": "特别程序结束，继续计时办理",
    "approve": "部门决定准予许可",
    "deny": "部门决定不予许可",
    "issue": "证照已制作完成",
    "pay": "已缴费",
    "deliver": "办理结果已送达",
    "complete": "办件已办结",
    "withdraw": "申请已撤回",
}


def event_sentence(event: CaseEvent, *, for_staff: bool = False) -> dict[str, Any]:
    """The timeline entry of ``event``; ``for_staff`` adds internal remarks (a 流转 note) that the
    applicant does not see."""
    data = event.data or {}
    text = _SENTENCES.get(event.action, event.get_action_display())
    details = []
    if event.action == "accept" and data.get("deficient_materials"):
        names = "、".join(m.get("name", "") for m in data["deficient_materials"])
        details.append(f"容缺受理：请在 {data.get('tolerant_due_date')} 前补交 {names}")
    if event.action == "request-supplement":
        details.extend(f"{i.get('name')}：{i.get('problem')}" for i in data.get("items", []))
    if event.action == "supplement" and event.from_status in ("in_review", "suspended"):
        # 容缺材料 handed in during the review: name them, and say when all have arrived.
        text = "容缺材料已提交"
        names = CaseMaterial.objects.filter(pk__in=data.get("materials", [])).values_list(
            "requirement__name", flat=True
        )
        details.append("、".join(sorted(set(names))))
        if data.get("tolerant_completed"):
            details.append("容缺材料已补齐")
    if event.action == "forward" and data.get("to_step"):
        details.append(f"当前环节：{data['to_step'].get('name', '')}")
        if for_staff and data.get("note"):
            details.append(f"流转说明：{data['note']}")
    if event.action == "extend" and event.amount:
        details.append(f"延长 {event.amount} 个工作日")
    if event.action == "suspend":
        label = data.get("procedure_label") or data.get("procedure", "")
        expected = f"，预计 {data['expected_days']} 天" if data.get("expected_days") else ""
        details.append(f"{label}{expected}")
    if event.action == "deliver":
        details.append(
            {"window": "窗口领取", "post": "邮寄送达", "electronic": "电子送达"}.get(
                data.get("method", ""), ""
            )
        )
        if data.get("tracking_number"):
            details.append(f"快递单号 {data['tracking_number']}")
    if event.action == "refuse" and data.get("competent_office"):
        details.append(f"请向 {data['competent_office']} 申请")
    if event.action == "pay" and data.get("kind") == "refund":
        text = "已退费"
    if event.action == "pay" and data.get("amount"):
        order = f"缴费单 {data['order_id']}，" if data.get("order_id") else ""
        details.append(f"{order}{data['amount']} 元")
    if event.reason:
        details.append(f"理由：{event.reason}")
    return {
        "when": timezone.localtime(event.occurred_at),
        "text": text,
        "details": [d for d in details if d],
        "event": event,
    }


def _d(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _unpaid_hold(case: Case) -> bool:
    """先缴费后领证 and the payment order is still pending (docs/payments.md)."""
    from haoban.payments.services import release_hold_reason  # payments builds on cases

    return bool(release_hold_reason(case))


def next_steps(case: Case) -> str:
    """What happens next, with the date, in one or two sentences."""
    status = case.status
    if status == CaseStatus.SUBMITTED:
        return (
            f"部门将审核您的申请材料，最迟在 {_d(case.acceptance_due_date)} 前决定是否受理；"
            "需要补正的，会一次性告知您需要补正的全部内容。"
        )
    if status == CaseStatus.PENDING_SUPPLEMENT:
        return "请按补正告知书补交材料。补交后，部门从收到之日起重新计算受理期限。"
    if status == CaseStatus.IN_REVIEW:
        promised = f"，承诺在 {_d(case.promised_due_date)} 前办结" if case.promised_due_date else ""
        return f"部门正在审查您的申请{promised}；法定期限为 {_d(case.legal_due_date)}。"
    if status == CaseStatus.SUSPENDED:
        return "办件处于特别程序（如现场核查、检验检测），这段时间不计入办理时限；程序结束后继续办理。"
    if status == CaseStatus.APPROVED:
        due = f"，最迟在 {_d(case.certificate_due_date)} 前制作完成" if case.certificate_due_date else ""
        pay = "该事项先缴费后领证，请及时缴清下方缴费单。" if _unpaid_hold(case) else ""
        return f"部门已准予许可，正在制作证照{due}。{pay}"
    if status == CaseStatus.ISSUED:
        if _unpaid_hold(case):
            return (
                "证照已制作完成。该事项先缴费后领证：请先缴清下方缴费单，部门收到费用后按您选择的方式送达。"
            )
        return "证照已制作完成，部门将按您选择的方式送达。"
    if status == CaseStatus.DELIVERED:
        return "办理结果已送达，部门将办结本办件。"
    if status == CaseStatus.REFUSED:
        return "部门决定不予受理，理由见下方办理记录和不予受理决定书。"
    if status == CaseStatus.DENIED:
        return (
            "部门决定不予许可，理由见下方办理记录和不予许可决定书。您可以依法申请行政复议或者提起行政诉讼。"
        )
    if status == CaseStatus.WITHDRAWN:
        return "申请已撤回，部门不再办理。"
    return "办件已办结。"
