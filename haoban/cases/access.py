"""Who may see a case and who may act on it (architecture.md, Security model; docs/roles.md "办件").

Seeing:

- An applicant sees the cases of the profiles they may act for (:func:`~haoban.accounts.access.
  applicant_principals`: their own profile and those of agent authorizations in force today) and the cases
  they submitted themselves.
- Staff see the cases their scope covers (:class:`~haoban.accounts.access.Scope`): the case's department,
  the service center that received it, or its region lies in one of their case roles' departments, centers
  or region subtrees (:data:`CASE_VIEWER_ROLES`; 事项管理员 and 数据专员 have no business with individual
  cases). Superusers, and system admins and auditors without a region limit, see every case.
- Anonymous callers see nothing.

Outside what a caller sees a case does not exist for them: :func:`cases_visible_to` is the one filter every
case selector starts from, and :func:`get_case_for` answers 404, so a list never shows what a detail refuses.

Acting (:func:`can_act`): a visible case does not mean every action on it. Each action belongs to roles
(:data:`STAFF_ACTIONS`, :data:`APPLICANT_ACTIONS`), and a staff role must cover the case with *its own*
scope: a reviewer of department X who is also a window clerk at center C reviews only X's cases. Whether
the action is legal in the case's status is a separate question (``domain.workflow``, decided by the
services); :func:`actions_for` combines both for the buttons and the API's ``allowed_actions``.

These functions only read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from haoban.accounts.access import UserLike, applicant_principals, staff_scope
from haoban.accounts.models import ApplicantProfile, StaffRole
from haoban.catalog.models import ServiceItemVersion
from haoban.domain.workflow import CaseAction, CaseStatus, allowed_actions
from haoban.organization.models import ServiceCenter

from .models import Case

A = CaseAction

# Staff roles that see cases within their scope.
CASE_VIEWER_ROLES: frozenset[str] = frozenset(
    {
        StaffRole.WINDOW_CLERK,
        StaffRole.REVIEWER,
        StaffRole.DEPARTMENT_HEAD,
        StaffRole.CENTER_ADMIN,
        StaffRole.EFFICIENCY_SUPERVISOR,
        StaffRole.AUDITOR,
        StaffRole.SYSTEM_ADMIN,
    }
)

# What each staff role may do on a case it covers (docs/roles.md). 受理人员 receive, accept or refuse, ask
# for supplements, take offline payments, serve the result and close the case; 审查人员 examine and decide;
# 部门负责人 approve extensions (Art. 42) and decide.
STAFF_ACTIONS: Mapping[str, frozenset[CaseAction]] = {
    StaffRole.WINDOW_CLERK: frozenset(
        {A.SUBMIT, A.ACCEPT, A.REFUSE, A.REQUEST_SUPPLEMENT, A.PAY, A.DELIVER, A.COMPLETE}
    ),
    StaffRole.REVIEWER: frozenset({A.SUSPEND, A.RESUME, A.APPROVE, A.DENY, A.ISSUE}),
    StaffRole.DEPARTMENT_HEAD: frozenset({A.EXTEND, A.APPROVE, A.DENY}),
}

# What the applicant (or an agent in force) may do on their own case.
APPLICANT_ACTIONS: frozenset[CaseAction] = frozenset({A.SUBMIT, A.SUPPLEMENT, A.WITHDRAW, A.PAY})


def _is_active_user(user: UserLike) -> bool:
    return bool(user is not None and user.is_authenticated and getattr(user, "is_active", False))


@dataclass(frozen=True)
class Visibility:
    """The filter of the cases a user sees (``None``: every case) and whether they see them as staff."""

    condition: Q | None
    is_staff: bool

    def apply(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        return cases if self.condition is None else cases.filter(self.condition)


def case_visibility(user: UserLike) -> Visibility:
    if not _is_active_user(user):
        return Visibility(Q(pk__in=[]), is_staff=False)
    scope = staff_scope(user, roles=CASE_VIEWER_ROLES)
    if scope.is_unrestricted:
        return Visibility(None, is_staff=True)
    condition = Q(submitted_by=user)
    principals = applicant_principals(user)
    if principals:
        condition |= Q(applicant_id__in=principals)
    if not scope.is_empty:
        condition |= scope.q(department="department", center="service_center", region="region")
    return Visibility(condition, is_staff=not scope.is_empty)


def cases_visible_to(user: UserLike) -> QuerySet[Case]:
    """Every case ``user`` may see (see the module docstring); anonymous callers get none."""
    return case_visibility(user).apply(Case.objects.all())


def get_case_for(user: UserLike, number: str, *, queryset: QuerySet[Case] | None = None) -> Case:
    """The case ``number`` if ``user`` may see it, else :class:`~django.http.Http404` (also for unknown
    numbers: the caller cannot tell "not yours" from "does not exist")."""
    base = queryset if queryset is not None else Case.objects.all()
    case = case_visibility(user).apply(base).filter(number=number).first()
    if case is None:
        raise Http404("未找到该办件。")
    return case


@dataclass(frozen=True)
class _Coverage:
    """Ids of a staff role's scope (a :class:`Scope` without the role names)."""

    unrestricted: bool = False
    department_ids: frozenset[int] = frozenset()
    center_ids: frozenset[int] = frozenset()
    region_ids: frozenset[int] = frozenset()

    def covers(
        self, *, department_id: int, department_region_id: int, region_id: int, center: ServiceCenter | None
    ) -> bool:
        # The same rule as Scope.q(department=…, center=…, region=…): any one path in scope suffices.
        if self.unrestricted:
            return True
        if department_id in self.department_ids or department_region_id in self.region_ids:
            return True
        if region_id in self.region_ids:
            return True
        return center is not None and (center.pk in self.center_ids or center.region_id in self.region_ids)


@dataclass(frozen=True)
class CaseActor:
    """What one user may do on cases: their applicant principals and the coverage of each acting staff
    role. Built once per request (a few queries) and then asked about any number of cases."""

    principals: frozenset[int] = frozenset()
    coverage: Mapping[str, _Coverage] = field(default_factory=dict)

    @classmethod
    def of(cls, user: UserLike) -> CaseActor:
        if not _is_active_user(user):
            return cls()
        coverage: dict[str, _Coverage] = {}
        for role in STAFF_ACTIONS:
            scope = staff_scope(user, roles=[role])
            if role in scope.roles:
                coverage[role] = _Coverage(
                    unrestricted=scope.is_unrestricted,
                    department_ids=scope.department_ids,
                    center_ids=scope.center_ids,
                    region_ids=scope.region_ids,
                )
        return cls(principals=frozenset(applicant_principals(user)), coverage=coverage)

    def _staff_may(
        self,
        action: CaseAction,
        *,
        department_id: int,
        department_region_id: int,
        region_id: int,
        center: ServiceCenter | None,
    ) -> bool:
        return any(
            action in STAFF_ACTIONS[role]
            and cover.covers(
                department_id=department_id,
                department_region_id=department_region_id,
                region_id=region_id,
                center=center,
            )
            for role, cover in self.coverage.items()
        )

    def may(self, case: Case, action: CaseAction) -> bool:
        """Whether the user's roles allow ``action`` on ``case`` (not whether its status does)."""
        if action in APPLICANT_ACTIONS and case.applicant_id in self.principals:
            return True
        if not self.coverage:
            return False
        return self._staff_may(
            action,
            department_id=case.department_id,
            department_region_id=case.department.region_id,
            region_id=case.region_id,
            center=case.service_center,
        )

    def may_submit(
        self,
        *,
        applicant: ApplicantProfile,
        item_version: ServiceItemVersion,
        service_center: ServiceCenter | None = None,
    ) -> bool:
        """Whether the user may submit an application for ``applicant``: as the applicant or their agent, or
        as a window clerk covering the item's department, its region or the receiving center."""
        if applicant.pk in self.principals:
            return True
        item = item_version.item
        return self._staff_may(
            A.SUBMIT,
            department_id=item.implementing_body_id,
            department_region_id=item.implementing_body.region_id,
            region_id=item.region_id,
            center=service_center,
        )

    def actions_on(self, case: Case) -> list[CaseAction]:
        """The actions the user may take on ``case`` now: legal in its status and theirs to take."""
        return [action for action in allowed_actions(CaseStatus(case.status)) if self.may(case, action)]

    def staff_centers(self) -> set[int]:
        """Ids of the service centers of the user's window-clerk role (where they receive applications)."""
        cover = self.coverage.get(StaffRole.WINDOW_CLERK)
        return set(cover.center_ids) if cover is not None else set()


def can_act(user: UserLike, case: Case, action: CaseAction | str) -> bool:
    """Whether ``user`` holds a role that allows ``action`` on ``case`` (status aside)."""
    return CaseActor.of(user).may(case, CaseAction(action))


def actions_for(user: UserLike, case: Case) -> list[CaseAction]:
    """The actions ``user`` may take on ``case`` in its current status, in the order of ``CaseAction``."""
    return CaseActor.of(user).actions_on(case)
