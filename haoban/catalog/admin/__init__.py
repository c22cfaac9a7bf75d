"""Back-office admin of the catalog; every save goes through ``haoban.catalog.services``."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from ..models import ServiceTag
from .items import ServiceItemAdmin
from .versions import ServiceItemVersionAdmin


@admin.register(ServiceTag)
class ServiceTagAdmin(admin.ModelAdmin):
    """The 16 special-service lists of seed Art. 10, created by a migration: shown, not edited here."""

    list_display = ("name", "code", "order", "description")
    fields = ("code", "order", "description")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


__all__ = ["ServiceItemAdmin", "ServiceItemVersionAdmin", "ServiceTagAdmin"]
