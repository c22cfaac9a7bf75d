"""Accounts: one user model for applicants and staff (a custom model from the start, so that applicant and
staff attributes can be added without swapping the user model later).

- :class:`ApplicantProfile`: who an applicant account applies as (自然人 or an organisation, GB/T 39046).
- :class:`AgentAuthorization`: an account that may act for an applicant (代办), for a period.
- :class:`StaffAssignment`: a staff role and the departments / service centers / region subtree it covers.

Writes go through :mod:`haoban.accounts.services`; who may see what is decided in :mod:`haoban.accounts.access`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from haoban.core.fields import BlindIndexField, EncryptedTextField, Sealed
from haoban.core.models import BaseModel
from haoban.domain.codes import CodeError, validate_resident_id, validate_uscc

# Stored resident-ID token → its masked form (ApplicantProfile.masked_resident_id); bounded.
_masked_by_token: dict[str, str] = {}
_MASKED_MAX = 10_000


def mask_id(value: str) -> str:
    """An identifier for display with its middle hidden: ``350302199001011234`` → ``3503**********1234``.

    The first four and the last four characters stay visible (region prefix and check digits) for codes longer
    than eight characters; a shorter value keeps only its last quarter.
    """
    value = value or ""
    if len(value) > 8:
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    keep = len(value) // 4
    return "*" * (len(value) - keep) + value[len(value) - keep :]


def mask_phone(value: str) -> str:
    """A phone number for display: ``13800001234`` → ``138****1234``."""
    value = value or ""
    if len(value) >= 7:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return mask_id(value)


def resident_id_validator(value: str) -> None:
    """Model-field validator: GB 11643 公民身份号码 (18 characters with the MOD 11-2 check digit)."""
    try:
        validate_resident_id(value)
    except CodeError as exc:
        raise ValidationError(str(exc)) from None


def applicant_uscc_validator(value: str) -> None:
    """Model-field validator: GB 32100 统一社会信用代码."""
    try:
        validate_uscc(value)
    except CodeError as exc:
        raise ValidationError(str(exc)) from None


class User(AbstractUser):
    """A person who signs in: an applicant (自然人、企业经办人、代办人) or a staff member."""

    class RealNameLevel(models.IntegerChoices):
        NONE = 0, "未实名"
        BASIC = 1, "基础实名（姓名 + 身份证号核验）"
        VERIFIED = 2, "可信实名（人脸或证照核验）"
        STRONG = 3, "高级实名（线下核验或电子社保卡）"

    display_name = models.CharField("姓名或名称", max_length=100, blank=True)
    phone = EncryptedTextField(
        "手机号", max_length=20, blank=True, context="accounts.User.phone", help_text="SM4 加密保存。"
    )
    real_name_level = models.PositiveSmallIntegerField(
        "实名等级",
        choices=RealNameLevel.choices,
        default=RealNameLevel.NONE,
        help_text="账号的实名认证等级；办理事项要求的实名等级高于此等级时须先完成认证。",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = "用户"
        verbose_name_plural = "用户"
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name or self.username


class ApplicantProfile(BaseModel):
    """申请人：an account's identity as an applicant (一人一档 / 一企一档)."""

    class Kind(models.TextChoices):
        """服务对象 of GB/T 39046 (``gb_code`` gives the code used by the catalog's ``applicant_kinds``)."""

        NATURAL_PERSON = "natural_person", "自然人"
        ENTERPRISE = "enterprise", "企业法人"
        INSTITUTION = "institution", "事业法人"
        SOCIAL_ORGANIZATION = "social_organization", "社会组织法人"
        GOVERNMENT = "government", "行政机关"
        OTHER_ORGANIZATION = "other_organization", "其他组织"

    GB_CODES = {
        Kind.NATURAL_PERSON: "1",
        Kind.ENTERPRISE: "2",
        Kind.INSTITUTION: "3",
        Kind.SOCIAL_ORGANIZATION: "4",
        Kind.GOVERNMENT: "5",
        Kind.OTHER_ORGANIZATION: "6",
    }

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        on_delete=models.CASCADE,
        related_name="applicant_profile",
        help_text="以该身份申请办事的登录账号。",
    )
    kind = models.CharField(
        "申请人类型",
        max_length=24,
        choices=Kind.choices,
        help_text="GB/T 39046 服务对象：自然人、企业法人、事业法人、社会组织法人、行政机关或其他组织。",
    )
    name = models.CharField(
        "姓名或名称",
        max_length=120,
        help_text="自然人填写身份证上的姓名；单位填写营业执照或登记证书上的全称。",
    )
    resident_id = EncryptedTextField(
        "公民身份号码",
        max_length=18,
        blank=True,
        validators=[resident_id_validator],
        context="accounts.ApplicantProfile.resident_id",
        help_text="自然人必填：18 位，GB 11643 校验位；SM4 加密保存，列表和页面只显示脱敏号码。单位不填。",
    )
    resident_id_index = BlindIndexField(
        "公民身份号码索引",
        source="resident_id",
        help_text="公民身份号码的 HMAC-SM3 盲索引，用于查重和按号码查找；不能还原号码。",
    )
    uscc = models.CharField(
        "统一社会信用代码",
        max_length=18,
        blank=True,
        validators=[applicant_uscc_validator],
        help_text="单位必填：18 位，GB 32100 校验位。自然人不填。",
    )
    legal_representative = models.CharField(
        "法定代表人（负责人）", max_length=60, blank=True, help_text="单位必填；自然人不填。"
    )
    phone = EncryptedTextField(
        "联系电话",
        max_length=20,
        context="accounts.ApplicantProfile.phone",
        help_text="办件通知发送到此号码；SM4 加密保存，列表中脱敏显示。",
    )

    class Meta:
        verbose_name = "申请人"
        verbose_name_plural = "申请人"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident_id_index"],
                condition=~Q(resident_id_index=""),
                name="accounts_applicant_unique_resident_id",
                violation_error_message="该公民身份号码已注册。",
            ),
            models.UniqueConstraint(
                fields=["uscc"],
                condition=~Q(uscc=""),
                name="accounts_applicant_unique_uscc",
                violation_error_message="该统一社会信用代码已注册。",
            ),
            models.CheckConstraint(
                condition=(Q(kind="natural_person") & ~Q(resident_id="") & Q(uscc=""))
                | (~Q(kind="natural_person") & Q(resident_id="") & ~Q(uscc="")),
                name="accounts_applicant_identifier_by_kind",
                violation_error_message="自然人须填写公民身份号码，单位须填写统一社会信用代码。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    @property
    def is_natural_person(self) -> bool:
        return self.kind == self.Kind.NATURAL_PERSON

    @property
    def gb_code(self) -> str:
        """The GB/T 39046 服务对象 code ("1" 自然人 … "6" 其他组织)."""
        return self.GB_CODES[self.Kind(self.kind)]

    @classmethod
    def resident_id_lookup(cls, resident_id: str) -> Q:
        """The filter for the profile with this 公民身份号码 (through its blind index)."""
        field = cls._meta.get_field("resident_id_index")
        return Q(resident_id_index=field.index_for(resident_id))  # type: ignore[attr-defined]

    @property
    def masked_resident_id(self) -> str:
        # Lists and answers show the masked number of the same applicants again and again: the masked form
        # (not personal data: what every page shows) is kept per stored token, so it is decrypted once per
        # process, not on every render. A changed number is a new token.
        stored = self.__dict__.get("resident_id")
        if not isinstance(stored, Sealed) or stored.plaintext is not None:
            return mask_id(self.resident_id)
        masked = _masked_by_token.get(stored.token)
        if masked is None:
            masked = mask_id(self.resident_id)
            if len(_masked_by_token) >= _MASKED_MAX:
                _masked_by_token.clear()
            _masked_by_token[stored.token] = masked
        return masked

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def identifier_display(self) -> str:
        """The identifier safe to show: the masked 公民身份号码, or the (public) 统一社会信用代码."""
        return self.masked_resident_id if self.is_natural_person else self.uscc


class AgentAuthorization(BaseModel):
    """代办授权：``agent`` may act for ``principal`` from ``valid_from`` to ``valid_to`` unless revoked."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代办人账号",
        on_delete=models.PROTECT,
        related_name="agent_authorizations",
        help_text="代为申请、补正、领取结果的账号。",
    )
    principal = models.ForeignKey(
        ApplicantProfile,
        verbose_name="委托人（申请人）",
        on_delete=models.PROTECT,
        related_name="agent_authorizations",
        help_text="被代办的申请人；办件仍以其名义办理。",
    )
    scope = models.CharField(
        "代办范围",
        max_length=200,
        blank=True,
        help_text="授权委托书载明的事项范围，例如“食品经营许可申请及补正”；为空表示全部事项。",
    )
    notes = models.TextField("备注", blank=True, help_text="例如授权委托书编号、核验方式。")
    valid_from = models.DateField("生效日期", help_text="自该日起可以代办（含当日）。")
    valid_to = models.DateField(
        "截止日期", null=True, blank=True, help_text="至该日止可以代办（含当日）；为空表示撤销前一直有效。"
    )
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True, help_text="撤销当日起不能再代办。")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="登记授权的账号（委托人本人或窗口工作人员）。",
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤销人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "代办授权"
        verbose_name_plural = "代办授权"
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="accounts_agent_valid_range",
                violation_error_message="截止日期不能早于生效日期。",
            ),
        ]
        indexes = [models.Index(fields=["agent", "valid_from"], name="accounts_agent_by_agent")]

    def __str__(self) -> str:
        return f"{self.agent} 代办 {self.principal.name}"

    def is_active_on(self, day: dt.date) -> bool:
        """Whether the agent may act on ``day`` (same rule as :func:`haoban.accounts.access.applicant_principals`)."""
        if self.valid_from > day or (self.valid_to is not None and self.valid_to < day):
            return False
        return self.revoked_at is None or timezone.localdate(self.revoked_at) > day

    def status_on(self, day: dt.date) -> str:
        """Chinese status label on ``day``: 有效、未生效、已过期 or 已撤销."""
        if self.revoked_at is not None and timezone.localdate(self.revoked_at) <= day:
            return "已撤销"
        if self.valid_from > day:
            return "未生效"
        if self.valid_to is not None and self.valid_to < day:
            return "已过期"
        return "有效"


class StaffRole(models.TextChoices):
    """Staff roles of the security model (architecture.md); the first four are the ``ProcessStep`` roles."""

    WINDOW_CLERK = "window_clerk", "窗口受理人员"
    REVIEWER = "reviewer", "审查人员"
    DEPARTMENT_HEAD = "department_head", "部门负责人"
    CENTER_ADMIN = "center_admin", "中心管理人员"
    CATALOG_MANAGER = "catalog_manager", "事项管理员"
    DATA_OFFICER = "data_officer", "数据专员"
    EFFICIENCY_SUPERVISOR = "efficiency_supervisor", "效能监督员"
    AUDITOR = "auditor", "审计员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"


class StaffAssignment(BaseModel):
    """人员授权：a staff role and what it covers (departments, service centers and/or a region subtree)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="工作人员账号",
        on_delete=models.CASCADE,
        related_name="staff_assignments",
    )
    role = models.CharField(
        "岗位角色",
        max_length=24,
        choices=StaffRole.choices,
        help_text="窗口受理、审查、部门负责人、中心管理、事项管理、数据专员、效能监督、审计或系统管理。",
    )
    departments = models.ManyToManyField(
        "organization.Department",
        verbose_name="所属部门",
        blank=True,
        related_name="staff_assignments",
        help_text="可以办理或查看这些部门的办件。",
    )
    service_centers = models.ManyToManyField(
        "organization.ServiceCenter",
        verbose_name="所在服务中心",
        blank=True,
        related_name="staff_assignments",
        help_text="可以办理或查看在这些中心受理的办件。",
    )
    region = models.ForeignKey(
        "organization.Region",
        verbose_name="管辖区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_assignments",
        help_text="覆盖该区划及其全部下级区划；系统管理员和审计员不填表示不受区划限制。",
    )
    active = models.BooleanField("有效", default=True, help_text="停用后该授权不再生效（保留记录）。")
    notes = models.CharField("备注", max_length=200, blank=True, help_text="例如任命文件文号。")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="授权人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "人员岗位授权"
        verbose_name_plural = "人员岗位授权"
        ordering = ["user__username", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(active=True),
                name="accounts_staff_one_active_per_role",
                violation_error_message="该工作人员已有此角色的有效授权。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class Session(AbstractBaseSession):
    """A browser session: Django's database session, with the signed-in user's id in a column of its own so
    that every request reads its session and its user together (``haoban.accounts.sessions``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="登录后的账号；未登录的会话为空。删除账号时其会话一并删除。",
    )

    class Meta(AbstractBaseSession.Meta):
        verbose_name = "会话"
        verbose_name_plural = "会话"

    @classmethod
    def get_session_store_class(cls) -> type:
        from .sessions import SessionStore

        return SessionStore
