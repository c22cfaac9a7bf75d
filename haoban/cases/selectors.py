"""Reads of cases (办件). Every function starts from :func:`haoban.cases.access.case_visibility`, so nothing
here can return a case its caller may not see (architecture.md, Security model).

- :func:`case_list`: the cases a user sees, filtered by status, item, department, light, current step and
  "mine" (待我办理: the current step's role is the caller's, for its department). Staff get the
  urgent first (red, yellow, green, then the fewest remaining working days: the inbox of a clerk or
  reviewer); applicants get their newest applications first.
- :func:`case_detail`: one case with its events, notices and materials, in a fixed number of queries.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404

from haoban.accounts.access import UserLike
from haoban.domain.clock import Light

from .access import CaseActor, case_visibility, get_case_for
from .models import Case, CaseEvent, CaseMaterial, Notice

# Red first, then yellow, then green; cases without a light (closed or not yet timed) last.
LIGHT_RANK = models.Case(
    models.When(light=Light.RED.value, then=models.Value(0)),
    models.When(light=Light.YELLOW.value, then=models.Value(1)),
    models.When(light=Light.GREEN.value, then=models.Value(2)),
    default=models.Value(3),
    output_field=models.IntegerField(),
)

# Everything a row of a list shows, in one query with the cases.
LIST_RELATED = (
    "item",
    "item_version",
    "department",
    "region",
    "service_center",
    "applicant",
    "current_step",
)


@dataclass(frozen=True)
class CaseFilters:
    """Filters of :func:`case_list`; empty means "any". Values are assumed valid (the API checks them)."""

    statuses: tuple[str, ...] = ()
    item: str = ""  # 实施编码
    department: str = ""  # 统一社会信用代码
    lights: tuple[str, ...] = ()
    step: str = ""  # 当前环节名称, e.g. 审查
    mine: bool = False  # 待我办理: the current step is the caller's (CaseActor.my_steps)


def _filtered(cases: QuerySet[Case], filters: CaseFilters) -> QuerySet[Case]:
    if filters.statuses:
        cases = cases.filter(status__in=filters.statuses)
    if filters.item:
        cases = cases.filter(item__implementation_code=filters.item.strip().upper())
    if filters.department:
        cases = cases.filter(department__uscc=filters.department.strip().upper())
    if filters.lights:
        cases = cases.filter(light__in=filters.lights)
    if filters.step:
        cases = cases.filter(current_step__name=filters.step.strip())
    return cases


def urgency_ordered(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Red, yellow, green, then by remaining working days and legal due date (unknown last)."""
    return cases.annotate(light_rank=LIGHT_RANK).order_by(
        "light_rank",
        F("remaining_workdays").asc(nulls_last=True),
        F("legal_due_date").asc(nulls_last=True),
        "submitted_at",
        "pk",
    )


def case_list(
    *, user: UserLike, filters: CaseFilters | None = None, actor: CaseActor | None = None
) -> QuerySet[Case]:
    """The cases ``user`` sees, filtered; staff by urgency, applicants newest first."""
    actor = actor if actor is not None else CaseActor.of(user)
    visibility = case_visibility(user, actor=actor)
    cases = visibility.apply(Case.objects.select_related(*LIST_RELATED))
    filters = filters or CaseFilters()
    cases = _filtered(cases, filters)
    if filters.mine:
        cases = cases.filter(actor.my_steps())
    if visibility.is_staff:
        return urgency_ordered(cases)
    return cases.order_by("-submitted_at", "-pk")


def list_rows(ids: Iterable[int]) -> list[Case]:
    """The cases ``ids`` with everything a list row shows (one query), in the order of ``ids``.

    Lists pick a page of ids first — ``paginate(cases.values_list("pk", flat=True))``: the sort and the
    ``LIMIT`` run on ``cases_case`` alone, not on every visible case joined with its item version, department,
    applicant … — and then load only those rows (docs/performance.md "The inbox query at 100 000 cases")."""
    wanted = list(ids)
    rows = Case.objects.select_related(*LIST_RELATED).in_bulk(wanted)
    return [rows[pk] for pk in wanted if pk in rows]


def detail_queryset() -> QuerySet[Case]:
    """Cases with everything their detail shows: related rows joined, events, notices, materials and
    payment orders prefetched (one query each)."""
    return Case.objects.select_related(
        *LIST_RELATED, "department__region", "submitted_by", "agent"
    ).prefetch_related(
        Prefetch(
            "events",
            queryset=CaseEvent.objects.select_related("actor").order_by("sequence"),
        ),
        Prefetch("notices", queryset=Notice.objects.select_related("event").order_by("created_at", "pk")),
        Prefetch(
            "materials",
            queryset=CaseMaterial.objects.select_related("requirement").order_by(
                "requirement__order", "created_at", "pk"
            ),
        ),
        "payment_orders",  # in their default order, as the detail shows them
    )


def case_detail(*, user: UserLike, number: str, actor: CaseActor | None = None) -> Case:
    """The case ``number`` with its events, notices and materials; 404 outside ``user``'s scope."""
    return get_case_for(user, number, queryset=detail_queryset(), actor=actor)


def notice_for(*, user: UserLike, number: str, notice_uuid: uuid.UUID) -> Notice:
    """A notice of a case ``user`` sees; 404 otherwise (also for another case's notice)."""
    case = get_case_for(user, number)
    notice = Notice.objects.filter(case=case, uuid=notice_uuid).select_related("case").first()
    if notice is None:
        raise Http404("未找到该文书。")
    return notice
