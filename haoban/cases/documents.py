"""Written notices of a case (文书): issued from the outbox after the transition that calls for one commits.

``haoban.cases.services`` enqueues ``cases.notice`` with ``{"event_id": <CaseEvent id>, "kind": <Notice.Kind>}``
for 受理 (also 视为受理), 不予受理, 一次性告知补正, 延期, 特别程序, 准予 and 不予许可. :func:`issue_notice`
builds the :class:`~haoban.core.notices.NoticeContent` from the case and the event, renders the PDF
(``haoban.core.notices``, with the wording the 《行政许可法》 requires: Art. 32, 38, 42, 45), seals it
(SM3 digest + detached SM2withSM3 signature, GB/T 38540), stores it under
``<private dir>/notices/<case number>/<notice uuid>.pdf`` (never served statically; see
``haoban.cases.materials.private_dir``) and records the :class:`~haoban.cases.models.Notice`.

**Idempotent.** Delivery is at least once: the event row is locked and an existing notice of the same
(event, kind) is returned instead of issuing a second one, so a redelivered message changes nothing.

**文号 (document number).** ``<机关代字><种类字>〔<year>〕<n>号``, e.g. ``市市场监管局受〔2026〕15号``:

- 机关代字 = the department's ``short_name`` (its ``name`` when it has none), as on its paper documents;
- 种类字: 受 acceptance, 不受 refusal, 补 supplement, 延 extension, 特 special procedure, 准 approval,
  不许 denial;
- ``n`` counts from 1 per 机关代字, kind and year of issue. The next number is taken under a row lock on
  the department (SQLite serialises writers anyway), counting the numbers already issued with that prefix,
  so two departments that share a short name share the sequence instead of colliding; ``Notice.
  document_number`` is unique in the database as the last guard.

**What the event must carry** (``CaseEvent.reason``, ``amount`` and ``data``; dates as ISO strings). Values
in ``data`` win over the case's current fields, so a notice redelivered later still shows the dates of its
event:

- acceptance (also 视为受理): the case's ``accepted_on``, ``legal_due_date``, ``promised_due_date`` (or
  ``data`` keys of the same names); 容缺受理: ``data["deficient_materials"]`` and ``data["tolerant_due_date"]``
  (else the case's ``tolerant_due_date``).
- refusal: ``reason``; optional ``data["competent_office"]`` (Art. 32: name the competent office when the
  matter lies outside this office's powers).
- supplement: ``data["items"]`` (or ``materials``), else the case's materials marked
  ``deficient`` with their review notes; ``data["supplement_deadline"]``, else ``HAOBAN_SUPPLEMENT_WORKDAYS``
  (default 10) working days after the notice.
- extension: ``reason``, ``amount`` (working days), ``data["new_legal_due_date"]`` or the case's legal due
  date.
- special procedure: ``data["procedure"]`` (a key of ``SPECIAL_PROCEDURES``), ``data["expected_days"]``
  (or ``amount``) and ``data["expected_days_unit"]``; optional ``reason`` as its basis.
- approval: optional ``data["decision"]`` (default 准予行政许可, or 准予行政许可（告知承诺） on a commitment
  basis), ``data["result_number"]``; the result name is the item version's.
- denial: ``data["reasons"]`` (a list), else ``reason`` split into lines.

A material is given as ``{"material_requirement_id": …, "name": …, "problem": …}`` (name or id may be
missing) or a bare requirement id (the problem then reads 请补正该材料, or for 容缺 the promise to deliver). Review body and court are left generic (依法申请行政复议 …)
until departments record theirs.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import secrets
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.utils import timezone

from haoban.calendars.selectors import get_work_calendar
from haoban.cases.materials import private_path
from haoban.cases.models import Case, CaseEvent, CaseMaterial, Notice
from haoban.catalog.models import MaterialRequirement
from haoban.core.models import OutboxMessage
from haoban.core.notices import MaterialDefect, NoticeContent, render_notice_pdf, sign_notice
from haoban.core.outbox import register_handler
from haoban.organization.models import Department

NOTICE_TOPIC = "cases.notice"
DEFAULT_SUPPLEMENT_WORKDAYS = 10
SUPPLEMENT_PROBLEM = "请补正该材料"
TOLERANT_PROBLEM = "容缺受理，请于补齐期限内提交"

# 种类字 of the 文号 (see the module docstring).
KIND_CODES: dict[str, str] = {
    Notice.Kind.ACCEPTANCE: "受",
    Notice.Kind.REFUSAL: "不受",
    Notice.Kind.SUPPLEMENT: "补",
    Notice.Kind.EXTENSION: "延",
    Notice.Kind.SPECIAL_PROCEDURE: "特",
    Notice.Kind.APPROVAL: "准",
    Notice.Kind.DENIAL: "不许",
}


@register_handler(NOTICE_TOPIC)
def handle_notice_message(message: OutboxMessage) -> None:
    issue_notice(event_id=int(message.payload["event_id"]), kind=str(message.payload["kind"]))


def verification_url(token: str) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/verify/{token}/"


def issue_notice(*, event_id: int, kind: str) -> Notice:
    """The notice of ``kind`` for the event: issued now, or the one issued on an earlier delivery."""
    if kind not in KIND_CODES:
        raise ValueError(f"未知的文书种类“{kind}”")
    with transaction.atomic():
        # Locking the event serialises two deliveries of the same notice (PostgreSQL; SQLite serialises
        # every writer), so the existence check below cannot race.
        event = (
            CaseEvent.objects.select_for_update(of=("self",))
            .select_related("case__department", "case__item_version", "case__applicant")
            .get(pk=event_id)
        )
        existing = Notice.objects.filter(event=event, kind=kind).first()
        if existing is not None:
            return existing
        case = event.case
        issued_on = timezone.localdate(event.occurred_at)
        document_number = next_document_number(case.department, kind, issued_on.year)
        token = secrets_token()
        content = notice_content(
            case, event, kind, document_number=document_number, issued_on=issued_on, token=token
        )
        pdf = render_notice_pdf(content)
        seal = sign_notice(pdf)
        notice_uuid = uuid.uuid4()
        relative = f"notices/{_directory_name(case)}/{notice_uuid.hex}.pdf"
        path = private_path(relative)
        _write_file(path, pdf)
        try:
            notice = Notice(
                uuid=notice_uuid,
                case=case,
                event=event,
                kind=kind,
                document_number=document_number,
                storage_path=relative,
                sm3=seal.digest,
                signature=base64.b64encode(seal.signature).decode("ascii"),
                key_id=seal.signer_key_id,
                verification_token=token,
                issued_on=issued_on,
            )
            notice.full_clean()
            notice.save()
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    return notice


def secrets_token() -> str:
    """A random verification token (192 bits, URL-safe); the only thing the QR code carries."""
    return secrets.token_urlsafe(24)


def document_prefix(department: Department, kind: str, year: int) -> str:
    agency = (department.short_name or department.name).strip()
    return f"{agency}{KIND_CODES[kind]}〔{year}〕"


def next_document_number(department: Department, kind: str, year: int) -> str:
    """The next 文号 for ``department``, ``kind`` and ``year`` (call inside a transaction)."""
    Department.objects.select_for_update().filter(pk=department.pk).first()
    prefix = document_prefix(department, kind, year)
    issued = Notice.objects.filter(document_number__startswith=prefix).values_list(
        "document_number", flat=True
    )
    numbers = [int(n[len(prefix) : -1]) for n in issued if n.endswith("号") and n[len(prefix) : -1].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}号"


# --- content -------------------------------------------------------------------------------------------------


def notice_content(
    case: Case, event: CaseEvent, kind: str, *, document_number: str, issued_on: dt.date, token: str
) -> NoticeContent:
    """Everything printed on the notice, from the case and its event (see the module docstring)."""
    data: dict[str, Any] = event.data or {}
    common: dict[str, Any] = {
        "kind": kind,
        "document_number": document_number,
        "case_number": case.number,
        "item_name": case.item_version.name,
        "applicant_name": case.applicant.name,
        "department_name": case.department.name,
        "issue_date": issued_on,
        "received_date": received_as_of(event),
        "verification_url": verification_url(token),
    }
    specific: dict[str, Any]
    if kind == Notice.Kind.ACCEPTANCE:
        specific = {
            "accepted_date": _date(data, "accepted_on") or case.accepted_on,
            "legal_due_date": _date(data, "legal_due_date") or case.legal_due_date,
            "promised_due_date": _date(data, "promised_due_date") or case.promised_due_date,
        }
        defects = _defects(case, data.get("deficient_materials") or (), default_problem=TOLERANT_PROBLEM)
        if defects:
            specific["materials"] = defects
            specific["supplement_deadline"] = (
                _date(data, "tolerant_due_date")
                or _date(data, "supplement_deadline")
                or case.tolerant_due_date
            )
    elif kind == Notice.Kind.REFUSAL:
        specific = {
            "refusal_reason": event.reason,
            "competent_office": str(data.get("competent_office") or ""),
        }
    elif kind == Notice.Kind.SUPPLEMENT:
        given = data.get("items") or data.get("materials") or ()
        specific = {
            "materials": _defects(case, given) if given else _deficient_materials(case),
            "supplement_deadline": supplement_deadline(event),
        }
    elif kind == Notice.Kind.EXTENSION:
        specific = {
            "extension_reason": event.reason,
            "extension_days": event.amount if event.amount is not None else _int(data.get("extension_days")),
            "new_due_date": _date(data, "new_legal_due_date")
            or _date(data, "new_due_date")
            or case.legal_due_date,
        }
    elif kind == Notice.Kind.SPECIAL_PROCEDURE:
        specific = {
            "procedure_kind": str(data.get("procedure") or data.get("procedure_kind") or ""),
            "expected_days": _int(data.get("expected_days")) or event.amount,
            "expected_days_unit": str(data.get("expected_days_unit") or "workday"),
            "procedure_basis": event.reason,
        }
    elif kind == Notice.Kind.APPROVAL:
        default = "准予行政许可（告知承诺）" if case.commitment_basis else "准予行政许可"
        specific = {
            "decision": str(data.get("decision") or default),
            "result_name": case.item_version.result_name or "审批结果",
            "result_number": str(data.get("result_number") or ""),
        }
    else:
        reasons = data.get("reasons")
        if not reasons:
            reasons = [line.strip() for line in event.reason.splitlines() if line.strip()]
        specific = {"denial_reasons": [str(r) for r in reasons]}
    return NoticeContent(**common, **specific)


def received_as_of(event: CaseEvent) -> dt.date:
    """When the application was received, as it stood at ``event``: the submission, or the last 补正 of a
    case that was waiting for materials (then the materials were complete only that day, Art. 32).
    ``Case.received_on`` holds the latest value, which a notice issued before a later 补正 must not show."""
    receipts = CaseEvent.objects.filter(case_id=event.case_id, sequence__lte=event.sequence).filter(
        Q(action="submit") | Q(action="supplement", from_status="pending_supplement")
    )
    last = receipts.order_by("-sequence").values_list("occurred_at", flat=True).first()
    return timezone.localdate(last) if last is not None else event.case.received_on


def _date(data: dict[str, Any], key: str) -> dt.date | None:
    value = data.get(key)
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _defects(
    case: Case, given: Iterable[Any], *, default_problem: str = SUPPLEMENT_PROBLEM
) -> list[MaterialDefect]:
    requirements = {r.pk: r for r in MaterialRequirement.objects.filter(version=case.item_version_id)}
    out: list[MaterialDefect] = []
    for entry in given:
        if isinstance(entry, dict):
            pk = _int(entry.get("material_requirement_id", entry.get("requirement_id")))
            name = str(entry.get("name") or "") or (requirements[pk].name if pk in requirements else "")
            problem = str(entry.get("problem") or entry.get("note") or default_problem)
        else:
            requirement = requirements.get(_int(entry) or 0)
            name, problem = (requirement.name if requirement else ""), default_problem
        out.append(MaterialDefect(name, problem))
    return out


def _deficient_materials(case: Case) -> list[MaterialDefect]:
    rows = CaseMaterial.objects.filter(
        case=case, review=CaseMaterial.Review.DEFICIENT, superseded_by__isnull=True
    ).select_related("requirement")
    return [MaterialDefect(m.requirement.name, m.review_note or SUPPLEMENT_PROBLEM) for m in rows]


def supplement_deadline(event: CaseEvent) -> dt.date:
    """By when a 补正 must be delivered: ``data["supplement_deadline"]``, else ``HAOBAN_SUPPLEMENT_WORKDAYS``
    (default 10) working days after the notice. The notice and the applicant's messages both use this."""
    given = _date(event.data or {}, "supplement_deadline")
    if given is not None:
        return given
    days = int(getattr(settings, "HAOBAN_SUPPLEMENT_WORKDAYS", DEFAULT_SUPPLEMENT_WORKDAYS))
    return get_work_calendar().add_workdays(timezone.localdate(event.occurred_at), days).value


# --- files ---------------------------------------------------------------------------------------------------


def _directory_name(case: Case) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in case.number) or "_"


def _write_file(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    partial = path.with_name(path.name + ".part")
    with open(partial, "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(partial, 0o640)
    os.replace(partial, path)


def notice_path(notice: Notice) -> Path:
    """Absolute path of a notice's PDF in the private directory."""
    return private_path(notice.storage_path)


def notice_file_response(notice: Notice, *, as_attachment: bool = True) -> FileResponse:
    """The notice's PDF for the applicant's or staff's pages; access is the caller's job (``access.py``).
    The file name is the kind and 文号 (no personal data); a missing file is a 404."""
    try:
        path = notice_path(notice)
    except ValueError:
        raise Http404("文书文件不存在") from None
    if not path.is_file():
        raise Http404("文书文件不存在")
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=as_attachment,
        filename=f"{notice.get_kind_display()}（{notice.document_number}）.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
