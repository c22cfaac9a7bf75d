"""Reads for department systems: the cases of their own department, nothing else (404 outside it)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, QuerySet
from django.http import Http404

from haoban.cases.models import Case

from .models import IntegrationClient


def client_cases(*, client: IntegrationClient, updated_since: dt.datetime | None = None) -> QuerySet[Case]:
    """The cases of the client's department, oldest change first (a client syncs by ``updated_since``)."""
    cases = Case.objects.filter(department_id=client.department_id)
    if updated_since is not None:
        cases = cases.filter(updated_at__gte=updated_since)
    return (
        cases.select_related("item", "item_version", "department")
        .annotate(last_event_at=Max("events__occurred_at"))
        .order_by("updated_at", "pk")
    )


def client_case(*, client: IntegrationClient, number: str) -> Case:
    """The case ``number`` if it belongs to the client's department, else ``Http404`` (also when unknown)."""
    case = client_cases(client=client).filter(number=number).first()
    if case is None:
        raise Http404
    return case
