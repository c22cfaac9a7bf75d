"""缴费单 (payment order): what a case owes under its pinned item version's fees, and how it was settled.

One order per case, created when the case is approved (准予) and the version lists fee items with an
amount above zero; its lines are copied from those fee items, so a later version of the item never changes
what this applicant owes. Every change goes through :mod:`haoban.payments.services` under a row lock.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from haoban.core.models import BaseModel


class PaymentOrder(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending", "待缴费"
        PAID = "paid", "已缴费"
        REFUNDED = "refunded", "已退费"

    class Method(models.TextChoices):
        ONLINE = "online", "网上支付"
        CASH = "cash", "现金"
        POS = "pos", "POS 刷卡"
        BANK_TRANSFER = "bank_transfer", "银行转账"

    number = models.CharField("缴费单号", max_length=32, unique=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name="办件", on_delete=models.PROTECT, related_name="payment_orders"
    )
    amount = models.DecimalField("应缴金额（元）", max_digits=12, decimal_places=2)
    lines = models.JSONField(
        "收费明细",
        default=list,
        help_text="开单时从事项版本的收费项目复制：name、basis、standard、amount（两位小数的字符串）。",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    method = models.CharField("缴费方式", max_length=16, choices=Method.choices, blank=True)
    provider = models.CharField("支付渠道", max_length=40, blank=True, help_text="网上支付的支付渠道名称。")
    provider_reference = models.CharField(
        "支付流水号", max_length=64, blank=True, help_text="支付渠道的交易号；窗口缴费为票据号或 POS 凭证号。"
    )
    paid_at = models.DateTimeField("缴费时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="登记窗口缴费的工作人员；网上支付为空（由支付渠道通知）。",
    )
    refunded_at = models.DateTimeField("退费时间", null=True, blank=True)
    refund_reason = models.CharField("退费原因", max_length=300, blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="退费审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refund_reference = models.CharField("退费流水号", max_length=64, blank=True)

    class Meta:
        verbose_name = "缴费单"
        verbose_name_plural = "缴费单"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case"], name="payments_one_order_per_case"),
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~models.Q(provider="") & ~models.Q(provider_reference=""),
                name="payments_unique_provider_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}（{self.get_status_display()}）"
