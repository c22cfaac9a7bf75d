"""Base model shared by Haoban apps."""

from __future__ import annotations

import uuid

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
