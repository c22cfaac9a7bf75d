"""Back-office views of cases: read-only. Every change goes through ``haoban.cases.services`` (one write
path), so the admin can look but never add, edit or delete; events are append-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from haoban.core.audit import AuditAction, AuditedChangeViewMixin

from .models import Case, CaseEvent, CaseMaterial, NegativeDecision, Notice, PostVerificationTask


class ReadOnlyMixin:
    """No add, change or delete; the change view shows every field read-only."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseEventInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseEvent
    fields = [
        "sequence",
        "action",
        "from_status",
        "to_status",
        "occurred_at",
        "actor",
        "actor_role",
        "reason",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["sequence"]


@admin.register(Case)
class CaseAdmin(AuditedChangeViewMixin, ReadOnlyMixin, admin.ModelAdmin):
    audit_action = AuditAction.CASE_READ
    audit_object_type = "cases.Case"

    def audit_object_id(self, pk: str) -> str:
        # Logged by case number, like the workbench and the API.
        return Case.objects.filter(pk=pk).values_list("number", flat=True).first() or pk

    list_display = [
        "number",
        "item_version",
        "department",
        "status",
        "channel",
        "submitted_at",
        "legal_due_date",
        "remaining_workdays",
        "light",
    ]
    list_filter = ["status", "light", "channel", "clock_paused", "provisional", "deemed_accepted"]
    search_fields = ["number", "applicant__name"]
    date_hierarchy = "submitted_at"
    list_select_related = ["item_version", "department"]
    raw_id_fields = ["applicant", "submitted_by", "agent", "assignee"]
    inlines = [CaseEventInline]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "case",
        "sequence",
        "action",
        "from_status",
        "to_status",
        "occurred_at",
        "actor",
        "actor_role",
    ]
    list_filter = ["action"]
    search_fields = ["case__number"]
    list_select_related = ["case", "actor"]


@admin.register(CaseMaterial)
class CaseMaterialAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "case",
        "requirement",
        "source",
        "original_name",
        "content_type",
        "size",
        "review",
        "created_at",
    ]
    list_filter = ["source", "review"]
    search_fields = ["case__number", "original_name", "reference"]
    list_select_related = ["case", "requirement"]
    exclude = ["storage_path"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["document_number", "kind", "case", "issued_on"]
    list_filter = ["kind"]
    search_fields = ["document_number", "case__number"]
    list_select_related = ["case"]
    exclude = ["storage_path", "verification_token"]


@admin.register(NegativeDecision)
class NegativeDecisionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["case", "kind", "department", "decided_at", "reason"]
    list_filter = ["kind", "department"]
    search_fields = ["case__number", "reason"]
    list_select_related = ["case", "department"]


@admin.register(PostVerificationTask)
class PostVerificationTaskAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["case", "department", "status", "due_on", "completed_at"]
    list_filter = ["status", "department"]
    search_fields = ["case__number"]
    list_select_related = ["case", "department"]
