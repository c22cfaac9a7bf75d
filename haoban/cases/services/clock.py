"""A case's stored clock, always derived from its full event list (legal-rules.md §1, docs/workflow.md).

:func:`clock_for` replays the events through :func:`haoban.domain.case_clock.compute_case_clock` with the
pinned item version's limits; :func:`apply_clock` copies the result onto the case and names the fields it
changed, so callers save exactly those (``update_fields``). Nobody writes these fields any other way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from haoban.calendars.selectors import get_work_calendar
from haoban.domain.case_clock import CaseClock, ClockEvent, compute_case_clock, parse_event_kind
from haoban.domain.clock import TimeLimit, TimeUnit
from haoban.domain.workflow import CaseAction

from ..models import Case, CaseEvent

# The stored fields derived from the clock (never edited by hand).
CLOCK_FIELDS = (
    "received_on",
    "acceptance_due_date",
    "accepted_on",
    "deemed_accepted",
    "legal_due_date",
    "promised_due_date",
    "certificate_due_date",
    "remaining_workdays",
    "light",
    "clock_paused",
    "provisional",
)


# Recorded events outside the status machine that do not touch the clock: ``forward`` (流转) moves the case
# between process steps inside 审查中 and has its own step due date, not a legal one.
CLOCKLESS_EVENTS = frozenset({"forward"})


def clock_event(event: CaseEvent) -> ClockEvent:
    kind = parse_event_kind(event.action)
    amount = event.amount if kind is CaseAction.EXTEND else None
    return ClockEvent(kind, timezone.localdate(event.occurred_at), amount)


def clock_for(case: Case, events: Iterable[CaseEvent], *, today: dt.date) -> CaseClock:
    version = case.item_version
    return compute_case_clock(
        get_work_calendar(today=today),
        events=[clock_event(e) for e in events if e.action not in CLOCKLESS_EVENTS],
        legal_limit=TimeLimit(version.legal_limit_amount, TimeUnit(version.legal_limit_unit)),
        promised_limit=TimeLimit(version.promised_limit_amount, TimeUnit(version.promised_limit_unit)),
        default_extension=version.extension_amount,
        today=today,
    )


def apply_clock(case: Case, clock: CaseClock, *, today: dt.date) -> list[tuple[str, Any, Any]]:
    """Set the derived fields; returns ``(field, old, new)`` for each field whose value changed.

    ``clock_computed_on`` is set too but is not reported as a change.
    """
    values: dict[str, Any] = {
        "acceptance_due_date": clock.acceptance_due_date,
        "accepted_on": clock.started_on,
        "deemed_accepted": clock.deemed_accepted,
        "legal_due_date": clock.legal_due_date,
        "promised_due_date": clock.promised_due_date,
        "certificate_due_date": clock.certificate_due_date,
        "remaining_workdays": clock.remaining_workdays,
        "light": clock.light.value if clock.light is not None else "",
        "clock_paused": clock.clock_paused,
        "provisional": clock.provisional,
    }
    if clock.received_on is not None:
        values["received_on"] = clock.received_on
    changes = []
    for field, new in values.items():
        old = getattr(case, field)
        if old != new:
            changes.append((field, old, new))
            setattr(case, field, new)
    case.clock_computed_on = today
    return changes


def recompute_clock_changes(*, case: Case, today: dt.date | None = None) -> list[tuple[str, Any, Any]]:
    """Recompute and store the clock of ``case`` (row-locked); returns the changed fields."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("item_version").get(pk=case.pk)
        clock = clock_for(locked, locked.events.order_by("sequence"), today=today)
        changes = apply_clock(locked, clock, today=today)
        locked.save(update_fields=[*(f for f, _, _ in changes), "clock_computed_on", "updated_at"])
    for field, _old, new in changes:
        setattr(case, field, new)
    case.clock_computed_on = today
    return changes


def case_recompute_clock(*, case: Case, today: dt.date | None = None) -> bool:
    """Recompute the stored clock of ``case`` from all its events as of ``today`` (default: today in
    Asia/Shanghai). Returns whether any clock field changed. Used by the daily tick and when a year's
    holiday schedule is published (legal-rules.md §9)."""
    return bool(recompute_clock_changes(case=case, today=today))
