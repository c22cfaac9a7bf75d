"""流转: moving a case in review from one process step (办理环节) to the next (docs/workflow.md "环节").

The item's steps (受理 → 审查 → 决定 → 制证 → 送达 …) drive who handles a case: the current step names a
role and a department (the step's own, else the case's), and only staff holding that role for that
department may forward the case. Entering a step sets ``step_due_date`` from the step's own time
allocation (working or natural days) and clears ``step_alerted_on`` (one overdue alert per step, tick
``cases.step_overdue``).

``forward`` is a recorded event outside the glossary's status machine (like ``deemed_accept``): the
status stays 审查中 and the legal clock does not see it. It never goes past the 决定 step: the decision
itself is ``approve`` / ``deny``, which then move the case to 制证.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from haoban.accounts.access import has_role
from haoban.domain.workflow import CaseStatus
from haoban.organization.models import Department

from ..models import Case
from .base import (
    CaseConflict,
    case_steps,
    last_forward_step,
    lock_case,
    move_to_step,
    raise_errors,
    recorded_event,
    step_department_id,
)


class StepAction(StrEnum):
    """The recorded event kinds of the process steps (not glossary actions: the status does not change)."""

    FORWARD = "forward"

    @property
    def label(self) -> str:
        return "流转"


FORWARD = StepAction.FORWARD.value
NOTE_MAX_LENGTH = 500


def case_forward(
    *,
    case: Case,
    actor: AbstractBaseUser,
    note: str = "",
    at: dt.datetime | None = None,
    expected_step: str = "",
) -> Case:
    """提交下一环节: the case in review moves from its current step to the next one of its item version.

    CaseConflict (409, nothing written) when the case is not 审查中, has no current step, is already at the
    last step before the decision, or is no longer in ``expected_step`` (the step the caller saw: two
    people forwarding the same case at once move it one step, not two); ValidationError when the actor does not hold the current step's
    role for its department, or the note is too long.
    """
    note = (note or "").strip()
    with transaction.atomic():
        locked = lock_case(case)
        status = CaseStatus(locked.status)
        if status is not CaseStatus.IN_REVIEW:
            raise CaseConflict(f"办件状态为“{status.label}”，不能流转；只有审查中的办件可以提交下一环节")
        steps = case_steps(locked)
        current = next((s for s in steps if s.pk == locked.current_step_id), None)
        if current is None:
            raise CaseConflict("办件当前不在任何办理环节，不能流转")
        if expected_step and expected_step != current.name:
            raise CaseConflict(f"办件已流转至“{current.name}”环节，请刷新后再办理")
        last = last_forward_step(steps)
        index = steps.index(current)
        if last is None or index >= steps.index(last):
            raise CaseConflict(
                f"当前环节“{current.name}”是作出决定前的最后一个环节，不能再流转；请作出准予或不予许可决定"
            )
        department = Department.objects.get(pk=step_department_id(locked, current))
        if not has_role(actor, current.role, department=department):
            raise_errors(
                {
                    "actor": [
                        f"“{current.name}”环节由{department.name}的{current.get_role_display()}办理，"
                        "您不能提交下一环节"
                    ]
                }
            )
        if len(note) > NOTE_MAX_LENGTH:
            raise_errors({"note": [f"流转说明不能超过 {NOTE_MAX_LENGTH} 字"]})
        target = steps[index + 1]
        t = recorded_event(locked, FORWARD, to_status=CaseStatus.IN_REVIEW, at=at)
        move_to_step(t, target)
        # The note is an internal working remark (e.g. 审查意见 before the decision): kept in ``data``, which
        # the applicant's views do not show, not in ``reason``.
        t.finish(
            actor=actor,
            data={
                "from_step": {"id": current.pk, "name": current.name},
                "to_step": {"id": target.pk, "name": target.name},
                "step_due_date": t.case.step_due_date.isoformat(),  # type: ignore[union-attr]
                "note": note,
            },
        )
    return t.case
