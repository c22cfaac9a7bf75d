"""Audit-log entries for staff reads of a case's full record (architecture.md, security model).

The workbench and the API call these after the access check passed and before the content leaves; an
applicant (or their agent) reading their own case is not logged. See ``haoban.core.audit``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from haoban.core.audit import AuditAction, audit_staff_read

from .models import Case, CaseMaterial, DeliverySignature, Notice


def audit_case_read(request: HttpRequest, case: Case, *, roles: Iterable[str]) -> None:
    audit_staff_read(
        request, action=AuditAction.CASE_READ, roles=roles, object_type="cases.Case", object_id=case.number
    )


def audit_notice_download(request: HttpRequest, notice: Notice, *, roles: Iterable[str]) -> None:
    audit_staff_read(
        request,
        action=AuditAction.NOTICE_DOWNLOAD,
        roles=roles,
        object_type="cases.Notice",
        object_id=str(notice.uuid),
        details={"case": notice.case.number, "kind": notice.kind},
    )


def audit_material_download(request: HttpRequest, material: CaseMaterial, *, roles: Iterable[str]) -> None:
    audit_staff_read(
        request,
        action=AuditAction.MATERIAL_DOWNLOAD,
        roles=roles,
        object_type="cases.CaseMaterial",
        object_id=str(material.uuid),
        details={"case": material.case.number, "requirement_id": material.requirement_id},
    )


def audit_signature_download(
    request: HttpRequest, signature: DeliverySignature, *, roles: Iterable[str]
) -> None:
    audit_staff_read(
        request,
        action=AuditAction.SIGNATURE_DOWNLOAD,
        roles=roles,
        object_type="cases.DeliverySignature",
        object_id=str(signature.uuid),
        details={"case": signature.case.number},
    )
