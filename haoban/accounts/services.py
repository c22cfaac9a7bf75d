"""Every write to accounts: applicant registration, agent authorizations, staff assignments.

Each function validates everything first and raises :class:`django.core.exceptions.ValidationError` with
Chinese messages keyed by field; on an error nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from haoban.core.roles import ROLES_BY_CODE, role_group
from haoban.domain.codes import CodeError, validate_resident_id, validate_uscc
from haoban.organization.models import Department, Region, ServiceCenter

from .models import AgentAuthorization, ApplicantProfile, StaffAssignment, StaffRole, User

_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_USERNAME_RE = re.compile(r"[A-Za-z0-9_.@+-]{3,150}")

# Roles whose assignment must name at least one department / one service center. Every other role except
# the unrestricted ones needs some scope (departments, centers or a region).
_NEEDS_DEPARTMENT = {StaffRole.REVIEWER, StaffRole.DEPARTMENT_HEAD}
_NEEDS_CENTER = {StaffRole.CENTER_ADMIN}
_MAY_BE_UNRESTRICTED = {StaffRole.SYSTEM_ADMIN, StaffRole.AUDITOR}


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _registration(
    *,
    username: str,
    password: str,
    kind: str,
    name: str,
    phone: str,
    resident_id: str | None,
    uscc: str | None,
    legal_representative: str,
    email: str,
    real_name_level: int,
    check_password_strength: bool = True,
) -> tuple[dict[str, list[str]], User, ApplicantProfile]:
    """Validate a registration: the errors by field, and the unsaved user and profile (normalised)."""
    errors: dict[str, list[str]] = {}
    username = username.strip()
    name = name.strip()
    phone = phone.strip()
    resident_id = (resident_id or "").strip().upper()
    uscc = (uscc or "").strip().upper()
    legal_representative = legal_representative.strip()

    if not username:
        _add(errors, "username", "请填写用户名。")
    elif not _USERNAME_RE.fullmatch(username):
        _add(errors, "username", "用户名应为 3–150 位字母、数字或 _ . @ + -。")
    elif User.objects.filter(username__iexact=username).exists():
        _add(errors, "username", "用户名已被使用，请换一个。")

    if kind not in ApplicantProfile.Kind.values:
        _add(errors, "kind", "请选择申请人类型。")
    is_person = kind == ApplicantProfile.Kind.NATURAL_PERSON

    if not name:
        _add(errors, "name", "请填写姓名。" if is_person else "请填写单位名称。")

    if is_person:
        if not resident_id:
            _add(errors, "resident_id", "请填写公民身份号码。")
        else:
            try:
                resident_id = validate_resident_id(resident_id)
            except CodeError as exc:
                _add(errors, "resident_id", f"{exc}。")
            else:
                if ApplicantProfile.objects.filter(ApplicantProfile.resident_id_lookup(resident_id)).exists():
                    _add(errors, "resident_id", "该公民身份号码已注册，请直接登录。")
        if uscc:
            _add(errors, "uscc", "自然人不填写统一社会信用代码。")
        if legal_representative:
            _add(errors, "legal_representative", "自然人不填写法定代表人。")
    elif kind in ApplicantProfile.Kind.values:
        if not uscc:
            _add(errors, "uscc", "请填写统一社会信用代码。")
        else:
            try:
                uscc = validate_uscc(uscc)
            except CodeError as exc:
                _add(errors, "uscc", f"{exc}。")
            else:
                if ApplicantProfile.objects.filter(uscc=uscc).exists():
                    _add(errors, "uscc", "该统一社会信用代码已注册，请直接登录。")
        if not legal_representative:
            _add(errors, "legal_representative", "请填写法定代表人（负责人）姓名。")
        if resident_id:
            _add(errors, "resident_id", "单位不填写公民身份号码。")

    if not phone:
        _add(errors, "phone", "请填写手机号。")
    elif not _MOBILE_RE.fullmatch(phone):
        _add(errors, "phone", "手机号应为 11 位数字，以 1 开头。")

    if real_name_level not in User.RealNameLevel.values:
        _add(errors, "real_name_level", "实名等级无效。")

    user = User(
        username=username,
        email=email.strip(),
        display_name=name,
        phone=phone,
        real_name_level=real_name_level,
    )
    if not password:
        _add(errors, "password", "请设置密码。")
    elif check_password_strength:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            for message in exc.messages:
                _add(errors, "password", message)
    profile = ApplicantProfile(
        kind=kind,
        name=name,
        resident_id=resident_id if is_person else "",
        uscc="" if is_person else uscc,
        legal_representative="" if is_person else legal_representative,
        phone=phone,
    )
    return errors, user, profile


def applicant_register_errors(
    *,
    username: str,
    password: str,
    kind: str,
    name: str,
    phone: str,
    resident_id: str | None = None,
    uscc: str | None = None,
    legal_representative: str = "",
    email: str = "",
    real_name_level: int = User.RealNameLevel.NONE,
) -> dict[str, list[str]]:
    """What :func:`applicant_register` would reject, by field (empty: it would succeed); writes nothing.
    Lets a form show every problem at once, even when it has found one of its own."""
    errors, _, _ = _registration(
        username=username,
        password=password,
        kind=kind,
        name=name,
        phone=phone,
        resident_id=resident_id,
        uscc=uscc,
        legal_representative=legal_representative,
        email=email,
        real_name_level=real_name_level,
    )
    return errors


def applicant_register(
    *,
    username: str,
    password: str,
    kind: str,
    name: str,
    phone: str,
    resident_id: str | None = None,
    uscc: str | None = None,
    legal_representative: str = "",
    email: str = "",
    real_name_level: int = User.RealNameLevel.NONE,
    check_password_strength: bool = True,
) -> ApplicantProfile:
    """Create an applicant account and its profile.

    A 自然人 gives a 公民身份号码 (GB 11643); every other kind a 统一社会信用代码 (GB 32100) and its 法定代表人
    (负责人). Self-registration checks the numbers' structure only, so the account starts 未实名 unless the
    caller (a window or the unified identity) has verified the person and passes ``real_name_level``.
    ``check_password_strength=False`` is for the demo data only, whose password the operator chooses.
    """
    errors, user, profile = _registration(
        username=username,
        password=password,
        kind=kind,
        name=name,
        phone=phone,
        resident_id=resident_id,
        uscc=uscc,
        legal_representative=legal_representative,
        email=email,
        real_name_level=real_name_level,
        check_password_strength=check_password_strength,
    )
    _raise(errors)
    try:
        with transaction.atomic():
            user.set_password(password)
            user.save()
            profile.user = user
            profile.full_clean()
            profile.save()
    except IntegrityError:
        # A concurrent registration took the username or the number between the checks and the insert.
        raise ValidationError({"username": ["用户名或证件号码刚刚已被注册，请检查后重试。"]}) from None
    return profile


def agent_authorize(
    *,
    agent: User,
    principal: ApplicantProfile,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    scope: str = "",
    notes: str = "",
    actor: User | None = None,
) -> AgentAuthorization:
    """Record that ``agent`` may act for ``principal`` (代办) from ``valid_from`` to ``valid_to`` (inclusive)."""
    errors: dict[str, list[str]] = {}
    if not agent.is_active:
        _add(errors, "agent", "代办人账号已停用。")
    if agent.pk == principal.user_id:
        _add(errors, "agent", "代办人不能是委托人本人。")
    if valid_to is not None and valid_to < valid_from:
        _add(errors, "valid_to", "截止日期不能早于生效日期。")
    elif (
        AgentAuthorization.objects.filter(agent=agent, principal=principal, revoked_at__isnull=True)
        .exclude(valid_to__lt=valid_from)
        .filter(**({"valid_from__lte": valid_to} if valid_to is not None else {}))
        .exists()
    ):
        _add(errors, "valid_from", "该代办人已有与此期间重叠的有效授权。")
    _raise(errors)
    authorization = AgentAuthorization(
        agent=agent,
        principal=principal,
        valid_from=valid_from,
        valid_to=valid_to,
        scope=scope.strip(),
        notes=notes.strip(),
        created_by=actor,
    )
    authorization.full_clean()
    authorization.save()
    return authorization


def agent_revoke(
    *, authorization: AgentAuthorization, actor: User | None = None, at: dt.datetime | None = None
) -> AgentAuthorization:
    """Revoke an agent authorization: from the day of ``at`` (default now) the agent can no longer act."""
    with transaction.atomic():
        authorization = AgentAuthorization.objects.select_for_update().get(pk=authorization.pk)
        if authorization.revoked_at is not None:
            when = timezone.localtime(authorization.revoked_at).strftime("%Y-%m-%d %H:%M")
            raise ValidationError({"revoked_at": [f"该代办授权已于 {when} 撤销。"]})
        authorization.revoked_at = at or timezone.now()
        authorization.revoked_by = actor
        authorization.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    return authorization


def staff_assign(
    *,
    user: User,
    role: str,
    departments: Iterable[Department] = (),
    service_centers: Iterable[ServiceCenter] = (),
    region: Region | None = None,
    notes: str = "",
    actor: User | None = None,
) -> StaffAssignment:
    """Give ``user`` a staff role with its scope; an active assignment of the same role is replaced (its
    scope set to the one given). Roles that are also permission groups (事项管理员, 系统管理员,
    ``haoban.core.roles``) add the user to the group."""
    departments = list(departments)
    service_centers = list(service_centers)
    errors: dict[str, list[str]] = {}
    if role not in StaffRole.values:
        _add(errors, "role", "请选择有效的岗位角色。")
    else:
        label = StaffRole(role).label
        if not user.is_active:
            _add(errors, "user", "账号已停用，不能授权。")
        if role in _NEEDS_DEPARTMENT and not departments:
            _add(errors, "departments", f"{label}须指定所属部门。")
        elif role in _NEEDS_CENTER and not service_centers:
            _add(errors, "service_centers", f"{label}须指定所在服务中心。")
        elif role not in _MAY_BE_UNRESTRICTED and not (departments or service_centers or region):
            _add(errors, "region", f"{label}须指定部门、服务中心或管辖区划中的至少一项。")
    _raise(errors)
    with transaction.atomic():
        assignment = (
            StaffAssignment.objects.select_for_update().filter(user=user, role=role, active=True).first()
        )
        if assignment is None:
            assignment = StaffAssignment(user=user, role=role)
        assignment.region = region
        assignment.notes = notes.strip()
        assignment.assigned_by = actor
        assignment.full_clean()
        assignment.save()
        assignment.departments.set(departments)
        assignment.service_centers.set(service_centers)
        if role in ROLES_BY_CODE:
            user.groups.add(role_group(role))
    return assignment


def staff_unassign(*, assignment: StaffAssignment, actor: User | None = None) -> StaffAssignment:
    """Deactivate an assignment (kept for the record); the matching permission group is removed too."""
    with transaction.atomic():
        assignment = StaffAssignment.objects.select_for_update().get(pk=assignment.pk)
        if not assignment.active:
            raise ValidationError({"active": ["该授权已停用。"]})
        assignment.active = False
        assignment.assigned_by = actor
        assignment.save(update_fields=["active", "assigned_by", "updated_at"])
        if assignment.role in ROLES_BY_CODE:
            assignment.user.groups.remove(role_group(assignment.role))
    return assignment
