"""The staff workbench (工作台): inbox by urgency, one case with a form per allowed action, and the 否定报备
register. Views only parse and call: reads through ``haoban.cases.selectors`` / ``access`` (404 outside the
caller's scope), writes through ``haoban.cases.services`` (400 on bad input, 409 → message and the current
state of the case).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from haoban.accounts.access import staff_scope
from haoban.accounts.models import StaffRole
from haoban.cases import services
from haoban.cases.access import CASE_VIEWER_ROLES, CaseActor
from haoban.cases.audit import (
    audit_case_read,
    audit_material_download,
    audit_notice_download,
    audit_signature_download,
)
from haoban.cases.documents import notice_file_response
from haoban.cases.materials import material_file_response
from haoban.cases.models import Case, CaseMaterial, DeliverySignature, NegativeDecision
from haoban.cases.notifications import notifications_for, notifications_mark_read
from haoban.cases.selectors import case_detail, list_rows, notice_for, urgency_ordered
from haoban.cases.services.steps import StepAction
from haoban.cases.signatures import signature_file_response
from haoban.cases.tolerant import tolerant_materials
from haoban.catalog.models import ProcessStep
from haoban.domain.workflow import CaseAction, CaseStatus
from haoban.payments.services import case_payment_record
from haoban.portal.application import answers
from haoban.portal.case_text import event_sentence

from .forms import ACTION_FORMS, OPEN_STATUSES, ActionForm, InboxFilterForm

PAGE_SIZE = 30
ALERTS_SHOWN = 10
REGISTER_ROLES = (StaffRole.EFFICIENCY_SUPERVISOR, StaffRole.DEPARTMENT_HEAD)
SERVICES: dict[CaseAction | StepAction, Callable[..., Case]] = {
    StepAction.FORWARD: services.case_forward,
    CaseAction.ACCEPT: services.case_accept,
    CaseAction.REFUSE: services.case_refuse,
    CaseAction.REQUEST_SUPPLEMENT: services.case_request_supplement,
    CaseAction.EXTEND: services.case_extend,
    CaseAction.SUSPEND: services.case_suspend,
    CaseAction.RESUME: services.case_resume,
    CaseAction.APPROVE: services.case_approve,
    CaseAction.DENY: services.case_deny,
    CaseAction.ISSUE: services.case_issue,
    CaseAction.PAY: case_payment_record,  # pays the case's payment order when it has one
    CaseAction.DELIVER: services.case_deliver,
    CaseAction.COMPLETE: services.case_complete,
}


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "workbench/forbidden.html", {"message": message}, status=403)


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scope = staff_scope(request.user, roles=CASE_VIEWER_ROLES)
        if scope.is_empty:
            return _forbidden(request, "工作台仅供有办件岗位的工作人员使用。您的账号没有有效的岗位授权。")
        request.staff_scope = scope  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def _scoped_cases(request: HttpRequest) -> Any:
    scope = request.staff_scope  # type: ignore[attr-defined]
    cases = Case.objects.select_related("item_version", "applicant", "current_step", "department")
    if not scope.is_unrestricted:
        cases = cases.filter(
            scope.q(department="department", center="service_center", region="region")
            # a step assigned to another department (ProcessStep.department) brings the case to its staff
            | scope.q(department="current_step__department")
        )
    return cases


def _actions(request: HttpRequest, case: Case) -> list[CaseAction | StepAction]:
    """What the user may do on ``case`` now: the workflow's actions of their roles, and 流转 when they hold
    the current step."""
    actor = CaseActor.of(request.user)
    allowed: list[CaseAction | StepAction] = list(actor.actions_on(case))
    return [*allowed, StepAction.FORWARD] if actor.may_forward(case) else allowed


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    cases = _scoped_cases(request)
    steps = sorted(set(cases.exclude(current_step=None).values_list("current_step__name", flat=True)))
    status, step, number, view = "", "", "", ""
    if form.is_valid():
        status, step, number = form.cleaned_data["status"], form.cleaned_data["step"], form.cleaned_data["q"]
        view = form.cleaned_data["view"]
    if not view:  # 待我办理 by default for those who handle steps; supervisors and auditors see their scope
        handles_steps = bool(set(request.staff_scope.roles) & set(ProcessStep.Role.values))  # type: ignore[attr-defined]
        view = "mine" if handles_steps else "all"
    if view == "mine":
        cases = cases.filter(CaseActor.of(request.user).my_steps())
    if status == "":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif status != "all":
        cases = cases.filter(status=status)
    if step:
        cases = cases.filter(current_step__name=step)
    if number:
        cases = cases.filter(number__contains=number.strip())
    sort = form.cleaned_data.get("sort", "") if form.is_valid() else ""
    if sort == "due":
        cases = cases.order_by(
            F("promised_due_date").asc(nulls_last=True), F("acceptance_due_date").asc(nulls_last=True), "pk"
        )
    elif sort == "step_due":
        cases = cases.order_by(F("step_due_date").asc(nulls_last=True), "pk")
    elif sort == "submitted":
        cases = cases.order_by("submitted_at", "pk")
    else:
        cases = urgency_ordered(cases)
    # The page's ids are picked on the cases table alone, then those rows are loaded (list_rows).
    page = Paginator(cases.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list_rows(page.object_list)
    today = timezone.localdate()
    for case in page:
        case.masked_applicant = mask_name(case.applicant.name)
        case.step_overdue = case.step_due_date is not None and case.step_due_date < today
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "steps": steps,
        "step": step,
        "view": view,
        "query": params.urlencode(),
        # 站内消息 for staff: the 环节逾期提醒 of the tick cases.step_overdue, newest first
        "alerts": list(notifications_for(request.user, unread_only=True)[:ALERTS_SHOWN]),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "workbench/_inbox_results.html", context)
    else:
        response = render(request, "workbench/inbox.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def mask_name(name: str) -> str:
    """张三 → 张*, 莆田市好味食品有限公司 → 莆田市****有限公司 (first 3 and last 4 kept for long names)."""
    if len(name) <= 1:
        return name
    if len(name) <= 3:
        return name[0] + "*" * (len(name) - 1)
    if len(name) <= 8:
        return name[:2] + "*" * (len(name) - 3) + name[-1]
    return name[:3] + "*" * (len(name) - 7) + name[-4:]


def _case_page(
    request: HttpRequest,
    case: Case,
    *,
    bound: ActionForm | None = None,
    status: int = 200,
    review_errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    allowed = [a for a in _actions(request, case) if a in ACTION_FORMS]
    forms = []
    for action in allowed:
        if bound is not None and bound.action == action:
            forms.append(bound)
        else:
            forms.append(ACTION_FORMS[action](case=case))
    return render(
        request,
        "workbench/case.html",
        {
            "case": case,
            "forms": forms,
            "bound": bound,
            "timeline": [event_sentence(e, for_staff=True) for e in case.events.all()],
            **_tolerant_context(request, case, review_errors or {}),
            "masked_applicant": mask_name(case.applicant.name),
            "step_overdue": case.step_due_date is not None and case.step_due_date < timezone.localdate(),
            "answers": answers(case.form_data, case.item_version.form_schema or {}),
        },
        status=status,
    )


@staff_required
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    case = case_detail(user=request.user, number=number)
    audit_case_read(request, case, roles=request.staff_scope.roles)  # type: ignore[attr-defined]
    return _case_page(request, case)


@staff_required
@require_POST
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    case = case_detail(user=request.user, number=number)
    try:
        verb: CaseAction | StepAction = (
            StepAction.FORWARD if action == StepAction.FORWARD else CaseAction(action)
        )
        form_class = ACTION_FORMS[verb]
    except (ValueError, KeyError):
        raise Http404("没有这个办理操作。") from None
    if verb not in _actions(request, case):
        messages.error(
            request,
            f"办件当前状态为“{case.get_status_display()}”，您不能执行“{verb.label}”。页面已刷新为最新状态。",
        )
        return redirect("workbench:case", number=number)
    form = form_class(request.POST, request.FILES, case=case)
    if form.is_valid():
        try:
            SERVICES[verb](case=case, actor=request.user, **form.service_kwargs())
        except services.CaseConflict as exc:
            messages.error(request, f"操作未完成：{exc.message}。页面已刷新为最新状态。")
            return redirect("workbench:case", number=number)
        except ValidationError as exc:
            form.add_service_errors(
                exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            )
        else:
            messages.success(request, f"已{verb.label}。")
            return redirect("workbench:case", number=number)
    return _case_page(request, case_detail(user=request.user, number=number), bound=form, status=400)


@staff_required
def case_notice(request: HttpRequest, number: str, notice_uuid: uuid.UUID) -> HttpResponse:
    notice = notice_for(user=request.user, number=number, notice_uuid=notice_uuid)
    audit_notice_download(request, notice, roles=request.staff_scope.roles)  # type: ignore[attr-defined]
    return notice_file_response(notice, as_attachment="preview" not in request.GET)


@staff_required
def case_material(request: HttpRequest, number: str, material_uuid: uuid.UUID) -> HttpResponse:
    case = case_detail(user=request.user, number=number)
    material = (
        CaseMaterial.objects.filter(case=case, uuid=material_uuid).select_related("requirement").first()
    )
    if material is None:
        raise Http404("未找到该材料。")
    audit_material_download(request, material, roles=request.staff_scope.roles)  # type: ignore[attr-defined]
    return material_file_response(material)


def _may_review_materials(request: HttpRequest, case: Case) -> bool:
    # The clerks who receive materials and the reviewers who examine them (docs/roles.md).
    actor = CaseActor.of(request.user)
    return actor.may(case, CaseAction.REQUEST_SUPPLEMENT) or actor.may(case, CaseAction.SUSPEND)


def _tolerant_context(
    request: HttpRequest, case: Case, review_errors: dict[str, list[str]]
) -> dict[str, Any]:
    """The 容缺材料 panel: what was promised and arrived, and a 合格 / 需补正 form per delivered material."""
    tolerant = tolerant_materials(case)
    delivered: list[dict[str, Any]] = []
    if tolerant is not None:
        rows = CaseMaterial.objects.filter(
            case=case, pk__in=tolerant.delivered_material_ids, superseded_by__isnull=True
        ).select_related("requirement")
        reviewable = case.status in (CaseStatus.IN_REVIEW, CaseStatus.SUSPENDED) and _may_review_materials(
            request, case
        )
        delivered = [
            {"material": m, "reviewable": reviewable, "errors": review_errors.get(str(m.uuid), [])}
            for m in rows.order_by("requirement__order", "created_at")
        ]
    return {
        "tolerant": tolerant,
        "tolerant_delivered": delivered,
        "material_reviews": services.MATERIAL_REVIEWS,
    }


@staff_required
@require_POST
def case_material_review(request: HttpRequest, number: str, material_uuid: uuid.UUID) -> HttpResponse:
    """审核容缺材料 (合格 / 需补正) from the workbench case page."""
    case = case_detail(user=request.user, number=number)
    material = CaseMaterial.objects.filter(case=case, uuid=material_uuid).first()
    if material is None:
        raise Http404("未找到该材料。")
    if not _may_review_materials(request, case):
        return _forbidden(request, "只有负责该办件的受理人员或审查人员可以审核容缺材料。")
    try:
        services.case_material_review(
            case=case,
            material=material,
            actor=request.user,
            review=request.POST.get("review", ""),
            note=request.POST.get("note", ""),
        )
    except services.CaseConflict as exc:
        messages.error(request, f"操作未完成：{exc.message}。页面已刷新为最新状态。")
        return redirect("workbench:case", number=number)
    except ValidationError as exc:
        errors = {str(material.uuid): exc.messages}
        return _case_page(
            request, case_detail(user=request.user, number=number), status=400, review_errors=errors
        )
    messages.success(
        request, f"已审核“{material.requirement.name}”：{services.MATERIAL_REVIEWS[request.POST['review']]}。"
    )
    return redirect("workbench:case", number=number)


@staff_required
def case_signature(request: HttpRequest, number: str, signature_uuid: uuid.UUID) -> HttpResponse:
    case = case_detail(user=request.user, number=number)
    signature = (
        DeliverySignature.objects.filter(case=case, uuid=signature_uuid).select_related("case").first()
    )
    if signature is None:
        raise Http404("未找到该签名。")
    audit_signature_download(request, signature, roles=request.staff_scope.roles)  # type: ignore[attr-defined]
    return signature_file_response(signature)


@staff_required
@require_POST
def alerts_read(request: HttpRequest) -> HttpResponse:
    """Mark the user's in-site messages read (only their own: ``notifications_mark_read``)."""
    count = notifications_mark_read(user=request.user)
    messages.success(request, f"已将 {count} 条提醒标为已读。")
    return redirect("workbench:inbox")


@staff_required
def negative_register(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request.user, roles=REGISTER_ROLES)
    if scope.is_empty:
        return _forbidden(request, "否定报备登记簿仅供效能监督员和部门负责人查阅。")
    rows = NegativeDecision.objects.select_related(
        "case", "case__item_version", "department", "event"
    ).order_by("-decided_at", "-pk")
    if not scope.is_unrestricted:
        rows = rows.filter(scope.q(department="department"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workbench/negative_register.html", {"page": page, "query": ""})
