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
scope: a reviewer of department X who is also a window clerk at center C reviews only X's cases. When
the item defines a 决定 step, ``approve`` and ``deny`` belong only to the holders of that step's role for
its department. Moving a case between steps (``forward``, :meth:`CaseActor.may_forward`) belongs to the
holders of its current step. Whether the action is legal in the case's status is a separate question
(``domain.workflow``, decided by the services); :func:`actions_for` combines both for the buttons and the
API's ``allowed_actions``.

These functions only read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from haoban.accounts.access import UNRESTRICTED_ROLES, UserLike, principals_and_roles
from haoban.accounts.models import ApplicantProfile, StaffAssignment, StaffRole
from haoban.catalog.models import ProcessStep, ServiceItemVersion
from haoban.domain.workflow import CaseAction, CaseStatus, allowed_actions
from haoban.organization.models import Region, ServiceCenter

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
# 部门负责人 approve extensions (Art. 42) and decide. Who decides is narrowed by the item's 决定 step when it
# has one (DECISION_ACTIONS below).
STAFF_ACTIONS: Mapping[str, frozenset[CaseAction]] = {
    StaffRole.WINDOW_CLERK: frozenset(
        {A.SUBMIT, A.ACCEPT, A.REFUSE, A.REQUEST_SUPPLEMENT, A.PAY, A.DELIVER, A.COMPLETE}
    ),
    StaffRole.REVIEWER: frozenset({A.SUSPEND, A.RESUME, A.APPROVE, A.DENY, A.ISSUE}),
    StaffRole.DEPARTMENT_HEAD: frozenset({A.EXTEND, A.APPROVE, A.DENY}),
}

# Decisions: when the item defines a 决定 step, only the holders of that step's role for its department
# decide (approve / deny), whatever STAFF_ACTIONS says; otherwise STAFF_ACTIONS (docs/workflow.md "环节").
DECISION_ACTIONS: frozenset[CaseAction] = frozenset({A.APPROVE, A.DENY})

# Before acceptance a case has no current step: the 受理 stage belongs to the window clerks.
ACCEPTANCE_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.PENDING_SUPPLEMENT)

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


def case_visibility(user: UserLike, *, actor: CaseActor | None = None) -> Visibility:
    """What ``user`` sees; pass the request's ``actor`` (built for the same user) to reuse its queries."""
    return (actor if actor is not None else CaseActor.of(user)).visibility


def cases_visible_to(user: UserLike) -> QuerySet[Case]:
    """Every case ``user`` may see (see the module docstring); anonymous callers get none."""
    return case_visibility(user).apply(Case.objects.all())


def get_case_for(
    user: UserLike, number: str, *, queryset: QuerySet[Case] | None = None, actor: CaseActor | None = None
) -> Case:
    """The case ``number`` if ``user`` may see it, else :class:`~django.http.Http404` (also for unknown
    numbers: the caller cannot tell "not yours" from "does not exist")."""
    base = queryset if queryset is not None else Case.objects.all()
    case = case_visibility(user, actor=actor).apply(base).filter(number=number).first()
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


def _role_coverage(user: UserLike) -> dict[str, _Coverage]:
    """Each active staff role of ``user`` with what it covers, from one read of the assignments (the same
    rules as :func:`~haoban.accounts.access.staff_scope` with ``roles=[role]``, for every role at once)."""
    if getattr(user, "is_superuser", False):
        return {role: _Coverage(unrestricted=True) for role in StaffRole.values}
    rows = list(
        StaffAssignment.objects.filter(user=user, active=True)
        .select_related("region")
        .prefetch_related("departments", "service_centers")
    )
    children: dict[int, set[int]] = {}
    frontier = {a.region_id for a in rows if a.region_id is not None}
    seen = set(frontier)
    while frontier:  # one query per level below the roots, for all roles together
        pairs = list(Region.objects.filter(parent_id__in=frontier).values_list("pk", "parent_id"))
        frontier = set()
        for pk, parent in pairs:
            children.setdefault(parent, set()).add(pk)
            if pk not in seen:
                seen.add(pk)
                frontier.add(pk)

    def subtree(root: int) -> frozenset[int]:
        ids, todo = {root}, [root]
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in ids:
                    ids.add(child)
                    todo.append(child)
        return frozenset(ids)

    return {
        a.role: _Coverage(
            unrestricted=a.role in UNRESTRICTED_ROLES and (a.region is None or a.region.parent_id is None),
            department_ids=frozenset(d.pk for d in a.departments.all()),
            center_ids=frozenset(c.pk for c in a.service_centers.all()),
            region_ids=subtree(a.region_id) if a.region_id is not None else frozenset(),
        )
        for a in rows
    }


@dataclass(frozen=True)
class CaseActor:
    """What one user may do on cases: their applicant principals and the coverage of each acting staff
    role. Built once per request (a few queries) and then asked about any number of cases."""

    principals: frozenset[int] = frozenset()
    coverage: Mapping[str, _Coverage] = field(default_factory=dict)
    user_id: int | None = None
    # The user's own applicant profile, when read with the principals (``of(…, with_own_profile=True)``).
    own_profile: ApplicantProfile | None = field(default=None, compare=False, repr=False)
    # The 决定 step of each item version asked about (version id → step or None), read once per request.
    _decision_steps: dict[int, ProcessStep | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, user: UserLike, *, with_own_profile: bool = False) -> CaseActor:
        if not _is_active_user(user):
            return cls()
        # One round trip (with the own profile when asked); the scopes are read only for staff.
        found = principals_and_roles(user, with_profile=with_own_profile)
        staff = found.staff_roles or getattr(user, "is_superuser", False)
        return cls(
            principals=found.principals,
            coverage=_role_coverage(user) if staff else {},
            user_id=user.pk,  # type: ignore[union-attr]
            own_profile=found.own_profile,
        )

    @property
    def visibility(self) -> Visibility:
        """The cases this user sees (module docstring): the same rule as ``Scope.q`` over the case roles."""
        if self.user_id is None:
            return Visibility(Q(pk__in=[]), is_staff=False)
        viewing = [cover for role, cover in self.coverage.items() if role in CASE_VIEWER_ROLES]
        if any(cover.unrestricted for cover in viewing):
            return Visibility(None, is_staff=True)
        departments = frozenset().union(*(c.department_ids for c in viewing))
        centers = frozenset().union(*(c.center_ids for c in viewing))
        regions = frozenset().union(*(c.region_ids for c in viewing))
        condition = Q(submitted_by_id=self.user_id)
        if self.principals:
            condition |= Q(applicant_id__in=self.principals)
        is_staff = bool(departments or centers or regions)
        if is_staff:
            condition |= (
                Q(department__in=departments)
                | Q(department__region__in=regions)
                | Q(service_center__in=centers)
                | Q(service_center__region__in=regions)
                | Q(region__in=regions)
                # A process step assigned to another department (ProcessStep.department) lets its staff
                # see the case while it is there.
                | Q(current_step__department__in=departments)
                | Q(current_step__department__region__in=regions)
            )
        return Visibility(condition, is_staff=is_staff)

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
            action in STAFF_ACTIONS.get(role, frozenset())
            and cover.covers(
                department_id=department_id,
                department_region_id=department_region_id,
                region_id=region_id,
                center=center,
            )
            for role, cover in self.coverage.items()
        )

    def viewing_roles(self, case: Case) -> list[str]:
        """The staff roles through which this user sees ``case``, sorted (empty: not as staff)."""
        return sorted(role for role in self.coverage if role in CASE_VIEWER_ROLES and self.holds(case, role))

    def reads_as_staff(self, case: Case) -> bool:
        """Whether reading ``case`` is a staff read (audit-logged): not one of the user's own cases."""
        return case.applicant_id not in self.principals

    def may(self, case: Case, action: CaseAction) -> bool:
        """Whether the user's roles allow ``action`` on ``case`` (not whether its status does)."""
        if action in APPLICANT_ACTIONS and case.applicant_id in self.principals:
            return True
        if not self.coverage:
            return False
        if action in DECISION_ACTIONS:
            decision = self.decision_step(case)
            if decision is not None:  # the item assigns the decision: only that step's holders decide
                return self.holds_step(case, decision)
        return self._staff_may(
            action,
            department_id=case.department_id,
            department_region_id=case.department.region_id,
            region_id=case.region_id,
            center=case.service_center,
        )

    def holds(self, case: Case, role: str) -> bool:
        """Whether the user holds the staff ``role`` with a scope covering ``case`` (e.g. the 部门负责人 who
        may approve a refund, docs/payments.md)."""
        cover = self.coverage.get(role)
        return cover is not None and cover.covers(
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

    # --- process steps (docs/workflow.md "环节") ---

    def decision_step(self, case: Case) -> ProcessStep | None:
        """The 决定 step of the case's item version, if the item defines one."""
        version_id = case.item_version_id
        if version_id not in self._decision_steps:
            self._decision_steps[version_id] = (
                ProcessStep.objects.filter(version_id=version_id, name__contains="决定")
                .select_related("department")
                .order_by("order", "id")
                .first()
            )
        return self._decision_steps[version_id]

    def holds_step(self, case: Case, step: ProcessStep) -> bool:
        """Whether the user holds ``step``'s role for its department (the step's own, else the case's)."""
        cover = self.coverage.get(step.role)
        if cover is None:
            return False
        department = step.department if step.department_id is not None else case.department
        return cover.covers(
            department_id=department.pk,
            department_region_id=department.region_id,
            region_id=department.region_id,
            center=None,
        )

    def may_forward(self, case: Case) -> bool:
        """Whether the user may forward (流转) ``case`` now: in review, holding its current step."""
        return (
            case.status == CaseStatus.IN_REVIEW
            and case.current_step is not None
            and self.holds_step(case, case.current_step)
        )

    def my_steps(self) -> Q:
        """The cases waiting for this user (待我办理): the current step's role is one they hold, for the
        step's department (or the case's when the step names none); and, for window clerks, cases not
        accepted yet (受理 is theirs) in their scope. Matches nothing for applicants."""
        condition = Q(pk__in=[])
        for role, cover in self.coverage.items():
            if role not in ProcessStep.Role.values:
                continue
            if cover.unrestricted:
                in_scope = Q()
            else:
                step_department = Q(current_step__department__in=cover.department_ids) | Q(
                    current_step__department__region__in=cover.region_ids
                )
                case_department = Q(department__in=cover.department_ids) | Q(
                    department__region__in=cover.region_ids
                )
                in_scope = step_department | (Q(current_step__department__isnull=True) & case_department)
            condition |= Q(current_step__role=role) & in_scope
            if role == StaffRole.WINDOW_CLERK:
                receiving = (
                    Q()
                    if cover.unrestricted
                    else Q(department__in=cover.department_ids)
                    | Q(department__region__in=cover.region_ids)
                    | Q(service_center__in=cover.center_ids)
                    | Q(service_center__region__in=cover.region_ids)
                    | Q(region__in=cover.region_ids)
                )
                condition |= Q(current_step__isnull=True, status__in=ACCEPTANCE_STATUSES) & receiving
        return condition

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
