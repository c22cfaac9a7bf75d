"""Builders for case tests, shared by every app: items ready for cases, applicants, staff, and cases driven
through the real services (``haoban.cases.services``) to any status.

Dates matter for the legal clock, so pass ``at=`` (an aware datetime) and pin "now" with ``time_machine``;
:func:`at` makes one in Asia/Shanghai. Uploaded files go to ``settings.HAOBAN_PRIVATE_DIR``: point it at a
temporary directory (the ``private_dir`` fixture of ``haoban/cases/tests/conftest.py`` does).

    version = make_case_version()
    case = submit_case(version=version, at=at(2026, 9, 21))
    case = case_in_status("in_review", version=version, at=at(2026, 9, 21))
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from haoban.accounts.models import ApplicantProfile, User
from haoban.accounts.services import staff_assign
from haoban.accounts.tests.helpers import make_person, make_user
from haoban.cases import services
from haoban.cases.materials import MaterialUpload
from haoban.cases.models import Case
from haoban.catalog.models import MaterialRequirement, ServiceItemVersion
from haoban.catalog.tests.factories import make_department, make_item
from haoban.organization.models import Department

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
_sequence = itertools.count(1)

FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "address"],
    "properties": {
        "name": {"type": "string", "title": "经营者名称", "minLength": 1},
        "address": {"type": "string", "title": "经营场所"},
        "area": {"type": "number", "title": "经营面积", "minimum": 0},
    },
}
FORM_DATA: dict[str, Any] = {"name": "莆田市好味小吃店", "address": "荔城区镇海街道 1 号"}

# Materials: two essential ones (one 电子证照免提交) and one non-essential (容缺-able).
MATERIALS: list[dict[str, Any]] = [
    {"name": "食品经营许可申请书", "required": True, "originals": 1, "copies": 0, "format": "both"},
    {
        "name": "营业执照",
        "required": True,
        "format": "electronic",
        "source": "e_license",
        "source_reference": "营业执照电子证照",
    },
    {"name": "食品安全管理制度文本", "required": False, "originals": 1, "copies": 0, "format": "both"},
]

STEPS: list[dict[str, Any]] = [
    {"name": "受理", "role": "window_clerk", "time_amount": 1, "time_unit": "workday"},
    {"name": "审查", "role": "reviewer", "time_amount": 10, "time_unit": "workday"},
    {"name": "决定", "role": "department_head", "time_amount": 2, "time_unit": "workday"},
    {"name": "制证", "role": "window_clerk", "time_amount": 3, "time_unit": "workday"},
    {"name": "送达", "role": "window_clerk", "time_amount": 2, "time_unit": "workday"},
]


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """An aware datetime in Asia/Shanghai."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def make_case_version(
    *, department: Department | None = None, tags: Sequence[str] = ("once", "online"), **overrides: Any
) -> ServiceItemVersion:
    """A published item (20 working days legal, 5 promised, +10 once) with a form, three materials
    (two essential), the five steps 受理 → 审查 → 决定 → 制证 → 送达, all four channels."""
    content: dict[str, Any] = {
        "form_schema": FORM_SCHEMA,
        "materials": MATERIALS,
        "steps": STEPS,
        "channels": ["pc", "mobile", "kiosk", "window"],
        "service_tags": list(tags),
        "legal_limit_amount": 20,
        "promised_limit_amount": 5,
    }
    content.update(overrides)
    return make_item(department=department, **content)


def requirement(version: ServiceItemVersion, name: str) -> MaterialRequirement:
    return MaterialRequirement.objects.get(version=version, name=name)


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def complete_uploads(version: ServiceItemVersion) -> list[MaterialUpload]:
    """Uploads satisfying every essential material: a PDF, or a licence reference for 免提交 ones."""
    uploads = []
    for req in MaterialRequirement.objects.filter(version=version, required=True).order_by("order", "pk"):
        if req.source == MaterialRequirement.Source.APPLICANT:
            uploads.append(MaterialUpload(req, pdf(f"{req.name}.pdf")))
        else:
            uploads.append(MaterialUpload(req, reference=f"1.2.156.3005.2.TEST.{next(_sequence)}.001.X"))
    return uploads


def make_applicant(name: str = "林晓梅") -> ApplicantProfile:
    return make_person(name=name)


def make_staff(role: str, department: Department | None = None, username: str | None = None) -> User:
    """A staff account holding ``role`` for ``department`` (no department: only roles allowed without)."""
    user = make_user(username or f"{role}{next(_sequence)}", display_name=f"{role}工作人员")
    staff_assign(user=user, role=role, departments=[department] if department is not None else [])
    return user


def submit_case(
    *,
    version: ServiceItemVersion | None = None,
    applicant: ApplicantProfile | None = None,
    at: dt.datetime | None = None,
    channel: str = "pc",
    form_data: dict[str, Any] | None = None,
    uploads: Sequence[MaterialUpload] | None = None,
    **kwargs: Any,
) -> Case:
    """A case submitted by the applicant through the real service, with complete materials."""
    version = version or make_case_version()
    applicant = applicant or make_applicant()
    return services.case_submit(
        item_version=version,
        applicant=applicant,
        submitted_by=kwargs.pop("submitted_by", applicant.user),
        channel=channel,
        form_data=dict(FORM_DATA) if form_data is None else form_data,
        uploads=complete_uploads(version) if uploads is None else uploads,
        at=at,
        **kwargs,
    )


# The path of the happy flow; each entry is (status reached, how to get there from the previous one).
def _clerk(case: Case) -> User:
    return make_staff("window_clerk", case.department)


def accept(case: Case, at: dt.datetime | None = None) -> Case:
    return services.case_accept(case=case, actor=_clerk(case), at=at)


def approve(case: Case, at: dt.datetime | None = None) -> Case:
    return services.case_approve(case=case, actor=make_staff("department_head", case.department), at=at)


def issue(case: Case, at: dt.datetime | None = None) -> Case:
    return services.case_issue(case=case, actor=_clerk(case), at=at)


def deliver(case: Case, at: dt.datetime | None = None) -> Case:
    return services.case_deliver(case=case, actor=_clerk(case), at=at, method="electronic")


def case_in_status(
    status: str, *, at: dt.datetime | None = None, version: ServiceItemVersion | None = None, **kwargs: Any
) -> Case:
    """A case brought to ``status`` through the services, every event at ``at`` (or now).

    Supports submitted, pending_supplement, refused, in_review, suspended, approved, denied, issued,
    delivered, completed, withdrawn.
    """
    case = submit_case(version=version, at=at, **kwargs)
    if status == "submitted":
        return case
    clerk = _clerk(case)
    if status == "pending_supplement":
        req = requirement(case.item_version, "食品经营许可申请书")
        return services.case_request_supplement(
            case=case, actor=clerk, at=at, items=[services.SupplementItem(req.pk, "申请书未签字")]
        )
    if status == "refused":
        return services.case_refuse(case=case, actor=clerk, at=at, reason="不属于本机关职权范围")
    if status == "withdrawn":
        return services.case_withdraw(case=case, actor=case.applicant.user, at=at, reason="不再经营")
    case = accept(case, at)
    if status == "in_review":
        return case
    if status == "suspended":
        return services.case_suspend(
            case=case, actor=clerk, at=at, procedure="inspection", reason="现场核查", expected_days=5
        )
    if status == "denied":
        return services.case_deny(case=case, actor=clerk, at=at, reason="经营场所不符合要求")
    case = approve(case, at)
    if status == "approved":
        return case
    case = issue(case, at)
    if status == "issued":
        return case
    case = deliver(case, at)
    if status == "delivered":
        return case
    if status == "completed":
        return services.case_complete(case=case, actor=clerk, at=at)
    raise ValueError(f"unknown status {status}")


__all__ = [
    "FORM_DATA",
    "FORM_SCHEMA",
    "PDF_BYTES",
    "SHANGHAI",
    "accept",
    "approve",
    "at",
    "case_in_status",
    "complete_uploads",
    "deliver",
    "issue",
    "make_applicant",
    "make_case_version",
    "make_department",
    "make_staff",
    "outbox_mark",
    "outbox_since",
    "pdf",
    "requirement",
    "snapshot",
    "submit_case",
]


def snapshot(case: Case) -> dict[str, Any]:
    """Everything a refused action must leave unchanged: the case's status and clock, its events, notices
    and materials, the 否定报备 register, post-verification tasks and the outbox."""
    from haoban.cases.models import CaseEvent, CaseMaterial, NegativeDecision, PostVerificationTask
    from haoban.core.models import OutboxMessage

    fresh = Case.objects.get(pk=case.pk)
    fields = [
        "status",
        "received_on",
        "acceptance_due_date",
        "accepted_on",
        "decided_on",
        "completed_on",
        "legal_due_date",
        "promised_due_date",
        "certificate_due_date",
        "remaining_workdays",
        "light",
        "clock_paused",
        "extensions_used",
        "tolerant_due_date",
        "current_step_id",
        "step_due_date",
        "updated_at",
    ]
    return {
        **{f: getattr(fresh, f) for f in fields},
        "events": list(CaseEvent.objects.filter(case=case).values_list("sequence", "action")),
        "materials": CaseMaterial.objects.filter(case=case).count(),
        "negative": NegativeDecision.objects.filter(case=case).count(),
        "tasks": PostVerificationTask.objects.filter(case=case).count(),
        "outbox": OutboxMessage.objects.count(),
    }


def outbox_since(mark: int) -> list[tuple[str, dict[str, Any]]]:
    """Outbox messages with an id above ``mark`` as (topic, payload), oldest first."""
    from haoban.core.models import OutboxMessage

    return [(m.topic, m.payload) for m in OutboxMessage.objects.filter(pk__gt=mark).order_by("pk")]


def outbox_mark() -> int:
    from haoban.core.models import OutboxMessage

    last = OutboxMessage.objects.order_by("-pk").first()
    return last.pk if last is not None else 0


def signature_png(width: int = 240, height: int = 80) -> bytes:
    """A real PNG (Pillow) as the signature pad would post it: a dark stroke on a white background."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).line([(10, height - 20), (width // 2, 15), (width - 10, height - 25)], "black", 3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
