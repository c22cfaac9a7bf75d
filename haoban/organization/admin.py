"""Back-office admin for regions, departments and service centers (Chinese labels come from the models)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Department, Region, ServiceCenter


class DepartmentInline(admin.TabularInline):
    model = Department
    fields = ("name", "short_name", "uscc", "phone")
    extra = 0
    show_change_link = True
    verbose_name_plural = "本区划的政务服务职能部门"

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "is_management_committee")
    list_filter = ("kind", "is_management_committee", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    inlines = (DepartmentInline,)
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "parent", "is_management_committee")}),
        ("记录", {"fields": ("uuid", "created_at", "updated_at"), "classes": ("collapse",)}),
    )
    readonly_fields = ("uuid", "created_at", "updated_at")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "uscc", "region", "phone")
    list_filter = (("region", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "short_name", "uscc")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)
    fieldsets = (
        (None, {"fields": ("name", "short_name", "uscc", "region", "guiding_code")}),
        ("联系方式", {"fields": ("phone", "address")}),
        ("记录", {"fields": ("uuid", "created_at", "updated_at"), "classes": ("collapse",)}),
    )
    readonly_fields = ("uuid", "created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        return super().get_queryset(request).select_related("region")


@admin.register(ServiceCenter)
class ServiceCenterAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "star_rating", "phone")
    list_filter = ("kind", "star_rating", ("region", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "address", "region__name", "region__code")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)
    fieldsets = (
        (None, {"fields": ("name", "kind", "region", "star_rating")}),
        ("联系方式", {"fields": ("address", "phone", "office_hours")}),
        ("记录", {"fields": ("uuid", "created_at", "updated_at"), "classes": ("collapse",)}),
    )
    readonly_fields = ("uuid", "created_at", "updated_at")
