"""审核容缺材料: a reviewer marks a 容缺 material handed in during the review 合格 (accepted) or 需补正
(deficient). Not a transition (the status and the clock do not change, no event); the review is written
to the material and to the audit log. A material found deficient is outstanding again: the applicant sees
the upload form again, and the promised date (and its overdue alert) applies again until a new file
arrives."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from haoban.core.audit import audit_record
from haoban.domain.workflow import CaseStatus

from ..models import Case, CaseMaterial
from ..tolerant import tolerant_materials
from .base import CaseConflict, Errors, add_error, raise_errors

MATERIAL_REVIEWS = {
    CaseMaterial.Review.ACCEPTED.value: "合格",
    CaseMaterial.Review.DEFICIENT.value: "需补正",
}
MATERIAL_REVIEW_AUDIT = "material.review"


def case_material_review(
    *, case: Case, material: CaseMaterial, actor: Any, review: str, note: str = ""
) -> Case:
    """Record the review of ``material`` (a 容缺 material delivered since the acceptance); returns the case."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status not in (CaseStatus.IN_REVIEW, CaseStatus.SUSPENDED):
            raise CaseConflict(f"办件状态为“{locked.get_status_display()}”，不能审核容缺材料")
        row = (
            CaseMaterial.objects.select_for_update()
            .select_related("requirement")
            .filter(pk=material.pk, case=locked, superseded_by__isnull=True)
            .first()
        )
        tolerant = tolerant_materials(locked)
        errors: Errors = {}
        if row is None or tolerant is None or row.pk not in tolerant.delivered_material_ids:
            add_error(errors, "material", "只能审核本办件容缺受理后补交的现行容缺材料")
        if review not in MATERIAL_REVIEWS:
            add_error(errors, "review", "审核结果只能是 accepted（合格）或 deficient（需补正）")
        note = (note or "").strip()
        if review == CaseMaterial.Review.DEFICIENT and not note:
            add_error(errors, "note", "请写明需要补正的内容（申请人将看到）")
        if len(note) > 300:
            add_error(errors, "note", "审核意见不能超过 300 字")
        raise_errors(errors)
        assert row is not None and tolerant is not None
        row.review, row.review_note = review, note
        row.save(update_fields=["review", "review_note", "updated_at"])
        after = tolerant_materials(locked)
        assert after is not None
        due = None if after.completed else after.due_date
        if due != locked.tolerant_due_date:
            # Outstanding again: the promised date applies again and may be alerted once more.
            locked.tolerant_due_date, locked.tolerant_alerted_on = due, None
            locked.save(update_fields=["tolerant_due_date", "tolerant_alerted_on", "updated_at"])
        audit_record(
            action=MATERIAL_REVIEW_AUDIT,
            actor=actor,
            object_type="case_material",
            object_id=str(row.uuid),
            details={"case": locked.number, "requirement": row.requirement.name, "review": review},
        )
    return locked
