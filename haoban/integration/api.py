"""Integration API v1 for department systems (Issue 3 §7; seed Art. 26, 29: 回流办件), under
``/api/v1/integration/``. Every request is signed (:class:`HmacClientAuthentication`, docs/integration.md).

- ``GET cases/``: the cases of the client's department, oldest change first, ``updated_since`` to sync.
- ``POST cases/{number}/events/``: record what happened in the department's system (受理, 准予 …) with
  the time it happened (``occurred_at``: not in the future, not before the case's previous event). The
  case services do the work (``haoban.cases.services.case_<action>``), with the client's service account as
  actor; the event records the client id. A case of another department is a 404; an action the case's
  status does not allow is a 409; in both cases, and on any 400, nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import path
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from haoban.cases import services as case_services
from haoban.cases.models import Case, CaseEvent
from haoban.core.api import Conflict, StandardPagination
from haoban.core.api_views import ERROR_400, ERROR_404, ERROR_409, error_response, parse_input
from haoban.core.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from haoban.domain.workflow import CaseAction, CaseStatus

from . import schema  # noqa: F401  (registers the HMAC-SM3 security scheme with drf-spectacular)
from .authentication import HmacClientAuthentication
from .models import IntegrationClient
from .selectors import client_case, client_cases
from .webhooks import enqueue_case_webhooks

TAG = "部门系统对接"
NOT_SIGNED = "请求未签名：请按 HMAC-SM3 签名规则提供 X-Haoban-Client、X-Haoban-Timestamp、X-Haoban-Nonce、X-Haoban-Signature 请求头"

ERROR_401 = error_response(
    401,
    "签名校验失败（code：signature_headers_missing、client_inactive、timestamp_out_of_range、"
    "signature_invalid、nonce_malformed、nonce_reused；未签名为 not_authenticated）。",
    {"code": "signature_invalid", "message": "签名无效", "fields": {}},
)


class IsIntegrationClient(BasePermission):
    """The request was signed by an active department-system client."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, IntegrationClient)


class _IntegrationApi(APIView):
    authentication_classes = [HmacClientAuthentication]
    permission_classes = [IsIntegrationClient]

    def permission_denied(
        self, request: Request, message: str | None = None, code: str | None = None
    ) -> None:
        raise exceptions.NotAuthenticated(NOT_SIGNED)

    @staticmethod
    def client(request: Request) -> IntegrationClient:
        assert isinstance(request.auth, IntegrationClient)
        return request.auth


# --- cases ---------------------------------------------------------------------------------------------


class IntegrationCaseOutputSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="办件编号。")
    status = serializers.CharField(
        help_text="办件状态：" + "、".join(f"{s.value}（{s.label}）" for s in CaseStatus) + "。"
    )
    status_label = serializers.CharField(source="get_status_display", help_text="办件状态（中文）。")
    item_code = serializers.CharField(source="item.implementation_code", help_text="事项实施编码（31 位）。")
    item_name = serializers.CharField(source="item_version.name", help_text="事项名称（申请时的版本）。")
    submitted_at = serializers.DateTimeField(help_text="申请时间。")
    accepted_on = serializers.DateField(allow_null=True, help_text="受理日期；未受理为 null。")
    legal_due_date = serializers.DateField(allow_null=True, help_text="法定办结日；受理前为 null。")
    promised_due_date = serializers.DateField(allow_null=True, help_text="承诺办结日；受理前为 null。")
    remaining_workdays = serializers.IntegerField(allow_null=True, help_text="距承诺办结日的剩余工作日。")
    light = serializers.CharField(help_text="红黄绿灯：green、yellow、red；不计时为空字符串。")
    last_event_at = serializers.DateTimeField(
        allow_null=True, help_text="最近一个事件的发生时间；回流事件的 occurred_at 不能早于它。"
    )
    updated_at = serializers.DateTimeField(help_text="最近变更时间；下次同步时作为 updated_since。")


def _updated_since(request: Request) -> dt.datetime | None:
    raw = request.query_params.get("updated_since")
    if raw is None or not raw.strip():
        return None
    try:
        value = parse_datetime(raw.strip())
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise exceptions.ValidationError(
            {"updated_since": ["应为带时区的 ISO 8601 时间，例如 2026-12-01T08:00:00+08:00"]}
        )
    return value


class IntegrationCaseListApi(_IntegrationApi):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="integration_case_list",
        tags=[TAG],
        summary="本部门办件列表（部门系统拉取）",
        description=(
            "签名客户端所属部门的办件，按最近变更时间从早到晚排列，分页。增量同步：记下最后一条的 "
            "updated_at，下次以 updated_since 传入（包含该时刻）。"
        ),
        parameters=[
            OpenApiParameter(
                "updated_since",
                OpenApiTypes.DATETIME,
                description="只返回此时刻及以后变更的办件；带时区的 ISO 8601，例如 2026-12-01T08:00:00+08:00"
                "（在查询串中把“+”写成 %2B）。",
            ),
        ],
        responses={200: IntegrationCaseOutputSerializer(many=True), 400: ERROR_400, 401: ERROR_401},
    )
    def get(self, request: Request) -> Response:
        cases = client_cases(client=self.client(request), updated_since=_updated_since(request))
        paginator = StandardPagination()
        page = paginator.paginate_queryset(cases, request, view=self)
        return paginator.get_paginated_response(IntegrationCaseOutputSerializer(page, many=True).data)


# --- events --------------------------------------------------------------------------------------------


class IntegrationSupplementItemSerializer(serializers.Serializer):
    material_requirement_id = serializers.IntegerField(help_text="材料要求的 id（见办事指南接口）。")
    problem = serializers.CharField(help_text="需要补正的内容。")


class IntegrationCaseEventInputSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="动作，见接口说明中的表格。")
    occurred_at = serializers.DateTimeField(
        help_text="事件在部门系统中实际发生的时间（带时区）；不能晚于当前时间，也不能早于该办件的上一事件。"
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="理由。")
    competent_office = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="refuse：有权受理的机关。"
    )
    deficient_materials = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, help_text="accept：容缺材料的 id。"
    )
    tolerant_due_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="accept：容缺材料补齐期限。"
    )
    items = IntegrationSupplementItemSerializer(
        many=True, required=False, default=list, help_text="request-supplement：需补正的全部材料。"
    )
    days = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="extend：延长的工作日数。"
    )
    approved_by = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="extend：批准延期的部门负责人的账号。"
    )
    procedure = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="suspend：特别程序种类。"
    )
    expected_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="suspend：预计所需工作日。"
    )
    basis = serializers.CharField(
        required=False,
        default="standard",
        help_text="approve：standard（一般审批）或 commitment（告知承诺）。",
    )
    order_id = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="pay：缴费单号。"
    )
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="pay：金额（元）。",
    )
    method = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="pay：缴费方式；deliver：window、post 或 electronic。",
    )
    recipient = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="deliver：领取人。"
    )
    tracking_number = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="deliver：快递单号。"
    )
    address = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="deliver：收件地址。"
    )


class IntegrationEventOutputSerializer(serializers.Serializer):
    sequence = serializers.IntegerField(help_text="事件在该办件中的序号。")
    action = serializers.CharField(help_text="动作。")
    from_status = serializers.CharField(help_text="原状态。")
    to_status = serializers.CharField(help_text="新状态。")
    occurred_at = serializers.DateTimeField(help_text="发生时间。")
    recorded_at = serializers.DateTimeField(help_text="记录时间。")


class IntegrationCaseEventOutputSerializer(serializers.Serializer):
    case = IntegrationCaseOutputSerializer(help_text="记录事件后的办件。")
    event = IntegrationEventOutputSerializer(help_text="记录的事件。")


Handler = Callable[[Case, Any, dt.datetime, dict[str, Any]], Case]


def _approver(username: str) -> Any:
    user = get_user_model().objects.filter(username=username.strip()).first() if username.strip() else None
    if user is None:
        raise exceptions.ValidationError(
            {"approved_by": [f"未找到账号“{username}”（延期须由部门负责人批准）"]}
        )
    return user


def _supplement_items(rows: list[dict[str, Any]]) -> list[case_services.SupplementItem]:
    return [case_services.SupplementItem(r["material_requirement_id"], r["problem"]) for r in rows]


# action → (the fields it takes besides action and occurred_at, the service call)
ACTIONS: dict[str, tuple[frozenset[str], Handler]] = {
    CaseAction.ACCEPT: (
        frozenset({"deficient_materials", "tolerant_due_date"}),
        lambda case, actor, at, d: case_services.case_accept(
            case=case,
            actor=actor,
            at=at,
            deficient_materials=d["deficient_materials"],
            tolerant_due_date=d["tolerant_due_date"],
        ),
    ),
    CaseAction.REFUSE: (
        frozenset({"reason", "competent_office"}),
        lambda case, actor, at, d: case_services.case_refuse(
            case=case, actor=actor, at=at, reason=d["reason"], competent_office=d["competent_office"]
        ),
    ),
    CaseAction.REQUEST_SUPPLEMENT: (
        frozenset({"items"}),
        lambda case, actor, at, d: case_services.case_request_supplement(
            case=case, actor=actor, at=at, items=_supplement_items(d["items"])
        ),
    ),
    CaseAction.EXTEND: (
        frozenset({"days", "reason", "approved_by"}),
        lambda case, actor, at, d: case_services.case_extend(
            case=case,
            actor=actor,
            at=at,
            days=d["days"],
            reason=d["reason"],
            approved_by=_approver(d["approved_by"]),
        ),
    ),
    CaseAction.SUSPEND: (
        frozenset({"procedure", "reason", "expected_days"}),
        lambda case, actor, at, d: case_services.case_suspend(
            case=case,
            actor=actor,
            at=at,
            procedure=d["procedure"],
            reason=d["reason"],
            expected_days=d["expected_days"],
        ),
    ),
    CaseAction.RESUME: (
        frozenset(),
        lambda case, actor, at, d: case_services.case_resume(case=case, actor=actor, at=at),
    ),
    CaseAction.APPROVE: (
        frozenset({"basis"}),
        lambda case, actor, at, d: case_services.case_approve(
            case=case, actor=actor, at=at, basis=d["basis"]
        ),
    ),
    CaseAction.DENY: (
        frozenset({"reason"}),
        lambda case, actor, at, d: case_services.case_deny(case=case, actor=actor, at=at, reason=d["reason"]),
    ),
    CaseAction.ISSUE: (
        frozenset(),
        lambda case, actor, at, d: case_services.case_issue(case=case, actor=actor, at=at),
    ),
    CaseAction.PAY: (
        frozenset({"order_id", "amount", "method"}),
        lambda case, actor, at, d: case_services.case_pay(
            case=case,
            actor=actor,
            at=at,
            order_id=d["order_id"],
            amount=Decimal(d["amount"]) if d["amount"] is not None else None,
            method=d["method"],
        ),
    ),
    CaseAction.DELIVER: (
        frozenset({"method", "recipient", "tracking_number", "address"}),
        lambda case, actor, at, d: case_services.case_deliver(
            case=case,
            actor=actor,
            at=at,
            method=d["method"],
            recipient=d["recipient"],
            tracking_number=d["tracking_number"],
            address=d["address"],
        ),
    ),
    CaseAction.COMPLETE: (
        frozenset(),
        lambda case, actor, at, d: case_services.case_complete(case=case, actor=actor, at=at),
    ),
}
_ALLOWED_LIST = "、".join(f"{a}（{CaseAction(a).label}）" for a in ACTIONS)
_ALL_FIELDS = set(IntegrationCaseEventInputSerializer().fields)


def _service_errors(exc: ValidationError) -> exceptions.ValidationError:
    """A service's ``ValidationError`` keyed by this API's field names (``at`` is ``occurred_at``)."""
    if not hasattr(exc, "error_dict"):
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    names = {"at": "occurred_at"}
    return exceptions.ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()})


def _check_fields(action: str, given: set[str]) -> tuple[frozenset[str], Handler]:
    if action not in ACTIONS:
        raise exceptions.ValidationError(
            {"action": [f"部门系统不能回流动作“{action}”；可回流：{_ALLOWED_LIST}"]}
        )
    accepted, handler = ACTIONS[action]
    label = CaseAction(action).label
    extra = sorted(given & _ALL_FIELDS - accepted - {"action", "occurred_at"})
    if extra:
        raise exceptions.ValidationError({field: [f"“{label}”不使用该字段"] for field in extra})
    return accepted, handler


_EVENTS_DESCRIPTION = (
    "记录部门系统中已发生的办件事件（回流办件），由办件服务按办件流程校验后写入，"
    "事件的操作人为该客户端的服务账号，并记下客户端标识。\n\n"
    "| action | 动作 | 其他字段 |\n|---|---|---|\n"
    + "\n".join(
        f"| {a} | {CaseAction(a).label} | {'、'.join(sorted(fields)) or '—'} |"
        for a, (fields, _) in ACTIONS.items()
    )
    + "\n\n- 办件不属于本部门：404。\n- 当前状态不允许该动作：409，未写入任何数据。\n"
    "- occurred_at 晚于当前时间或早于上一事件：400，fields 中为 occurred_at。\n"
    "- 支持 Idempotency-Key：超时后以同一幂等键重发（重新签名），不会重复记录。"
)


class IntegrationCaseEventCreateApi(_IntegrationApi):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="integration_case_event_create",
        tags=[TAG],
        summary="回流办件事件（部门系统推送）",
        description=_EVENTS_DESCRIPTION,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=IntegrationCaseEventInputSerializer,
        responses={
            201: IntegrationCaseEventOutputSerializer,
            400: ERROR_400,
            401: ERROR_401,
            404: ERROR_404,
            409: ERROR_409,
        },
        examples=[
            OpenApiExample(
                "受理",
                value={"action": "accept", "occurred_at": "2026-12-01T09:30:00+08:00"},
                request_only=True,
            ),
            OpenApiExample(
                "不予许可",
                value={
                    "action": "deny",
                    "occurred_at": "2026-12-10T16:00:00+08:00",
                    "reason": "经营场所不符合要求",
                },
                request_only=True,
            ),
        ],
    )
    @idempotent
    def post(self, request: Request, number: str) -> Response:
        client = self.client(request)
        case = client_case(client=client, number=number)
        given = set(request.data) if isinstance(request.data, dict) else set()
        data = parse_input(IntegrationCaseEventInputSerializer, request.data)
        _, handler = _check_fields(data["action"], given)
        try:
            # The service account is the actor; the event records which system pushed it.
            with transaction.atomic(), case_services.recorded_by_integration(client.client_id):
                case = handler(case, client.service_user, data["occurred_at"], data)
                event = CaseEvent.objects.filter(case=case).order_by("-sequence").first()
                assert event is not None
                enqueue_case_webhooks(case_event=event)
        except case_services.CaseConflict as exc:
            raise Conflict(exc.message) from None
        except ValidationError as exc:
            raise _service_errors(exc) from None
        fresh = client_case(client=client, number=number)
        return Response(
            IntegrationCaseEventOutputSerializer({"case": fresh, "event": event}).data,
            status=status.HTTP_201_CREATED,
        )


urlpatterns = [
    path("integration/cases/", IntegrationCaseListApi.as_view(), name="integration-case-list"),
    path(
        "integration/cases/<str:number>/events/",
        IntegrationCaseEventCreateApi.as_view(),
        name="integration-case-event-create",
    ),
]
