"""Cases API v1. Each class is one operation; reads go through ``selectors``, writes through ``services``.

Every request answers in this order: not logged in → 401 ``not_authenticated``; a case outside the
caller's scope (or unknown) → 404; an action that is not the caller's (``access.CaseActor.may``) → 403;
bad input → 400 naming the field; an action the case's status does not allow → 409 with the workflow's
Chinese message. Nothing is written unless the answer is 2xx.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from haoban.accounts.access import has_role
from haoban.accounts.models import ApplicantProfile, StaffRole
from haoban.cases import selectors, services
from haoban.cases.access import CaseActor, get_case_for
from haoban.cases.audit import audit_case_read, audit_notice_download
from haoban.cases.documents import notice_file_response
from haoban.cases.materials import MaterialUpload, requirements_of
from haoban.cases.models import Case, CaseMaterial
from haoban.cases.signatures import signature_from_base64
from haoban.catalog.models import MaterialRequirement, ServiceItemVersion
from haoban.catalog.selectors import version_for_submission
from haoban.core.api import Conflict, StandardPagination, represent
from haoban.core.api_views import ERROR_400, ERROR_403, ERROR_404, ERROR_409, parse_input
from haoban.core.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from haoban.domain.clock import Light
from haoban.domain.workflow import CaseAction, CaseStatus, TransitionNotAllowed, next_status
from haoban.organization.models import ServiceCenter
from haoban.payments.services import PaymentPermissionDenied, case_payment_record

from . import serializers as s

TAG = "办件"
TRUSTED_ONLY = "occurred_at 仅限部门系统回流办件时使用"


# --- helpers ----------------------------------------------------------------------------------------------


def _actor(request: Request, *, with_own_profile: bool = False) -> CaseActor:
    """The caller's roles and principals (and their own applicant profile, when asked), read once per
    request."""
    actor: CaseActor | None = getattr(request, "_case_actor", None)
    if actor is None:
        actor = CaseActor.of(request.user, with_own_profile=with_own_profile)
        request._case_actor = actor  # type: ignore[attr-defined]
    return actor


def _detail(request: Request, number: str, *, status_code: int = status.HTTP_200_OK) -> Response:
    actor = _actor(request)
    case = selectors.case_detail(user=request.user, number=number, actor=actor)
    data = represent(s.CaseDetailOutputSerializer, case, context={"actor": actor})
    return Response(data, status=status_code)


def _trusted_at(request: Request, data: dict[str, Any]) -> dt.datetime | None:
    """``occurred_at`` from a trusted caller (for now: a system admin recording a department system's
    event), else a 400 naming the field."""
    at: dt.datetime | None = data.get("occurred_at")
    if at is None:
        return None
    if not has_role(request.user, StaffRole.SYSTEM_ADMIN):
        raise exceptions.ValidationError({"occurred_at": [TRUSTED_ONLY]})
    return at


# The services' argument names that the API calls differently.
_FIELD_NAMES = {"at": "occurred_at", "uploads": "materials"}


def _service_errors(exc: ValidationError) -> exceptions.ValidationError:
    """A service's ``ValidationError`` keyed by the API's field names."""
    if not hasattr(exc, "error_dict"):
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    return exceptions.ValidationError(
        {_FIELD_NAMES.get(key, key): messages for key, messages in exc.message_dict.items()}
    )


def _requirements(
    requirements: dict[int, MaterialRequirement], ids: list[int], field: str
) -> dict[int, MaterialRequirement]:
    found = {pk: requirements[pk] for pk in ids if pk in requirements}
    errors = {
        f"{field}[{index}].requirement": [f"材料 {pk} 不属于该事项的申报材料"]
        for index, pk in enumerate(ids)
        if pk not in found
    }
    if errors:
        raise exceptions.ValidationError(errors)
    return found


def _uploads(
    version: ServiceItemVersion,
    rows: list[dict[str, Any]],
    field: str,
    files: dict[str, list[Any]] | None = None,
) -> list[MaterialUpload]:
    """The materials of a request: rows by reference, and (multipart) files named ``material_<id>``."""
    requirements = {r.pk: r for r in requirements_of(version)} if rows or files else {}
    found = _requirements(requirements, [row["requirement"] for row in rows], field)
    uploads = [
        MaterialUpload(requirement=found[row["requirement"]], reference=row["reference"]) for row in rows
    ]
    for name, uploaded in (files or {}).items():
        pk = name.removeprefix(FILE_PREFIX)
        requirement = requirements.get(int(pk)) if pk.isdigit() else None
        if requirement is None:
            raise exceptions.ValidationError({name: [f"文件字段 {name} 不对应该事项的任何申报材料"]})
        uploads.extend(MaterialUpload(requirement=requirement, file=file) for file in uploaded)
    return uploads


FILE_PREFIX = "material_"
_JSON_PARTS = ("form_data", "materials")


def _request_body(request: Request) -> tuple[Any, dict[str, list[Any]]]:
    """The body to validate, and the uploaded files by field name. JSON bodies carry no files; a multipart
    body carries ``form_data`` and ``materials`` as JSON text and each file as ``material_<requirement id>``."""
    if not request.content_type.startswith("multipart/form-data"):
        return request.data, {}
    files = {name: request.FILES.getlist(name) for name in request.FILES}
    body: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in request.data:
        if name in files:
            continue
        value = request.data.get(name)
        if name in _JSON_PARTS:
            try:
                value = json.loads(value)
            except ValueError:
                errors[name] = ["应为 JSON 文本"]
        body[name] = value
    if errors:
        raise exceptions.ValidationError(errors)
    return body, files


# --- reads ----------------------------------------------------------------------------------------------

_STATUS_VALUES = [s.value for s in CaseStatus]
_LIGHT_VALUES = [light.value for light in Light]


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _filters(request: Request) -> selectors.CaseFilters:
    params = request.query_params
    statuses = _split(params.get("status", ""))
    lights = _split(params.get("light", ""))
    errors: dict[str, list[str]] = {}
    bad = [v for v in statuses if v not in _STATUS_VALUES]
    if bad:
        errors["status"] = [f"未知的办件状态：{'、'.join(bad)}（可选：{'、'.join(_STATUS_VALUES)}）"]
    bad = [v for v in lights if v not in _LIGHT_VALUES]
    if bad:
        errors["light"] = [f"未知的红黄绿灯：{'、'.join(bad)}（可选：green、yellow、red）"]
    mine = params.get("mine", "")
    if mine not in ("", "0", "1", "true", "false"):
        errors["mine"] = ["mine 只能是 1（只看待我办理的办件）或 0"]
    step = params.get("step", "").strip()
    if len(step) > 60:
        errors["step"] = ["环节名称不能超过 60 字"]
    if errors:
        raise exceptions.ValidationError(errors)
    return selectors.CaseFilters(
        statuses=tuple(statuses),
        item=params.get("item", ""),
        department=params.get("department", ""),
        lights=tuple(lights),
        step=step,
        mine=mine in ("1", "true"),
    )


_LIST_FILTERS = [
    OpenApiParameter(
        "status", OpenApiTypes.STR, description="办件状态，多个以逗号分隔，例如 submitted,in_review。"
    ),
    OpenApiParameter("item", OpenApiTypes.STR, description="事项实施编码。"),
    OpenApiParameter("department", OpenApiTypes.STR, description="实施部门的统一社会信用代码。"),
    OpenApiParameter("light", OpenApiTypes.STR, description="红黄绿灯，多个以逗号分隔，例如 red,yellow。"),
    OpenApiParameter("step", OpenApiTypes.STR, description="当前环节名称，例如 审查、决定、制证。"),
    OpenApiParameter(
        "mine",
        OpenApiTypes.STR,
        enum=["1", "0"],
        description=(
            "1：只看待我办理的办件——当前环节的办理角色是我持有的岗位、且环节承办部门（未指定时为办件的实施"
            "部门）在我的岗位范围内；窗口受理人员还包括范围内尚未受理的办件。"
        ),
    ),
]


class CaseListApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="case_list",
        tags=[TAG],
        summary="办件列表",
        description=(
            "当前用户可以查看的办件：申请人为本人及有效代办授权的委托人的办件；工作人员为其岗位范围"
            "（部门、服务中心、区划及下级）内的办件。工作人员按紧急程度排序（红灯、黄灯、绿灯，再按剩余"
            "工作日），申请人按申请时间倒序。分页。"
        ),
        parameters=_LIST_FILTERS,
        responses={200: s.CaseListOutputSerializer(many=True), 400: ERROR_400, 403: ERROR_403},
    )
    def get(self, request: Request) -> Response:
        cases = selectors.case_list(user=request.user, filters=_filters(request), actor=_actor(request))
        paginator = StandardPagination()
        # The page's ids are picked on the cases table alone, then those rows are loaded (list_rows).
        ids = paginator.paginate_queryset(cases.values_list("pk", flat=True), request, view=self)
        rows = selectors.list_rows(ids or [])
        return paginator.get_paginated_response(represent(s.CaseListOutputSerializer, rows, many=True))


class CaseDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="case_retrieve",
        tags=[TAG],
        summary="办件详情",
        description="办件的状态、期限、事件、文书、材料，以及当前用户现在可以执行的动作。范围外的办件为 404。",
        responses={200: s.CaseDetailOutputSerializer, 403: ERROR_403, 404: ERROR_404},
    )
    def get(self, request: Request, number: str) -> Response:
        actor = _actor(request)
        case = selectors.case_detail(user=request.user, number=number, actor=actor)
        if actor.reads_as_staff(case):
            audit_case_read(request, case, roles=actor.viewing_roles(case))
        return Response(represent(s.CaseDetailOutputSerializer, case, context={"actor": actor}))


class CaseNoticePdfApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="case_notice_pdf",
        tags=[TAG],
        summary="下载文书 PDF",
        description="办件文书（加盖电子印章的 PDF）。能查看该办件的用户均可下载；其他办件的文书为 404。",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            403: ERROR_403,
            404: ERROR_404,
        },
    )
    def get(self, request: Request, number: str, notice_id: Any) -> FileResponse:
        notice = selectors.notice_for(user=request.user, number=number, notice_uuid=notice_id)
        actor = _actor(request)
        if actor.reads_as_staff(notice.case):
            audit_notice_download(request, notice, roles=actor.viewing_roles(notice.case))
        return notice_file_response(notice, as_attachment=True)


# --- submit ---------------------------------------------------------------------------------------------


# The reverse relations the case detail shows (CaseDetailOutputSerializer); test_submit_write_path checks
# that showing a new case reads nothing more.
_DETAIL_RELATIONS = ("events", "notices", "materials", "payment_orders")


def _as_written(case: Case) -> Case:
    """A case created in this request, with the related rows the detail shows as if prefetched: those the
    service wrote (``case.written_rows``) and, for the other relations, none — it is new. They are plain
    lists (what the serializer iterates), so building the answer reads nothing; anything that would query
    through them (``filter``, ``count``) fails loudly instead of asking the database."""
    written: dict[str, list[Any]] = getattr(case, "written_rows", {})
    case._prefetched_objects_cache = {  # type: ignore[attr-defined]
        name: list(written.get(name, [])) for name in _DETAIL_RELATIONS
    }
    return case


def _submit_applicant(actor: CaseActor, given: Any) -> ApplicantProfile:
    if given is None:
        profile = actor.own_profile
        if profile is None:
            raise exceptions.ValidationError(
                {"applicant": ["您还没有申请人信息：请先登记申请人，或指定申请人"]}
            )
        return profile
    profile = ApplicantProfile.objects.filter(uuid=given).first()
    if profile is None:
        raise exceptions.ValidationError({"applicant": ["未找到该申请人"]})
    return profile


class CaseSubmitApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="case_submit",
        tags=[TAG],
        summary="提交申请",
        description=(
            "按事项现行版本提交申请，生成办件（已申请待受理）。申请人本人或其有效代办人在线提交；"
            "窗口受理人员可在其岗位范围内代为录入（渠道 window）。JSON 请求的材料只能按引用提供"
            "（电子证照或共享数据免提交）；上传文件用 multipart/form-data：form_data 和 materials 为 JSON 文本，"
            "每个文件的字段名为 material_<材料要求标识>（同一材料可有多个文件）。"
        ),
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request={
            "application/json": s.CaseSubmitInputSerializer,
            "multipart/form-data": s.CaseSubmitMultipartInputSerializer,
        },
        responses={
            201: s.CaseDetailOutputSerializer,
            400: ERROR_400,
            403: ERROR_403,
            409: ERROR_409,
        },
    )
    @idempotent(check_after_work=True)  # JSON materials are references: no file for a retry
    def post(self, request: Request) -> Response:
        body, files = _request_body(request)
        data = parse_input(s.CaseSubmitInputSerializer, body)
        version = version_for_submission(data["item"].strip().upper())
        if version is None:
            raise exceptions.ValidationError({"item": [f"未找到实施编码为 {data['item']} 的现行事项"]})
        actor = _actor(request, with_own_profile=True)
        applicant = _submit_applicant(actor, data.get("applicant"))
        center = None
        if data.get("service_center") is not None:
            center = ServiceCenter.objects.filter(uuid=data["service_center"]).first()
            if center is None:
                raise exceptions.ValidationError({"service_center": ["未找到该服务中心"]})
        own = applicant.pk in actor.principals
        if not own and center is None and len(actor.staff_centers()) == 1:
            center = ServiceCenter.objects.get(pk=next(iter(actor.staff_centers())))
        if not actor.may_submit(applicant=applicant, item_version=version, service_center=center):
            raise exceptions.PermissionDenied("您不能以该申请人的名义提交该事项的申请。")
        at = _trusted_at(request, data)
        uploads = _uploads(version, data["materials"], "materials", files)
        agent = request.user if own and applicant.user_id != request.user.pk else None
        try:
            case = services.case_submit(
                item_version=version,
                applicant=applicant,
                submitted_by=request.user,
                channel=data["channel"],
                form_data=data["form_data"],
                uploads=uploads,
                agent=agent,
                service_center=center,
                at=at,
            )
        except ValidationError as exc:
            raise _service_errors(exc) from None
        # The submitter sees the case they submitted; the service returns it with everything the detail
        # shows (its one event, its materials, no notices), so the answer is built without reading it back.
        data = represent(s.CaseDetailOutputSerializer, _as_written(case), context={"actor": actor})
        response = Response(data, status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:case-detail", kwargs={"number": case.number})
        return response


# --- actions ---------------------------------------------------------------------------------------------

_ACTION_RESPONSES = {
    200: s.CaseDetailOutputSerializer,
    400: ERROR_400,
    403: ERROR_403,
    404: ERROR_404,
    409: ERROR_409,
}


class _CaseActionApi(APIView):
    """``POST /api/v1/cases/{number}/<action>/``: check scope, role, input and status, then call the
    service; answer with the case as the detail shows it."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    action: ClassVar[CaseAction]
    input_serializer: ClassVar[type[serializers.Serializer]]

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        raise NotImplementedError

    def label(self) -> str:
        return self.action.label

    def permitted(self, actor: CaseActor, case: Case) -> bool:
        return actor.may(case, self.action)

    def check_status(self, case: Case) -> None:
        """Raise TransitionNotAllowed (409) before parsing further when the status forbids the action."""
        next_status(CaseStatus(case.status), self.action)

    @idempotent
    def post(self, request: Request, number: str) -> Response:
        actor = _actor(request)
        case = get_case_for(
            request.user,
            number,
            queryset=Case.objects.select_related("department", "service_center", "item_version"),
            actor=actor,
        )
        if not self.permitted(actor, case):
            raise exceptions.PermissionDenied(f"您没有对该办件执行“{self.label()}”的权限。")
        body, files = _request_body(request)
        data = parse_input(self.input_serializer, body)
        data["files"] = files
        at = _trusted_at(request, data)
        try:
            self.check_status(case)
            self.perform(case=case, request=request, at=at, data=data)
        except TransitionNotAllowed as exc:
            raise Conflict(str(exc)) from None
        except services.CaseConflict as exc:
            raise Conflict(exc.message) from None
        except ValidationError as exc:
            raise _service_errors(exc) from None
        return _detail(request, number)


def _action_schema(action: CaseAction, serializer: Any, description: str) -> Any:
    return extend_schema(
        operation_id=f"case_{action.value.replace('-', '_')}",
        tags=[TAG],
        summary=f"{action.label}（{action.value}）",
        description=description,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=serializer,
        responses=_ACTION_RESPONSES,
    )


class CaseAcceptApi(_CaseActionApi):
    action = CaseAction.ACCEPT
    input_serializer = s.CaseAcceptInputSerializer

    @_action_schema(
        action, input_serializer, "受理（出具受理通知书）；列出容缺材料时为容缺受理。窗口受理人员。"
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        return services.case_accept(
            case=case,
            actor=request.user,
            at=at,
            deficient_materials=data["deficient_materials"],
            tolerant_due_date=data.get("tolerant_due_date"),
        )


class CaseRefuseApi(_CaseActionApi):
    action = CaseAction.REFUSE
    input_serializer = s.CaseRefuseInputSerializer

    @_action_schema(action, input_serializer, "不予受理（出具不予受理决定书，记入否定报备）。窗口受理人员。")
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        return services.case_refuse(
            case=case,
            actor=request.user,
            at=at,
            reason=data["reason"],
            competent_office=data["competent_office"],
        )


class CaseRequestSupplementApi(_CaseActionApi):
    action = CaseAction.REQUEST_SUPPLEMENT
    input_serializer = s.CaseRequestSupplementInputSerializer

    @_action_schema(
        action,
        input_serializer,
        "一次性告知补正（出具补正材料一次性告知书），须列出全部需补正的材料。窗口受理人员。",
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        items = [services.SupplementItem(row["requirement"], row["problem"]) for row in data["items"]]
        return services.case_request_supplement(case=case, actor=request.user, at=at, items=items)


class CaseSupplementApi(_CaseActionApi):
    action = CaseAction.SUPPLEMENT
    input_serializer = s.CaseSupplementInputSerializer
    parser_classes = [JSONParser, MultiPartParser]

    @_action_schema(
        action,
        {
            "application/json": s.CaseSupplementInputSerializer,
            "multipart/form-data": s.CaseSupplementMultipartInputSerializer,
        },
        "补正材料（待补正时重新收件；容缺受理后，在审查中或特别程序中补交受理时约定的容缺材料，只收尚未补交"
        "的容缺材料，全部补齐后 tolerant_due_date 为 null、不再逾期提醒；没有待补交的容缺材料时 409）。"
        "申请人或其代办人。上传文件用 "
        "multipart/form-data：materials 为 JSON 文本，每个文件的字段名为 material_<材料要求标识>。",
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        uploads = _uploads(case.item_version, data["materials"], "materials", data["files"])
        return services.case_supplement(case=case, actor=request.user, at=at, uploads=uploads)


class CaseExtendApi(_CaseActionApi):
    action = CaseAction.EXTEND
    input_serializer = s.CaseExtendInputSerializer

    @_action_schema(action, input_serializer, "延期（经本部门负责人批准，出具延期通知书）。部门负责人。")
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        return services.case_extend(
            case=case,
            actor=request.user,
            at=at,
            days=data.get("days"),
            reason=data["reason"],
            approved_by=request.user,
        )


class CaseSuspendApi(_CaseActionApi):
    action = CaseAction.SUSPEND
    input_serializer = s.CaseSuspendInputSerializer

    @_action_schema(
        action, input_serializer, "特别程序开始（听证、检验、鉴定等，时间不计入期限）。审查人员。"
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        return services.case_suspend(
            case=case,
            actor=request.user,
            at=at,
            procedure=data["procedure"],
            reason=data["reason"],
            expected_days=data["expected_days"],
        )


class CaseResumeApi(_CaseActionApi):
    action = CaseAction.RESUME
    input_serializer = s.CaseResumeInputSerializer

    @_action_schema(action, input_serializer, "特别程序结束，恢复计时。审查人员。")
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        return services.case_resume(case=case, actor=request.user, at=at)


class CaseApproveApi(_CaseActionApi):
    action = CaseAction.APPROVE
    input_serializer = s.CaseApproveInputSerializer

    @_action_schema(
        action,
        input_serializer,
        "准予（出具准予决定书）；basis=commitment 为告知承诺审批。事项设有“决定”环节时由该环节的办理角色（承办部门）作出，否则审查人员或部门负责人。",
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        return services.case_approve(
            case=case, actor=request.user, at=at, basis=data["basis"], fee_items=data.get("fee_items")
        )


class CaseDenyApi(_CaseActionApi):
    action = CaseAction.DENY
    input_serializer = s.CaseDenyInputSerializer

    @_action_schema(
        action,
        input_serializer,
        "不予许可（出具不予许可决定书，记入否定报备）。事项设有“决定”环节时由该环节的办理角色（承办部门）作出，否则审查人员或部门负责人。",
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        return services.case_deny(case=case, actor=request.user, at=at, reason=data["reason"])


class CaseIssueApi(_CaseActionApi):
    action = CaseAction.ISSUE
    input_serializer = s.CaseIssueInputSerializer

    @_action_schema(action, input_serializer, "制证（制作许可证件或批准文书）。审查人员。")
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        return services.case_issue(case=case, actor=request.user, at=at)


class CasePayApi(_CaseActionApi):
    action = CaseAction.PAY
    input_serializer = s.CasePayInputSerializer

    @_action_schema(
        action,
        input_serializer,
        "缴费（不改变办件状态）。办件有缴费单（payment_orders）时：窗口受理人员登记该缴费单的窗口缴费"
        "（现金、POS 刷卡、银行转账，全额）；申请人网上缴费请走收银台（docs/payments.md）。办件没有缴费单时："
        "申请人或窗口受理人员登记在本平台之外的缴费。",
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        try:
            return case_payment_record(
                case=case,
                actor=request.user,
                at=at,
                method=data["method"],
                amount=data.get("amount"),
                order_id=data.get("order_id"),
                reference=data.get("reference", ""),
            )
        except PaymentPermissionDenied as exc:
            raise exceptions.PermissionDenied(exc.message) from None


class CaseDeliverApi(_CaseActionApi):
    action = CaseAction.DELIVER
    input_serializer = s.CaseDeliverInputSerializer

    @_action_schema(
        action,
        input_serializer,
        "送达审批结果（窗口领取、邮寄或电子送达）。窗口受理人员。窗口领取须登记领取人并提交领取人签名图片"
        "（signature，base64 编码的 PNG 或 JPEG，不超过 1 MB）；图片无效时 400，字段为 signature。",
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        return services.case_deliver(
            case=case,
            actor=request.user,
            at=at,
            method=data["method"],
            recipient=data["recipient"],
            tracking_number=data["tracking_number"],
            address=data["address"],
            signature=signature_from_base64(data["signature"]) if data["signature"] else None,
        )


class CaseCompleteApi(_CaseActionApi):
    action = CaseAction.COMPLETE
    input_serializer = s.CaseCompleteInputSerializer

    @_action_schema(
        action, input_serializer, "办结（已送达，或不予受理、不予许可决定已送达后）。窗口受理人员。"
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        return services.case_complete(case=case, actor=request.user, at=at)


class CaseWithdrawApi(_CaseActionApi):
    action = CaseAction.WITHDRAW
    input_serializer = s.CaseWithdrawInputSerializer

    @_action_schema(action, input_serializer, "撤回申请（作出决定前）。申请人或其代办人。")
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        return services.case_withdraw(case=case, actor=request.user, at=at, reason=data["reason"])


class CaseForwardApi(_CaseActionApi):
    """流转 is a recorded event outside the status machine (docs/workflow.md "环节"): who may is the
    current step's business, and the service answers 409 when the case cannot move."""

    input_serializer = s.CaseForwardInputSerializer

    @extend_schema(
        operation_id="case_forward",
        tags=[TAG],
        summary="流转（forward）：提交下一环节",
        description=(
            "审查中的办件从当前办理环节进入事项办理流程的下一环节（最多到“决定”环节；决定本身为准予或"
            "不予许可），按新环节的时限重算环节到期日，记录“流转”事件，状态不变。只有持有当前环节办理"
            "角色、负责该环节承办部门（未指定时为办件的实施部门）的工作人员可以流转，否则 403。"
        ),
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=input_serializer,
        responses=_ACTION_RESPONSES,
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def label(self) -> str:
        return "流转"

    def permitted(self, actor: CaseActor, case: Case) -> bool:
        return actor.may_forward(case)

    def check_status(self, case: Case) -> None:
        return None  # the service decides (409 with its message)

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        return services.case_forward(
            case=case, actor=request.user, at=at, note=data["note"], expected_step=data["expected_step"]
        )


class CaseMaterialReviewApi(_CaseActionApi):
    """审核容缺材料 is not a transition (no event, status unchanged): the service checks the status (409)."""

    input_serializer = s.CaseMaterialReviewInputSerializer

    @extend_schema(
        operation_id="case_material_review",
        tags=[TAG],
        summary="审核容缺材料（material-review）",
        description=(
            "审查中或特别程序中，受理人员或审查人员将容缺受理后补交的容缺材料审核为合格（accepted）或需补正"
            "（deficient，须写明审核意见，申请人可见）。需补正的材料重新成为待补交的容缺材料，补齐期限重新生效"
            "（逾期后再提醒一次）。不产生办件事件，写入审计日志。只能审核现行的、受理后补交的容缺材料，否则 400"
            "（字段 material）；办件不在审查中或特别程序中时 409。"
        ),
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=input_serializer,
        responses=_ACTION_RESPONSES,
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)

    def label(self) -> str:
        return "审核容缺材料"

    def permitted(self, actor: CaseActor, case: Case) -> bool:
        # The clerks who receive materials and the reviewers who examine them.
        return actor.may(case, CaseAction.REQUEST_SUPPLEMENT) or actor.may(case, CaseAction.SUSPEND)

    def check_status(self, case: Case) -> None:
        return None  # the service decides (409 with its message)

    def perform(self, *, case: Case, request: Request, at: dt.datetime | None, data: dict[str, Any]) -> Case:
        material = CaseMaterial.objects.filter(case=case, uuid=data["material"]).first()
        if material is None:
            raise ValidationError({"material": ["该办件没有这份材料"]})
        return services.case_material_review(
            case=case, material=material, actor=request.user, review=data["review"], note=data["note"]
        )


ACTION_VIEWS: dict[CaseAction, type[_CaseActionApi]] = {
    view.action: view
    for view in (
        CaseAcceptApi,
        CaseRefuseApi,
        CaseRequestSupplementApi,
        CaseSupplementApi,
        CaseExtendApi,
        CaseSuspendApi,
        CaseResumeApi,
        CaseApproveApi,
        CaseDenyApi,
        CaseIssueApi,
        CasePayApi,
        CaseDeliverApi,
        CaseCompleteApi,
        CaseWithdrawApi,
    )
}
