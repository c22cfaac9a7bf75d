"""Back office for department-system clients. The secret is never displayed, except once, in a message,
right after the client is created or its secret is reset (action “重置密钥”)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from . import services
from .models import IntegrationClient


def _show_secret(request: HttpRequest, issued: services.IssuedClient, what: str) -> None:
    client = issued.client
    messages.warning(
        request,
        f"{what}：客户端标识 {client.client_id}，密钥 {issued.secret}"
        "（密钥只显示这一次，请立即交给部门系统妥善保存）",
    )


@admin.register(IntegrationClient)
class IntegrationClientAdmin(admin.ModelAdmin):
    list_display = ("client_id", "name", "department", "active", "webhook_url", "last_used_at", "created_at")
    list_filter = ("active", "department")
    search_fields = ("client_id", "name", "department__name", "department__uscc")
    list_select_related = ("department",)
    readonly_fields = ("client_id", "active", "service_user", "created_at", "last_used_at", "revoked_at")
    actions = ("reset_secret", "revoke")

    def get_fields(self, request: HttpRequest, obj: IntegrationClient | None = None) -> list[str]:
        if obj is None:
            return ["department", "name", "webhook_url"]
        return ["client_id", "department", "name", "webhook_url", *self.readonly_fields[1:]]

    def get_readonly_fields(self, request: HttpRequest, obj: IntegrationClient | None = None) -> Any:
        # The department of an existing client never changes: its cases and secret belong to it.
        return (*self.readonly_fields, "department") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: IntegrationClient, form: ModelForm, change: bool) -> None:
        if change:
            changed = [f for f in form.changed_data if f in {"name", "webhook_url"}]
            if changed:
                obj.save(update_fields=changed)
            return
        issued = services.integration_client_create(
            department=obj.department, name=obj.name, webhook_url=obj.webhook_url
        )
        for field in IntegrationClient._meta.concrete_fields:
            setattr(obj, field.attname, getattr(issued.client, field.attname))
        obj._state.adding = False
        obj._state.db = issued.client._state.db
        _show_secret(request, issued, "已创建客户端")

    def has_delete_permission(self, request: HttpRequest, obj: IntegrationClient | None = None) -> bool:
        return False  # revoke instead: the history of which system did what must stay readable

    @admin.action(description="重置密钥（新密钥只显示一次，旧密钥立即失效）")
    def reset_secret(self, request: HttpRequest, queryset: QuerySet[IntegrationClient]) -> None:
        for client in queryset.order_by("pk"):
            _show_secret(request, services.integration_client_reset_secret(client=client), "已重置密钥")

    @admin.action(description="停用所选客户端")
    def revoke(self, request: HttpRequest, queryset: QuerySet[IntegrationClient]) -> None:
        count = 0
        for client in queryset.filter(active=True):
            services.integration_client_revoke(client=client)
            count += 1
        self.message_user(request, f"已停用 {count} 个客户端。", messages.SUCCESS)
