"""Department systems (部门业务系统) connected to Haoban (Issue 3 §7; seed Art. 26, 29: 回流办件).

An :class:`IntegrationClient` belongs to one department. It signs its API requests with its secret
(HMAC-SM3, :mod:`haoban.integration.signing`); Haoban signs the webhooks it sends to ``webhook_url`` with
the same secret. The secret is stored SM4-encrypted (``haoban.core.crypto.encrypt_field``) and shown once,
when it is created or reset. Writes go through :mod:`haoban.integration.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models

from haoban.organization.models import Department

SECRET_CONTEXT = "integration.secret"
WEBHOOK_URL_MESSAGE = "回调地址须是以 http:// 或 https:// 开头的有效网址"


class IntegrationClient(models.Model):
    """A department system's API client: id, encrypted secret, and where its webhooks go."""

    client_id = models.CharField(
        "客户端标识", max_length=40, unique=True, editable=False, help_text="公开标识，以 hbc_ 开头。"
    )
    department = models.ForeignKey(
        Department, verbose_name="所属部门", on_delete=models.PROTECT, related_name="integration_clients"
    )
    name = models.CharField("系统名称", max_length=120, help_text="例如：市场监管局食品经营许可审批系统。")
    secret_encrypted = models.TextField(
        "密钥（SM4 加密）", editable=False, help_text="签名密钥，SM4-GCM 加密保存；只在创建或重置时显示一次。"
    )
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="服务账号",
        on_delete=models.PROTECT,
        related_name="integration_client",
        editable=False,
        help_text="代表该部门系统记录办件事件的账号（不能登录）。",
    )
    webhook_url = models.CharField(
        "回调地址",
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"], message=WEBHOOK_URL_MESSAGE)],
        help_text="接收办件事件通知（webhook）的 http 或 https 地址；为空则不推送。",
    )
    active = models.BooleanField("启用", default=True, help_text="停用后该客户端的请求一律拒绝，也不再推送。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "部门系统客户端"
        verbose_name_plural = "部门系统客户端"
        ordering = ["department__name", "created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.client_id}）"


class UsedNonce(models.Model):
    """A nonce a client has used; a second request with it within the retention period is a replay."""

    client = models.ForeignKey(
        IntegrationClient, verbose_name="客户端", on_delete=models.CASCADE, related_name="+"
    )
    nonce = models.CharField("随机串", max_length=64)
    used_at = models.DateTimeField("使用时间", db_index=True)

    class Meta:
        verbose_name = "已使用的随机串"
        verbose_name_plural = "已使用的随机串"
        constraints = [models.UniqueConstraint(fields=["client", "nonce"], name="integration_nonce_unique")]
