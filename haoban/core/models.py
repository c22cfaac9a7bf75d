"""Base model shared by Haoban apps."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class BaseModel(models.Model):
    """UUID for external references, timestamps for auditing."""

    uuid = models.UUIDField("外部标识", default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class OutboxMessage(models.Model):
    """A side effect to run after the transaction that wrote it commits (transactional outbox).

    Written in the same transaction as the state change; ``haoban worker`` delivers it at least once, with
    exponential backoff on failure. Receivers must be idempotent (they get ``uuid`` to deduplicate).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待处理"
        DONE = "done", "已完成"
        FAILED = "failed", "已放弃"

    uuid = models.UUIDField("消息标识", default=uuid.uuid4, unique=True, editable=False)
    topic = models.CharField("主题", max_length=100, db_index=True)
    payload = models.JSONField("内容", default=dict)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    available_at = models.DateTimeField("可处理时间", db_index=True)
    last_error = models.TextField("最近错误", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    processed_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "事务外发消息"
        verbose_name_plural = "事务外发消息"
        indexes = [models.Index(fields=["status", "available_at"], name="core_outbox_due")]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"


class Role(models.Model):
    """The stable code of a role and the Django group that carries it (see ``haoban.core.roles``)."""

    code = models.CharField(
        "角色代码", max_length=40, unique=True, help_text="稳定的英文代码，例如 catalog_manager。"
    )
    group = models.OneToOneField(
        "auth.Group", verbose_name="用户组", on_delete=models.CASCADE, related_name="haoban_role"
    )

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.group.name}（{self.code}）"


class IdempotencyRecord(models.Model):
    """The stored response of a POST sent with an ``Idempotency-Key`` (see ``haoban.core.idempotency``).

    Unique per (user, key): a retry with the same key and the same request gets this response again; the
    unique constraint makes one of two concurrent duplicates wait and then replay.
    """

    key = models.CharField("幂等键", max_length=255, help_text="客户端在 Idempotency-Key 请求头中提供。")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="+"
    )
    method = models.CharField("请求方法", max_length=10)
    path = models.CharField("请求路径", max_length=500)
    request_hash = models.CharField("请求摘要", max_length=64, help_text="请求方法、路径和请求体的 SHA-256。")
    response_status = models.PositiveSmallIntegerField(
        "响应状态码", null=True, blank=True, help_text="请求处理完成前为空（只在处理该请求的事务内可见）。"
    )
    response_body = models.JSONField("响应内容", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "幂等请求记录"
        verbose_name_plural = "幂等请求记录"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_unique_user_key"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path}（{self.key}）"
