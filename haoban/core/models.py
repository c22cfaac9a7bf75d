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


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete an audit entry through the ORM (the log is append-only)."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("审计日志只能追加，不能修改。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计日志只能追加，不能删除。")


class AuditHead(models.Model):
    """The head of the audit chain: one row (``pk=1``) holding the last sequence and hash.

    Every append locks this row (``select_for_update``), so entries get gap-free sequences and each one
    chains to the previous hash even with many writers (see ``haoban.core.audit``).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField("最后序号", default=0)
    hash = models.CharField("最后哈希", max_length=64)

    class Meta:
        verbose_name = "审计日志链头"
        verbose_name_plural = "审计日志链头"

    def __str__(self) -> str:
        return f"#{self.sequence}"


class AuditEntry(models.Model):
    """审计日志：one staff read of a full record or one sensitive operation, hash-chained with SM3.

    Append-only: ``save()`` inserts only, ``delete()`` and queryset ``update()``/``delete()`` raise
    :class:`AppendOnlyError`. Written by :func:`haoban.core.audit.audit_record`, checked by
    ``haoban audit verify``. ``details`` never holds personal data in clear.
    """

    sequence = models.PositiveBigIntegerField("序号", unique=True, help_text="从 1 开始连续编号，不留空号。")
    occurred_at = models.DateTimeField("发生时间")
    # No database constraint and no cascade: deleting an account must not rewrite (and so break) the chain.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text="为空表示系统操作。",
    )
    actor_username = models.CharField("操作人用户名", max_length=150, blank=True)
    actor_role = models.CharField(
        "操作身份",
        max_length=200,
        blank=True,
        help_text="岗位角色代码（多个以逗号分隔），或 superuser、system。",
    )
    action = models.CharField(
        "操作", max_length=40, db_index=True, help_text="例如 case.read、material.download。"
    )
    object_type = models.CharField("对象类型", max_length=60, blank=True, help_text="例如 cases.Case。")
    object_id = models.CharField("对象标识", max_length=64, blank=True, help_text="例如办件编号。")
    request_id = models.CharField("请求标识", max_length=64, blank=True)
    ip_address = models.CharField(
        "来源网段",
        max_length=64,
        blank=True,
        help_text="请求来源地址，末段已脱敏（IPv4 保留前 24 位，IPv6 前 64 位）。",
    )
    details = models.JSONField("详情", default=dict, blank=True, help_text="补充信息；不含明文个人信息。")
    prev_hash = models.CharField("上一条哈希", max_length=64)
    hash = models.CharField(
        "本条哈希", max_length=64, unique=True, help_text="SM3，计算方法见 docs/security.md。"
    )

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_by_object")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnlyError("审计日志只能追加，不能修改。")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计日志只能追加，不能删除。")
