"""The citizen side of cases: apply online (form → materials → check your answers → confirmation), my
cases, one case with its timeline, notices and materials, 补正 and 撤回.

Views only parse and call: reads go through ``haoban.cases.selectors`` / ``access`` (a case outside the
caller's scope is a 404), writes through ``haoban.cases.services``. Every page works without JavaScript.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from haoban.accounts.access import applicant_principals
from haoban.accounts.models import ApplicantProfile
from haoban.cases import services
from haoban.cases.access import actions_for
from haoban.cases.audit import audit_case_read, audit_material_download, audit_notice_download
from haoban.cases.documents import notice_file_response, supplement_deadline
from haoban.cases.materials import MaterialUpload, material_file_response, resolve_material
from haoban.cases.models import Case, CaseMaterial, Notice
from haoban.cases.selectors import case_detail, case_list, notice_for
from haoban.cases.tolerant import tolerant_materials
from haoban.catalog.models import MaterialRequirement, ServiceItemVersion
from haoban.catalog.selectors import current_version
from haoban.domain.workflow import CaseAction, CaseStatus

from . import application
from .case_text import event_sentence, next_steps

PAGE_SIZE = 20


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "portal/not_found.html", {"message": message}, status=404)


# --- draft in the session ------------------------------------------------------------------------------------


def _draft_key(code: str) -> str:
    return f"{application.SESSION_PREFIX}{code}"


def _draft(request: HttpRequest, code: str) -> dict[str, Any]:
    return dict(request.session.get(_draft_key(code)) or {})


def _save_draft(request: HttpRequest, code: str, draft: dict[str, Any]) -> None:
    request.session[_draft_key(code)] = draft


def _drafts(request: HttpRequest) -> list[dict[str, Any]]:
    rows = []
    for key, value in request.session.items():
        if key.startswith(application.SESSION_PREFIX) and isinstance(value, dict):
            rows.append({"code": key.removeprefix(application.SESSION_PREFIX), "name": value.get("name", "")})
    return rows


def _principals(request: HttpRequest) -> list[ApplicantProfile]:
    ids = applicant_principals(request.user)
    return list(ApplicantProfile.objects.filter(pk__in=ids).order_by("name"))


def _version_or_404(request: HttpRequest, code: str) -> ServiceItemVersion | HttpResponse:
    version = current_version(code)
    if version is None:
        return _not_found(request, f"没有找到实施编码为 {code} 的现行事项。")
    if not application.can_apply_online(version):
        return _not_found(request, f"“{version.name}”不支持在线申请，请按办事指南到窗口办理。")
    return version


def _no_profile(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/apply/no_profile.html", status=403)


# --- 1. the application form ---------------------------------------------------------------------------------


@login_required
def apply_form(request: HttpRequest, code: str) -> HttpResponse:
    version = _version_or_404(request, code)
    if isinstance(version, HttpResponse):
        return version
    principals = _principals(request)
    if not principals:
        return _no_profile(request)
    draft = _draft(request, code)
    initial = application.initial_from(
        draft.get("form_data") or {}, application.form_fields(version.form_schema)
    )
    if request.method == "POST":
        form = application.ApplicationForm(request.POST, version=version)
        applicant = _chosen_applicant(request, principals, form)
        valid = form.is_valid()
        data = form.form_data()
        form.add_schema_errors(services.form_errors(version.form_schema or {}, data))
        if valid and applicant is not None and not form.errors:
            draft.update(name=version.name, form_data=data, applicant=applicant.pk)
            _save_draft(request, code, draft)
            if "save" in request.POST:
                messages.success(request, f"“{version.name}”的申请草稿已保存，可随时在“我的办件”中继续填写。")
                return redirect("portal:my_cases")
            return redirect("portal:apply_materials", code=code)
    else:
        form = application.ApplicationForm(initial=initial, version=version)
    return render(
        request,
        "portal/apply/form.html",
        {
            "version": version,
            "code": code,
            "form": form,
            "principals": principals,
            "chosen": draft.get("applicant") or principals[0].pk,
            "applicant_error": getattr(form, "applicant_error", ""),
        },
        status=400 if form.errors else 200,
    )


def _chosen_applicant(
    request: HttpRequest, principals: list[ApplicantProfile], form: application.ApplicationForm
) -> ApplicantProfile | None:
    if len(principals) == 1:
        return principals[0]
    chosen = request.POST.get("applicant", "")
    for p in principals:
        if str(p.pk) == chosen:
            return p
    form.applicant_error = "请选择以谁的名义申请"  # type: ignore[attr-defined]
    form.add_error(None, "请选择以谁的名义申请")
    return None


# --- 2. materials --------------------------------------------------------------------------------------------


def _material_rows(
    version: ServiceItemVersion,
    draft: dict[str, Any],
    applicant: ApplicantProfile | None,
    errors: dict[str, str],
) -> list[dict[str, Any]]:
    files = draft.get("files") or {}
    references = draft.get("references") or {}
    rows = []
    for req in version.materials.order_by("order", "pk"):
        exempt = application.is_exempt(req)
        rows.append(
            {
                "requirement": req,
                "exempt": exempt,
                "resolved": exempt and bool(resolve_material(applicant, req)),
                "file": files.get(str(req.pk)),
                "reference": references.get(str(req.pk), ""),
                "error": errors.get(str(req.pk), ""),
                "field": f"material-{req.pk}",
            }
        )
    return rows


@login_required
def apply_materials(request: HttpRequest, code: str) -> HttpResponse:
    version = _version_or_404(request, code)
    if isinstance(version, HttpResponse):
        return version
    draft = _draft(request, code)
    if "form_data" not in draft:
        return redirect("portal:apply", code=code)
    applicant = ApplicantProfile.objects.filter(pk=draft.get("applicant")).first()
    errors: dict[str, str] = {}
    if request.method == "POST":
        files = dict(draft.get("files") or {})
        references = dict(draft.get("references") or {})
        for req in version.materials.order_by("order", "pk"):
            key = str(req.pk)
            upload = request.FILES.get(f"material-{req.pk}")
            if upload is not None:
                try:
                    files[key] = application.store_draft_file(req, upload)
                except ValidationError as exc:
                    errors[key] = " ".join(exc.messages)
            if f"remove-{req.pk}" in request.POST:
                files.pop(key, None)
            if application.is_exempt(req):
                references[key] = request.POST.get(f"reference-{req.pk}", "").strip()[:200]
        draft.update(files=files, references=references)
        _save_draft(request, code, draft)
        if not errors and "save" in request.POST:
            messages.success(request, f"“{version.name}”的申请草稿已保存，可随时在“我的办件”中继续填写。")
            return redirect("portal:my_cases")
        if not errors:
            missing = _missing(version, draft, applicant)
            if not missing:
                return redirect("portal:apply_check", code=code)
            errors.update(missing)
    rows = _material_rows(version, draft, applicant, errors)
    return render(
        request,
        "portal/apply/materials.html",
        {"version": version, "code": code, "rows": rows, "errors": [r for r in rows if r["error"]]},
        status=400 if errors else 200,
    )


def _missing(
    version: ServiceItemVersion, draft: dict[str, Any], applicant: ApplicantProfile | None
) -> dict[str, str]:
    files = draft.get("files") or {}
    references = draft.get("references") or {}
    missing = {}
    for req in version.materials.filter(required=True).order_by("order", "pk"):
        key = str(req.pk)
        if files.get(key):
            continue
        if application.is_exempt(req) and (references.get(key) or resolve_material(applicant, req)):
            continue
        if application.is_exempt(req):
            missing[key] = f"未能自动调取“{req.name}”，请填写证照编号或数据标识，或上传文件"
        else:
            missing[key] = f"请上传“{req.name}”"
    return missing


def _uploads(version: ServiceItemVersion, draft: dict[str, Any]) -> list[MaterialUpload]:
    uploads = application.uploads_for(version, draft)
    given = {u.requirement.pk for u in uploads}
    for req in version.materials.order_by("order", "pk"):
        reference = (draft.get("references") or {}).get(str(req.pk), "")
        if reference and req.pk not in given and application.is_exempt(req):
            uploads.append(MaterialUpload(req, reference=reference))
    return uploads


# --- 3. check your answers, submit -----------------------------------------------------------------------------


@login_required
def apply_check(request: HttpRequest, code: str) -> HttpResponse:
    version = _version_or_404(request, code)
    if isinstance(version, HttpResponse):
        return version
    draft = _draft(request, code)
    if "form_data" not in draft:
        return redirect("portal:apply", code=code)
    principals = {p.pk: p for p in _principals(request)}
    applicant = principals.get(draft.get("applicant"))  # type: ignore[arg-type]
    if applicant is None:
        return redirect("portal:apply", code=code)
    errors: list[str] = []
    if request.method == "POST":
        try:
            case = services.case_submit(
                item_version=version,
                applicant=applicant,
                submitted_by=request.user,
                channel=application.online_channel(version),
                form_data=draft["form_data"],
                uploads=_uploads(version, draft),
                agent=None if applicant.user_id == request.user.pk else request.user,
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            application.discard_draft_files(draft)
            request.session.pop(_draft_key(code), None)
            return redirect("portal:apply_done", number=case.number)
    rows = _material_rows(version, draft, applicant, {})
    return render(
        request,
        "portal/apply/check.html",
        {
            "version": version,
            "code": code,
            "applicant": applicant,
            "answers": application.answers(draft["form_data"], version.form_schema or {}),
            "rows": rows,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def apply_discard(request: HttpRequest, code: str) -> HttpResponse:
    draft = request.session.pop(_draft_key(code), None)
    if draft:
        application.discard_draft_files(draft)
        messages.success(request, "申请草稿已删除。")
    return redirect("portal:my_cases")


@login_required
def apply_done(request: HttpRequest, number: str) -> HttpResponse:
    case = case_detail(user=request.user, number=number)
    return render(request, "portal/apply/done.html", {"case": case})


# --- my cases ------------------------------------------------------------------------------------------------


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    page = Paginator(case_list(user=request.user).filter(_mine(request)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/my/cases.html", {"page": page, "drafts": _drafts(request)})


def _mine(request: HttpRequest) -> Any:
    from django.db.models import Q

    # Staff also see cases of their scope through case_list; "my cases" is the applicant's view only.
    return Q(submitted_by=request.user) | Q(applicant_id__in=applicant_principals(request.user))


def _my_case(request: HttpRequest, number: str) -> Case:
    case = case_detail(user=request.user, number=number)
    if case.submitted_by_id != request.user.pk and case.applicant_id not in applicant_principals(
        request.user
    ):
        raise Http404("未找到该办件。")
    return case


# The role recorded when a staff member reads, in "my cases", a case they submitted for someone else.
SUBMITTER_ROLE = "submitter"


def _read_for_someone_else(request: HttpRequest, case: Case) -> bool:
    """Whether the reader only submitted ``case`` (a window clerk for a walk-in applicant) and is neither the
    applicant nor their agent: such reads of the full record are audit-logged like the workbench's."""
    if case.applicant.user_id == request.user.pk:
        return False
    return case.applicant_id not in applicant_principals(request.user)


def _supplement_request(case: Case) -> dict[str, Any] | None:
    if case.status != CaseStatus.PENDING_SUPPLEMENT:
        return None
    event = next((e for e in reversed(case.events.all()) if e.action == CaseAction.REQUEST_SUPPLEMENT), None)
    if event is None:
        return None
    ids = [i.get("material_requirement_id") for i in event.data.get("items", [])]
    requirements = {r.pk: r for r in MaterialRequirement.objects.filter(pk__in=ids)}
    items = [
        {
            "requirement": requirements.get(i.get("material_requirement_id")),
            "name": i.get("name"),
            "problem": i.get("problem"),
        }
        for i in event.data.get("items", [])
    ]
    return {"event": event, "items": items, "deadline": supplement_deadline(event)}


@login_required
def my_case(request: HttpRequest, number: str) -> HttpResponse:
    case = _my_case(request, number)
    if _read_for_someone_else(request, case):
        audit_case_read(request, case, roles=[SUBMITTER_ROLE])
    return _render_case(request, case)


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    errors: dict[str, str] | None = None,
    tolerant_errors: dict[int, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    allowed = actions_for(request.user, case)
    events = list(case.events.all())
    tolerant = tolerant_materials(case, events)
    tolerant_forms = []
    if tolerant is not None and case.status in TOLERANT_STATUSES and CaseAction.SUPPLEMENT in allowed:
        # A material the reviewer found deficient is asked for again, with the reviewer's note.
        notes = dict(
            CaseMaterial.objects.filter(
                pk__in=tolerant.delivered_material_ids,
                superseded_by__isnull=True,
                review=CaseMaterial.Review.DEFICIENT,
            ).values_list("requirement_id", "review_note")
        )
        tolerant_forms = [
            {
                "material": m,
                "problem": notes.get(m.requirement_id, ""),
                "errors": (tolerant_errors or {}).get(m.requirement_id, []),
            }
            for m in tolerant.outstanding
        ]
    return render(
        request,
        "portal/my/case.html",
        {
            "case": case,
            "timeline": [event_sentence(e) for e in events],
            "next_steps": next_steps(case),
            "supplement": _supplement_request(case),
            "can_supplement": CaseAction.SUPPLEMENT in allowed,
            "can_withdraw": CaseAction.WITHDRAW in allowed,
            "tolerant": tolerant,
            "tolerant_forms": tolerant_forms,
            "errors": errors or {},
        },
        status=status,
    )


TOLERANT_STATUSES = (CaseStatus.IN_REVIEW, CaseStatus.SUSPENDED)


@login_required
@require_POST
def my_case_tolerant(request: HttpRequest, number: str) -> HttpResponse:
    """容缺受理: the applicant (or their agent) hands in one outstanding 容缺 material while the case is in
    review or in a special procedure (``case_supplement`` records it without a status change)."""
    case = _my_case(request, number)
    tolerant = tolerant_materials(case)
    outstanding = {m.requirement_id: m for m in tolerant.outstanding} if tolerant is not None else {}
    if case.status not in TOLERANT_STATUSES or not outstanding:
        messages.error(request, "该办件目前没有需要补交的容缺材料。")
        return redirect("portal:my_case", number=number)
    chosen = request.POST.get("requirement", "")
    pk = int(chosen) if chosen.isdigit() else None
    requirement = MaterialRequirement.objects.filter(pk=pk, version=case.item_version_id).first()
    if requirement is None or pk not in outstanding:
        messages.error(request, "请选择需要补交的容缺材料。")
        return redirect("portal:my_case", number=number)
    upload = request.FILES.get("material")
    field_errors: list[str] = []
    if upload is None:
        field_errors = [f"请选择“{requirement.name}”的文件"]
    else:
        try:
            services.case_supplement(
                case=case, actor=request.user, uploads=[MaterialUpload(requirement, upload)]
            )
        except services.CaseConflict as exc:
            messages.error(request, exc.message)
            return redirect("portal:my_case", number=number)
        except ValidationError as exc:
            field_errors = exc.messages
    if field_errors:
        summary = {f"tolerant-material-{pk}": " ".join(field_errors)}
        return _render_case(request, case, errors=summary, tolerant_errors={pk: field_errors}, status=400)
    done = tolerant_materials(case)
    if done is not None and done.completed:
        messages.success(request, f"“{requirement.name}”已提交，容缺材料已补齐，部门继续审查。")
    else:
        messages.success(request, f"“{requirement.name}”已提交，部门将审核。")
    return redirect("portal:my_case", number=number)


@login_required
@require_POST
def my_case_supplement(request: HttpRequest, number: str) -> HttpResponse:
    case = _my_case(request, number)
    supplement = _supplement_request(case)
    if supplement is None:
        messages.error(request, "该办件目前不需要补正材料。")
        return redirect("portal:my_case", number=number)
    uploads = []
    for item in supplement["items"]:
        req = item["requirement"]
        if req is not None and (f := request.FILES.get(f"material-{req.pk}")) is not None:
            uploads.append(MaterialUpload(req, f))
    errors: dict[str, str] = {}
    if not uploads:
        errors["uploads"] = "请上传需要补正的材料"
    else:
        try:
            services.case_supplement(case=case, actor=request.user, uploads=uploads)
        except services.CaseConflict as exc:
            messages.error(request, exc.message)
            return redirect("portal:my_case", number=number)
        except ValidationError as exc:
            errors["uploads"] = " ".join(exc.messages)
    if errors:
        return _render_case(request, case, errors=errors, status=400)
    messages.success(request, "补正材料已提交，部门将重新审核，受理期限从今天起重新计算。")
    return redirect("portal:my_case", number=number)


@login_required
def my_case_withdraw(request: HttpRequest, number: str) -> HttpResponse:
    case = _my_case(request, number)
    if CaseAction.WITHDRAW not in actions_for(request.user, case):
        messages.error(request, f"办件状态为“{case.get_status_display()}”，不能撤回。")
        return redirect("portal:my_case", number=number)
    if request.method == "POST":
        try:
            services.case_withdraw(case=case, actor=request.user, reason=request.POST.get("reason", ""))
        except services.CaseConflict as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "申请已撤回。")
        return redirect("portal:my_case", number=number)
    return render(request, "portal/my/withdraw.html", {"case": case})


@login_required
def my_case_notice(request: HttpRequest, number: str, notice_uuid: uuid.UUID) -> HttpResponse:
    case = _my_case(request, number)
    notice: Notice = notice_for(user=request.user, number=number, notice_uuid=notice_uuid)
    if _read_for_someone_else(request, case):
        audit_notice_download(request, notice, roles=[SUBMITTER_ROLE])
    return notice_file_response(notice, as_attachment="preview" not in request.GET)


@login_required
def my_case_material(request: HttpRequest, number: str, material_uuid: uuid.UUID) -> HttpResponse:
    case = _my_case(request, number)
    material = (
        CaseMaterial.objects.filter(case=case, uuid=material_uuid).select_related("requirement").first()
    )
    if material is None:
        raise Http404("未找到该材料。")
    if _read_for_someone_else(request, case):
        audit_material_download(request, material, roles=[SUBMITTER_ROLE])
    return material_file_response(material)


def apply_url(code: str) -> str:
    return reverse("portal:apply", args=[code])
