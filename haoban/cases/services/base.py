"""What every case write shares: the errors, the row lock, ``at`` validation, the event, the outbox.

The order of a transition (architecture.md "One write path"): lock the case (``select_for_update``) →
``domain.workflow.next_status`` decides → business rules → recompute the clock from all events, the new
one included (``domain.case_clock``) → ``save(update_fields=…)`` → insert the append-only
:class:`~haoban.cases.models.CaseEvent` → enqueue side effects in the outbox, all in one transaction. Any
error before the save leaves nothing written.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from haoban.accounts.access import applicant_principals
from haoban.accounts.models import StaffAssignment, StaffRole
from haoban.calendars.selectors import get_work_calendar
from haoban.catalog.models import ProcessStep
from haoban.core.outbox import outbox_enqueue
from haoban.domain.case_clock import CaseClockError
from haoban.domain.workflow import CaseAction, CaseStatus, TransitionNotAllowed, next_status

from ..models import Case, CaseEvent, Notice
from .clock import CLOCK_FIELDS, apply_clock, clock_for

NOTICE_TOPIC = "cases.notice"
NOTIFY_TOPIC = "cases.notify"
DEEMED_ACCEPT = "deemed_accept"

# Events that produce a written notice (文书), and its kind (glossary.md "Documents").
NOTICE_KINDS: dict[str, str] = {
    CaseAction.ACCEPT: Notice.Kind.ACCEPTANCE,
    DEEMED_ACCEPT: Notice.Kind.ACCEPTANCE,
    CaseAction.REFUSE: Notice.Kind.REFUSAL,
    CaseAction.REQUEST_SUPPLEMENT: Notice.Kind.SUPPLEMENT,
    CaseAction.EXTEND: Notice.Kind.EXTENSION,
    CaseAction.SUSPEND: Notice.Kind.SPECIAL_PROCEDURE,
    CaseAction.APPROVE: Notice.Kind.APPROVAL,
    CaseAction.DENY: Notice.Kind.DENIAL,
}

# The role recorded on an event for a staff actor holding several roles: the first one held.
_STAFF_ROLE_ORDER = [
    StaffRole.WINDOW_CLERK,
    StaffRole.REVIEWER,
    StaffRole.DEPARTMENT_HEAD,
    StaffRole.CENTER_ADMIN,
    StaffRole.SYSTEM_ADMIN,
]


class CaseServiceError(Exception):
    """Base of the case services' business errors (besides ``ValidationError`` for bad input)."""

    code = "case_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CaseConflict(CaseServiceError):
    """The action is not possible in the case's current state (HTTP 409); nothing was written."""

    code = "conflict"


Errors = dict[str, list[str]]

_integration_client: contextvars.ContextVar[str] = contextvars.ContextVar("integration_client", default="")


def current_integration_client() -> str:
    return _integration_client.get()


@contextlib.contextmanager
def recorded_by_integration(client_id: str) -> Iterator[None]:
    """Events written inside this block carry ``integration_client=client_id`` (回流办件 pushed by a
    department system), so the event row is complete when inserted and never updated afterwards."""
    token = _integration_client.set(client_id)
    try:
        yield
    finally:
        _integration_client.reset(token)


def add_error(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def raise_errors(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def validate_at(at: dt.datetime | None, previous: CaseEvent | None, *, now: dt.datetime) -> dt.datetime:
    """When the event happened: now, or ``at`` for back-office recording and integration clients
    (architecture.md: not in the future, not before the previous event)."""
    if at is None:
        return now
    if timezone.is_naive(at):
        raise ValidationError({"at": ["发生时间须带时区"]})
    if at > now:
        raise ValidationError({"at": ["发生时间不能晚于当前时间"]})
    if previous is not None and at < previous.occurred_at:
        shown = timezone.localtime(previous.occurred_at).strftime("%Y-%m-%d %H:%M:%S")
        raise ValidationError(
            {"at": [f"发生时间不能早于上一事件（{previous.get_action_display()}，{shown}）"]}
        )
    return at


def actor_role(case: Case, actor: AbstractBaseUser | None, *, on: dt.date) -> str:
    """The capacity the actor acted in: system, applicant, agent or their staff role."""
    if actor is None:
        return "system"
    if actor.pk == case.applicant.user_id:
        return "applicant"
    if case.applicant_id in applicant_principals(actor, on=on):
        return "agent"
    held = set(StaffAssignment.objects.filter(user=actor, active=True).values_list("role", flat=True))
    for role in _STAFF_ROLE_ORDER:
        if role in held:
            return str(role)
    if getattr(actor, "is_superuser", False):
        return str(StaffRole.SYSTEM_ADMIN)
    return sorted(held)[0] if held else "staff"


def enqueue_event_effects(event: CaseEvent) -> None:
    """Outbox messages of an event: its notice (if any), the applicant's notification, and the webhooks of
    the department's systems (回流, seed Art. 29) — whoever recorded the event."""
    from haoban.integration.webhooks import enqueue_case_webhooks  # the integration app builds on cases

    kind = NOTICE_KINDS.get(event.action)
    if kind is not None:
        outbox_enqueue(topic=NOTICE_TOPIC, payload={"event_id": event.pk, "kind": str(kind)})
    # Every event is on the applicant's timeline, so every one is notified.
    outbox_enqueue(topic=NOTIFY_TOPIC, payload={"event_id": event.pk})
    enqueue_case_webhooks(case_event=event)


@dataclass
class Transition:
    """One transition in progress on a locked case."""

    case: Case
    action: str
    from_status: CaseStatus
    to_status: CaseStatus
    occurred_at: dt.datetime
    events: list[CaseEvent]
    fields: set[str] = field(default_factory=set)

    @property
    def day(self) -> dt.date:
        return timezone.localdate(self.occurred_at)

    @property
    def version(self) -> Any:
        return self.case.item_version

    def set(self, **values: Any) -> None:
        """Change fields of the case; they are saved with the clock."""
        for name, value in values.items():
            setattr(self.case, name, value)
            self.fields.add(name)

    def last_event(self, *actions: str) -> CaseEvent | None:
        for event in reversed(self.events):
            if event.action in actions:
                return event
        return None

    def finish(
        self,
        *,
        actor: AbstractBaseUser | None,
        reason: str = "",
        amount: int | None = None,
        data: dict[str, Any] | None = None,
        role: str | None = None,
    ) -> CaseEvent:
        """Recompute the clock with the new event, save the case, insert the event, enqueue effects."""
        case = self.case
        event = CaseEvent(
            case=case,
            sequence=(self.events[-1].sequence if self.events else 0) + 1,
            action=self.action,
            from_status=self.from_status.value,
            to_status=self.to_status.value,
            occurred_at=self.occurred_at,
            actor=actor,
            actor_role=role if role is not None else actor_role(case, actor, on=self.day),
            integration_client=_integration_client.get(),
            reason=reason,
            amount=amount,
            data=data or {},
        )
        today = timezone.localdate()
        try:
            clock = clock_for(case, [*self.events, event], today=today)
        except (CaseClockError, TransitionNotAllowed) as exc:
            raise CaseConflict(str(exc)) from None
        apply_clock(case, clock, today=today)
        case.status = self.to_status.value
        case.save(
            update_fields=sorted({"status", *CLOCK_FIELDS, "clock_computed_on", "updated_at", *self.fields})
        )
        event.save()
        enqueue_event_effects(event)
        return event


def begin(
    case: Case, action: CaseAction, *, at: dt.datetime | None, record_as: str | None = None
) -> Transition:
    """Lock the case and ask the workflow whether ``action`` is allowed (call inside ``atomic``)."""
    locked = lock_case(case)
    status = CaseStatus(locked.status)
    try:
        target = next_status(status, action)
    except TransitionNotAllowed as exc:
        raise CaseConflict(str(exc)) from None
    return recorded_event(locked, record_as or action.value, to_status=target, at=at)


def lock_case(case: Case) -> Case:
    """The case, row-locked for the rest of the transaction (call inside ``atomic``)."""
    return (
        Case.objects.select_for_update()
        .select_related("item_version", "item", "department", "applicant")
        .get(pk=case.pk)
    )


def recorded_event(locked: Case, action: str, *, to_status: CaseStatus, at: dt.datetime | None) -> Transition:
    """A transition of the locked case recording ``action``; also for event kinds outside the status
    machine (``forward``), whose caller has checked the status itself."""
    events = list(locked.events.order_by("sequence"))
    occurred_at = validate_at(at, events[-1] if events else None, now=timezone.now())
    return Transition(
        case=locked,
        action=action,
        from_status=CaseStatus(locked.status),
        to_status=to_status,
        occurred_at=occurred_at,
        events=events,
    )


# --- process steps -----------------------------------------------------------------------------------------


def case_steps(case: Case) -> list[ProcessStep]:
    """The process steps of the case's pinned item version, in order."""
    return list(
        ProcessStep.objects.filter(version=case.item_version_id)
        .select_related("department")
        .order_by("order", "id")
    )


_steps = case_steps


def step_due(step: ProcessStep, start: dt.date) -> dt.date:
    if step.time_unit == "natural_day":
        return start + dt.timedelta(days=step.time_amount)
    return get_work_calendar().add_workdays(start, step.time_amount).value


def step_after_acceptance(case: Case) -> ProcessStep | None:
    """The step that follows 受理 (or the first step when the item names no 受理 step)."""
    steps = _steps(case)
    for index, step in enumerate(steps):
        if "受理" in step.name:
            return steps[index + 1] if index + 1 < len(steps) else None
    return steps[0] if steps else None


def step_named(case: Case, names: Sequence[str]) -> ProcessStep | None:
    for step in _steps(case):
        if any(name in step.name for name in names):
            return step
    return None


def move_to_step(transition: Transition, step: ProcessStep | None) -> None:
    """Enter ``step`` (None: no step) on the transition's day; its overdue alert has not been sent yet."""
    transition.set(
        current_step=step,
        step_due_date=step_due(step, transition.day) if step is not None else None,
        step_alerted_on=None,
    )


def step_department_id(case: Case, step: ProcessStep) -> int:
    """The department that handles ``step`` of ``case``: the step's own, else the case's."""
    return step.department_id if step.department_id is not None else case.department_id


def decision_step(steps: Sequence[ProcessStep]) -> ProcessStep | None:
    """The item's 决定 step (the first step whose name contains 决定), if it defines one."""
    return next((step for step in steps if "决定" in step.name), None)


# Steps reached by the decision and the result (approve → 制证, issue → 送达), never by forwarding.
POST_DECISION_STEP_NAMES = ("制证", "发证", "送达")


def last_forward_step(steps: Sequence[ProcessStep]) -> ProcessStep | None:
    """The furthest step ``forward`` may reach: the 决定 step; without one, the step before the first
    post-decision step (制证、发证、送达), else the last step."""
    decision = decision_step(steps)
    if decision is not None:
        return decision
    for index, step in enumerate(steps):
        if any(name in step.name for name in POST_DECISION_STEP_NAMES):
            return steps[index - 1] if index > 0 else None
    return steps[-1] if steps else None


def material_ids(values: Iterable[Any]) -> list[int]:
    """Ids from material requirements given as objects or ids."""
    return [int(getattr(v, "pk", v)) for v in values]
