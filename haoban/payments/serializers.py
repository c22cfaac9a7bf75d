"""API output of payment orders (in the case detail, ``payment_orders``)."""

from __future__ import annotations

from rest_framework import serializers

from .models import PaymentOrder


class PaymentOrderLineOutputSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="收费项目。")
    basis = serializers.CharField(help_text="收费依据。")
    standard = serializers.CharField(help_text="收费标准。")
    amount = serializers.CharField(help_text="金额（元，两位小数的字符串）。")


class PaymentOrderOutputSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="缴费单号（JF + 办件编号）。")
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=True, help_text="应缴金额（元，字符串）。"
    )
    status = serializers.ChoiceField(
        choices=PaymentOrder.Status.choices, help_text="pending 待缴费，paid 已缴费，refunded 已退费。"
    )
    lines = PaymentOrderLineOutputSerializer(many=True, help_text="收费明细（开单时从事项版本复制）。")
    method = serializers.CharField(
        help_text="缴费方式：online 网上支付，cash 现金，pos POS 刷卡，bank_transfer 银行转账；未缴费为空。"
    )
    paid_at = serializers.DateTimeField(allow_null=True, help_text="缴费时间。")
    refunded_at = serializers.DateTimeField(allow_null=True, help_text="退费时间。")
    refund_reason = serializers.CharField(help_text="退费原因。")
