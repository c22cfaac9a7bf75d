"""缴费单 in the admin: read-only (every change goes through the services, with its case event)."""

from __future__ import annotations

from django.contrib import admin

from haoban.cases.admin import ReadOnlyMixin

from .models import PaymentOrder


@admin.register(PaymentOrder)
class PaymentOrderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("number", "case", "amount", "status", "method", "paid_at", "refunded_at")
    list_filter = ("status", "method")
    search_fields = ("number", "case__number", "provider_reference")
