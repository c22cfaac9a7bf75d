"""Accounts: one user model for applicants and staff (a custom model from the start, so that applicant and
staff attributes can be added without swapping the user model later)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in: an applicant (自然人、企业经办人、代办人) or a staff member."""

    class RealNameLevel(models.IntegerChoices):
        NONE = 0, "未实名"
        BASIC = 1, "基础实名（姓名 + 身份证号核验）"
        VERIFIED = 2, "可信实名（人脸或证照核验）"
        STRONG = 3, "高级实名（线下核验或电子社保卡）"

    display_name = models.CharField("姓名或名称", max_length=100, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
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
