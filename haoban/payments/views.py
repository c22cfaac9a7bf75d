"""Payment pages: the applicant's checkout, the local cashier, the providers' callback, and the staff's
counter payment and refund forms (docs/payments.md). Views parse and call :mod:`.services`."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from haoban.accounts.access import applicant_principals
from haoban.accounts.models import StaffRole
from haoban.cases.access import CaseActor, get_case_for
from haoban.cases.audit import audit_case_read
from haoban.cases.models import Case
from haoban.cases.services import CaseConflict

from .models import PaymentOrder
from .providers import InvalidNotification, get_provider
from .providers.local import LocalProvider
from .receipt import render_receipt_pdf
from .services import (
    COUNTER_METHODS,
    PaymentPermissionDenied,
    holds_role,
    order_handle_notification,
    order_record_counter_payment,
    order_refund,
)


def _order_for_applicant(request: HttpRequest, number: str) -> PaymentOrder:
    """The order if it belongs to a case the user applied for (or acts for as agent), else 404."""
    order = PaymentOrder.objects.select_related("case", "case__item_version").filter(number=number).first()
    if order is None or (
        order.case.submitted_by_id != request.user.pk
        and order.case.applicant_id not in applicant_principals(request.user)
    ):
        raise Http404("未找到该缴费单。")
    return order


def _order_for_staff(request: HttpRequest, number: str) -> PaymentOrder:
    """The order of a case the user sees (404 otherwise: the case does not exist for them)."""
    order = PaymentOrder.objects.select_related("case").filter(number=number).first()
    if order is None:
        raise Http404("未找到该缴费单。")
    order.case = get_case_for(request.user, order.case.number)
    return order


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "payments/forbidden.html", {"message": message}, status=403)


# --- applicant --------------------------------------------------------------------------------------------


@login_required
@require_POST
def checkout(request: HttpRequest, number: str) -> HttpResponse:
    """去缴费: send the applicant to the configured provider's cashier."""
    order = _order_for_applicant(request, number)
    if order.status != PaymentOrder.Status.PENDING:
        messages.error(request, f"缴费单 {order.number} 为“{order.get_status_display()}”，无需缴费。")
        return redirect("portal:my_case", number=order.case.number)
    return redirect(get_provider().create_checkout(order))


@login_required
def cashier(request: HttpRequest, number: str) -> HttpResponse:
    """本地模拟收银台 (only with the local provider configured): the order and a 确认支付 button, whose
    POST sends a signed notification through the same path as a gateway's callback."""
    provider = get_provider()
    if not isinstance(provider, LocalProvider):
        raise Http404("未启用本地模拟收银台。")
    order = _order_for_applicant(request, number)
    if request.method == "POST":
        try:
            order_handle_notification(provider=provider, data=provider.notification_for(order))
        except InvalidNotification as exc:
            messages.error(request, f"缴费未完成：{exc}")
        except CaseConflict as exc:  # a PaymentConflict, or the case no longer takes payments (办结)
            messages.error(request, f"缴费未完成：{exc.message}")
        else:
            messages.success(request, f"缴费成功：缴费单 {order.number}，{order.amount:.2f} 元。")
        return redirect("portal:my_case", number=order.case.number)
    return render(request, "payments/cashier.html", {"order": order, "provider": provider})


@csrf_exempt
@require_POST
def notify(request: HttpRequest) -> HttpResponse:
    """The provider's asynchronous payment notification (callback URL). 200 with the provider's
    acknowledgement when recorded or already recorded; 400 when it cannot be trusted; 409 when the order
    was settled otherwise. Nothing is written unless it is 200."""
    provider = get_provider()
    data: dict[str, Any]
    if request.content_type == "application/json":
        try:
            parsed = json.loads(request.body or b"{}")
        except ValueError:
            return HttpResponse(
                "支付通知不是有效的 JSON", status=400, content_type="text/plain; charset=utf-8"
            )
        if not isinstance(parsed, dict):
            return HttpResponse(
                "支付通知应为 JSON 对象", status=400, content_type="text/plain; charset=utf-8"
            )
        data = {str(k): str(v) for k, v in parsed.items()}
    else:
        data = {k: request.POST.get(k, "") for k in request.POST}
    try:
        order_handle_notification(provider=provider, data=data)
    except InvalidNotification as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    except CaseConflict as exc:  # a PaymentConflict, or the case no longer takes payments (办结)
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    return HttpResponse(provider.acknowledgement(), content_type="text/plain; charset=utf-8")


# --- staff -----------------------------------------------------------------------------------------------


class CounterPaymentForm(forms.Form):
    method = forms.ChoiceField(
        label="缴费方式", choices=[(str(k), v) for k, v in COUNTER_METHODS.items()], widget=forms.RadioSelect
    )
    reference = forms.CharField(
        label="票据号或凭证号（可不填）",
        required=False,
        max_length=64,
        help_text="非税收入票据号、POS 凭证号等。",
    )


class RefundForm(forms.Form):
    reason = forms.CharField(label="退费原因", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


def _staff_form(
    request: HttpRequest,
    number: str,
    *,
    role: str,
    form_class: type[forms.Form],
    template: str,
    perform: Any,
    done: str,
) -> HttpResponse:
    order = _order_for_staff(request, number)
    if not holds_role(request.user, order.case, role):
        label = "窗口受理人员" if role == StaffRole.WINDOW_CLERK else "部门负责人"
        return _forbidden(request, f"只有负责该办件的{label}可以办理。")
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                perform(order, form.cleaned_data)
            except CaseConflict as exc:  # a PaymentConflict, or the case's status (办结)
                messages.error(request, f"操作未完成：{exc.message}。")
                return redirect("workbench:case", number=order.case.number)
            except PaymentPermissionDenied as exc:
                return _forbidden(request, exc.message)
            except ValidationError as exc:
                for key, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(key if key in form.fields else None, error)
            else:
                messages.success(request, done)
                return redirect("workbench:case", number=order.case.number)
        status = 400
    return render(request, template, {"order": order, "case": order.case, "form": form}, status=status)


@login_required
def counter_payment(request: HttpRequest, number: str) -> HttpResponse:
    """登记窗口缴费 (window clerk of the case)."""
    return _staff_form(
        request,
        number,
        role=StaffRole.WINDOW_CLERK,
        form_class=CounterPaymentForm,
        template="payments/counter.html",
        perform=lambda order, data: order_record_counter_payment(
            order=order, actor=request.user, method=data["method"], reference=data["reference"]
        ),
        done="已登记窗口缴费。",
    )


@login_required
def refund(request: HttpRequest, number: str) -> HttpResponse:
    """退费 (department head of the case's department)."""
    return _staff_form(
        request,
        number,
        role=StaffRole.DEPARTMENT_HEAD,
        form_class=RefundForm,
        template="payments/refund.html",
        perform=lambda order, data: order_refund(order=order, actor=request.user, reason=data["reason"]),
        done="已退费。",
    )


@login_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    """缴费凭证 (PDF) of a paid or refunded order, for whoever sees the case; a staff read is audit-logged."""
    order = PaymentOrder.objects.filter(number=number).first()
    if order is None:
        raise Http404("未找到该缴费单。")
    actor = CaseActor.of(request.user)
    queryset = Case.objects.select_related("department", "department__region", "item_version", "applicant")
    order.case = get_case_for(request.user, order.case.number, queryset=queryset, actor=actor)
    if order.status == PaymentOrder.Status.PENDING:
        raise Http404("该缴费单尚未缴费，没有缴费凭证。")
    if actor.reads_as_staff(order.case):
        audit_case_read(request, order.case, roles=actor.viewing_roles(order.case))
    response = HttpResponse(render_receipt_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{order.number}.pdf"'
    return response
