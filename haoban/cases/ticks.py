"""Time-driven case rules run by ``haoban tick`` (architecture.md), and the calendar deadline recomputer.

Every job is idempotent: a second run in a row changes nothing.

- ``cases.deemed_acceptance`` (《行政许可法》第三十二条): a case still ``submitted`` after the 5th working day
  from receipt is accepted by law as of the receipt date; recorded as a ``deemed_accept`` event.
- ``cases.refresh_clocks``: once a day, the remaining working days and the light of open cases (rows whose
  ``clock_computed_on`` is before today).
- ``cases.tolerant_overdue``: a 容缺受理 case whose promised delivery date has passed and whose materials
  have not all arrived gets one alert (``cases.notify``); ``Case.tolerant_alerted_on`` records it.
- ``cases.step_overdue``: an open case whose current process step is past its ``step_due_date`` alerts the
  staff of that step once (in-site message, ``cases.notify.staff``); ``Case.step_alerted_on`` records it
  and is cleared when the case enters another step.
- :func:`recompute_provisional_deadlines` is registered with the calendar (legal-rules.md §9): when a
  year's holiday schedule is published or edited, open cases computed on a provisional calendar are
  recomputed, and each changed date is reported.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from haoban.core.outbox import outbox_enqueue
from haoban.core.ticks import register_tick
from haoban.domain.workflow import CaseAction, CaseStatus

from .models import Case, CaseEvent
from .notifications import STAFF_NOTIFY_TOPIC
from .services import NOTIFY_TOPIC, case_deem_accepted
from .services.clock import recompute_clock_changes

# Statuses whose clock still moves (acceptance window, decision clock, open special procedure) or whose
# certificate period runs.
OPEN_STATUSES = [
    CaseStatus.SUBMITTED,
    CaseStatus.PENDING_SUPPLEMENT,
    CaseStatus.IN_REVIEW,
    CaseStatus.SUSPENDED,
    CaseStatus.APPROVED,
    CaseStatus.ISSUED,
]
BATCH = 500


@register_tick("cases.deemed_acceptance")
def deemed_acceptance(now: dt.datetime) -> str:
    today = timezone.localdate(now)
    due = Case.objects.filter(status=CaseStatus.SUBMITTED, acceptance_due_date__lt=today).order_by("pk")
    count = 0
    for case in due.iterator(chunk_size=BATCH):
        if case_deem_accepted(case=case, now=now) is not None:
            count += 1
    return f"视为受理 {count} 件"


@register_tick("cases.refresh_clocks")
def refresh_clocks(now: dt.datetime) -> str:
    today = timezone.localdate(now)
    stale = Case.objects.filter(status__in=OPEN_STATUSES).filter(
        Q(clock_computed_on__lt=today) | Q(clock_computed_on__isnull=True)
    )
    checked = changed = 0
    for case in stale.order_by("pk").iterator(chunk_size=BATCH):
        checked += 1
        if recompute_clock_changes(case=case, today=today):
            changed += 1
    return f"重算期限 {checked} 件，变化 {changed} 件"


@register_tick("cases.tolerant_overdue")
def tolerant_overdue(now: dt.datetime) -> str:
    today = timezone.localdate(now)
    overdue = Case.objects.filter(
        status__in=[CaseStatus.IN_REVIEW, CaseStatus.SUSPENDED],
        tolerant_due_date__lt=today,
        tolerant_alerted_on__isnull=True,
    )
    count = 0
    for case in overdue.order_by("pk").iterator(chunk_size=BATCH):
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if locked.tolerant_alerted_on is not None or locked.tolerant_due_date is None:
                continue
            accepted = (
                CaseEvent.objects.filter(case=locked, action=CaseAction.ACCEPT.value)
                .order_by("-sequence")
                .first()
            )
            locked.tolerant_alerted_on = today
            locked.save(update_fields=["tolerant_alerted_on", "updated_at"])
            outbox_enqueue(
                topic=NOTIFY_TOPIC,
                payload={
                    "event_id": accepted.pk if accepted is not None else None,
                    "case_id": locked.pk,
                    "kind": "tolerant_overdue",
                    "tolerant_due_date": locked.tolerant_due_date.isoformat(),
                },
            )
            count += 1
    return f"容缺逾期提醒 {count} 件"


@register_tick("cases.step_overdue")
def step_overdue(now: dt.datetime) -> str:
    """One alert per step: an open case past its ``step_due_date`` tells the staff of its current step
    (``cases.notify.staff``), and ``step_alerted_on`` records it until the case enters another step."""
    today = timezone.localdate(now)
    overdue = Case.objects.filter(
        status__in=OPEN_STATUSES,
        current_step__isnull=False,
        step_due_date__lt=today,
        step_alerted_on__isnull=True,
    )
    count = 0
    for case in overdue.order_by("pk").iterator(chunk_size=BATCH):
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if (
                locked.step_alerted_on is not None
                or locked.current_step_id is None
                or locked.step_due_date is None
                or locked.step_due_date >= today
            ):
                continue
            latest = CaseEvent.objects.filter(case=locked).order_by("-sequence").first()
            locked.step_alerted_on = today
            locked.save(update_fields=["step_alerted_on", "updated_at"])
            outbox_enqueue(
                topic=STAFF_NOTIFY_TOPIC,
                payload={
                    "event_id": latest.pk if latest is not None else None,
                    "case_id": locked.pk,
                    "kind": "step_overdue",
                    "step_id": locked.current_step_id,
                    "step_due_date": locked.step_due_date.isoformat(),
                },
            )
            count += 1
    return f"环节逾期提醒 {count} 件"


def recompute_provisional_deadlines(year: int) -> list[dict[str, Any]]:
    """Deadline recomputer for the calendar (``calendars.services``): open cases whose clock touched a
    provisional year; one record per changed date field."""
    today = timezone.localdate()
    records: list[dict[str, Any]] = []
    cases = Case.objects.filter(status__in=OPEN_STATUSES, provisional=True).order_by("pk")
    for case in cases.iterator(chunk_size=BATCH):
        for field, old, new in recompute_clock_changes(case=case, today=today):
            records.append({"case": case.number, "field": field, "old": _json(old), "new": _json(new)})
    return records


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
