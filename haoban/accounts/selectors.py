"""Reads of accounts data for pages (the caller's own data only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .access import UNRESTRICTED_ROLES
from .models import AgentAuthorization, ApplicantProfile, StaffAssignment, User


@dataclass(frozen=True)
class AuthorizationRow:
    authorization: AgentAuthorization
    status: str  # 有效、未生效、已过期、已撤销

    @property
    def is_active(self) -> bool:
        return self.status == "有效"


@dataclass(frozen=True)
class AssignmentRow:
    assignment: StaffAssignment
    departments: list[str]
    centers: list[str]
    region: str  # "" when none; "全部区划" when unrestricted


def _rows(queryset: Any, today: dt.date) -> list[AuthorizationRow]:
    return [AuthorizationRow(a, a.status_on(today)) for a in queryset]


def account_overview(*, user: User, today: dt.date) -> dict[str, Any]:
    """What /accounts/me/ shows: the profile, the authorizations given and held, the staff assignments."""
    profile = ApplicantProfile.objects.filter(user=user).first()
    given = (
        _rows(
            AgentAuthorization.objects.filter(principal=profile).select_related("agent", "principal"),
            today,
        )
        if profile is not None
        else []
    )
    held = _rows(
        AgentAuthorization.objects.filter(agent=user).select_related("principal"),
        today,
    )
    assignments = [
        AssignmentRow(
            a,
            [d.short_name or d.name for d in a.departments.all()],
            [c.name for c in a.service_centers.all()],
            f"{a.region.name}及下级区划"
            if a.region
            else ("全部区划（不受区划限制）" if a.role in UNRESTRICTED_ROLES else ""),
        )
        for a in StaffAssignment.objects.filter(user=user, active=True)
        .select_related("region")
        .prefetch_related("departments", "service_centers")
        .order_by("role")
    ]
    return {
        "account": user,
        "profile": profile,
        "authorizations_given": given,
        "authorizations_held": held,
        "assignments": assignments,
    }
