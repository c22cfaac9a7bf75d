"""Who may see and act on what: the scope primitives every selector filters by.

- Applicants see only what belongs to the profiles they may act for: :func:`applicant_principals` (their own
  profile and those of active agent authorizations).
- Staff see only what lies in their :class:`Scope` (:func:`staff_scope`): the departments, service centers and
  region subtrees of their active :class:`~haoban.accounts.models.StaffAssignment` rows. Superusers, and system
  admins or auditors whose assignment has no region or the root region, are unrestricted.
- Outside the scope an object does not exist for the caller: selectors filter with :meth:`Scope.q`, detail
  views answer 404 (architecture.md, Security model), so a list can never show what a detail view refuses.

These functions only read; they never write.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from haoban.core.db import fetch_together, model_from_row, row_columns
from haoban.organization.models import Department, Region, ServiceCenter

from .models import AgentAuthorization, ApplicantProfile, StaffAssignment, StaffRole

# Roles that may hold an unrestricted scope (assignment without a region, or with the root region).
UNRESTRICTED_ROLES = frozenset({StaffRole.SYSTEM_ADMIN, StaffRole.AUDITOR})

UserLike = AbstractBaseUser | AnonymousUser | None


def _is_active_user(user: UserLike) -> bool:
    return bool(user is not None and user.is_authenticated and getattr(user, "is_active", False))


def region_subtree_ids(root_ids: Iterable[int]) -> set[int]:
    """The given regions and every region below them: one query per level below the roots (at most four)."""
    ids = set(root_ids)
    frontier = set(ids)
    while frontier:
        children = set(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = children - ids
        ids |= frontier
    return ids


@dataclass(frozen=True)
class Scope:
    """What a staff member's active assignments cover (ids; ``region_ids`` includes whole subtrees)."""

    roles: frozenset[str] = frozenset()
    department_ids: frozenset[int] = frozenset()
    center_ids: frozenset[int] = frozenset()
    region_ids: frozenset[int] = frozenset()
    is_unrestricted: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.is_unrestricted or self.department_ids or self.center_ids or self.region_ids)

    def covers(
        self,
        *,
        department: Department | None = None,
        center: ServiceCenter | None = None,
        region: Region | None = None,
    ) -> bool:
        """Whether every object given lies in the scope; a department or center also counts as covered when
        it belongs to a region of the scope. With nothing given: whether the scope covers anything at all."""
        if self.is_unrestricted:
            return True
        if department is None and center is None and region is None:
            return not self.is_empty
        if department is not None and not (
            department.pk in self.department_ids or department.region_id in self.region_ids
        ):
            return False
        if center is not None and not (center.pk in self.center_ids or center.region_id in self.region_ids):
            return False
        return region is None or region.pk in self.region_ids

    def q(self, *, department: str | None = None, center: str | None = None, region: str | None = None) -> Q:
        """A filter for a queryset: the rows whose department, center or region (lookup paths, e.g.
        ``department="handling_department"``, ``region="region"``) lie in the scope. Same rule as
        :meth:`covers`, except that any one path in scope suffices. An empty scope matches nothing."""
        if self.is_unrestricted:
            return Q()
        condition = Q(pk__in=[])
        if department is not None:
            condition |= Q(**{f"{department}__in": self.department_ids})
            condition |= Q(**{f"{department}__region__in": self.region_ids})
        if center is not None:
            condition |= Q(**{f"{center}__in": self.center_ids})
            condition |= Q(**{f"{center}__region__in": self.region_ids})
        if region is not None:
            condition |= Q(**{f"{region}__in": self.region_ids})
        return condition


def staff_scope(user: UserLike, *, roles: Collection[str] | None = None) -> Scope:
    """The scope of ``user``'s active staff assignments (only those of ``roles`` when given)."""
    if not _is_active_user(user):
        return Scope()
    if getattr(user, "is_superuser", False):
        return Scope(roles=frozenset(StaffRole.values), is_unrestricted=True)
    assignments = StaffAssignment.objects.filter(user=user, active=True).select_related("region")
    if roles is not None:
        assignments = assignments.filter(role__in=list(roles))
    rows = list(assignments.prefetch_related("departments", "service_centers"))
    if not rows:
        return Scope()
    unrestricted = any(
        a.role in UNRESTRICTED_ROLES and (a.region is None or a.region.parent_id is None) for a in rows
    )
    return Scope(
        roles=frozenset(a.role for a in rows),
        department_ids=frozenset(d.pk for a in rows for d in a.departments.all()),
        center_ids=frozenset(c.pk for a in rows for c in a.service_centers.all()),
        region_ids=frozenset(region_subtree_ids(a.region_id for a in rows if a.region_id is not None)),
        is_unrestricted=unrestricted,
    )


def has_role(
    user: UserLike, role: str, *, department: Department | None = None, region: Region | None = None
) -> bool:
    """Whether ``user`` holds ``role`` (an active assignment), covering ``department`` and ``region`` when
    given. Superusers hold every role everywhere."""
    scope = staff_scope(user, roles=[role])
    if role not in scope.roles:
        return False
    if department is None and region is None:
        return True
    return scope.covers(department=department, region=region)


def _start_of_next_day(day: dt.date) -> dt.datetime:
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(midnight, timezone.get_current_timezone())


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "profile": quote(ApplicantProfile._meta.db_table),
        "authorization": quote(AgentAuthorization._meta.db_table),
        "assignment": quote(StaffAssignment._meta.db_table),
    }


# One round trip for what every request of a signed-in user needs first (hot path, docs/performance.md):
# the applicant profiles the user may act for — their own, and the principals of the agent authorizations
# in force on the day (started on or before it, not ended before it, not revoked on or before it) — and the
# roles of their active staff assignments.
_PRINCIPALS_AND_ROLES_SQL = (
    "SELECT 'p', id FROM {profile} WHERE user_id = {user} "
    "UNION ALL SELECT 'p', principal_id FROM {authorization} WHERE agent_id = {user} AND valid_from <= %s "
    "AND (valid_to IS NULL OR valid_to >= %s) AND (revoked_at IS NULL OR revoked_at >= %s) "
    "UNION ALL SELECT role, id FROM {assignment} WHERE user_id = {user} AND active"
)


@dataclass(frozen=True)
class PrincipalsAndRoles:
    principals: frozenset[int] = frozenset()
    staff_roles: frozenset[str] = frozenset()
    # The user's own applicant profile, when asked for (``with_profile``) and they have one.
    own_profile: ApplicantProfile | None = None


def principal_statements(user: tuple[str, Sequence[object]], day: dt.date) -> list[tuple[str, list[object]]]:
    """The two queries of :func:`principals_and_roles` for the user ``user`` names: an SQL expression and its
    parameters, ``("%s", [pk])`` — or a subquery (the session engine asks them with the session, whose row
    names the user: ``haoban.accounts.sessions``)."""
    ref, ref_params = user
    tables = _tables()
    principals = _PRINCIPALS_AND_ROLES_SQL.format(**tables, user=ref)
    own = f"SELECT {row_columns(ApplicantProfile, connection)} FROM {tables['profile']} WHERE user_id = {ref} ORDER BY id LIMIT 1"
    return [
        (principals, [*ref_params, *ref_params, day, day, _start_of_next_day(day), *ref_params]),
        (own, list(ref_params)),
    ]


def principals_from_rows(rows: list[tuple[Any, ...]], own: list[tuple[Any, ...]]) -> PrincipalsAndRoles:
    """The answer of :func:`principal_statements`' two queries."""
    return PrincipalsAndRoles(
        principals=frozenset(row_id for kind, row_id in rows if kind == "p"),
        staff_roles=frozenset(kind for kind, _ in rows if kind != "p"),
        own_profile=model_from_row(ApplicantProfile, own[0]) if own else None,  # type: ignore[arg-type]
    )


# What this thread's last session load read with the session for its user (haoban.accounts.sessions):
# (user id, day, answer), taken once by principals_and_roles.
preloaded_principals: contextvars.ContextVar[tuple[int, dt.date, PrincipalsAndRoles] | None] = (
    contextvars.ContextVar("haoban_preloaded_principals", default=None)
)


def principals_and_roles(
    user: UserLike, on: dt.date | None = None, *, with_profile: bool = False
) -> PrincipalsAndRoles:
    """The applicant profiles ``user`` may act for on ``on`` (default today) and the roles of their active
    staff assignments, in one query; with ``with_profile``, also their own profile row, in the same round
    trip (PostgreSQL). For the signed-in user of the request, on that day, the session engine has already
    read them with the session (one round trip for both)."""
    if not _is_active_user(user):
        return PrincipalsAndRoles()
    day = on or timezone.localdate()
    pk = user.pk  # type: ignore[union-attr]
    preloaded = preloaded_principals.get()
    if preloaded is not None:
        preloaded_principals.set(None)  # taken once
        if preloaded[0] == pk and preloaded[1] == day:
            return preloaded[2]
    statements = principal_statements(("%s", [pk]), day)
    if not with_profile:
        statements = statements[:1]
    results = fetch_together(statements)
    return principals_from_rows(results[0], results[1] if with_profile else [])


def applicant_principals(user: UserLike, on: dt.date | None = None) -> set[int]:
    """Ids of the applicant profiles ``user`` may act for on ``on`` (default today): their own profile and
    the principals of their agent authorizations in force that day."""
    return set(principals_and_roles(user, on).principals)
