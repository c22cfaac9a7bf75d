"""Back-office pages of the working-day calendar (后台 → 工作日历)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from . import selectors, services
from .models import CalendarChange, CalendarDay, HolidayYear


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ("date", "kind", "name")
    extra = 0
    ordering = ("date",)


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    list_display = ("year", "published", "source_notice", "published_at", "updated_at")
    list_filter = ("published",)
    search_fields = ("year", "source_notice", "notes", "days__name")
    fields = ("year", "published", "source_notice", "published_at", "notes")
    readonly_fields = ("published_at",)
    inlines = [CalendarDayInline]
    ordering = ("-year",)

    def get_readonly_fields(self, request: HttpRequest, obj: HolidayYear | None = None) -> Any:
        # The year of an existing row is its identity: changing it would move its days to another year.
        return (*self.readonly_fields, "year") if obj is not None else self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: HolidayYear | None = None) -> bool:
        # Unpublish instead (the year becomes provisional), so that deadlines are recomputed and recorded.
        return False

    def save_model(self, request: HttpRequest, obj: HolidayYear, form: Any, change: bool) -> None:
        request._calendar_before = selectors.year_snapshot(obj.year)  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.calendar_year_edited(
            year=form.instance,
            before=request._calendar_before,  # type: ignore[attr-defined]
            actor=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
        )


@admin.register(CalendarChange)
class CalendarChangeAdmin(admin.ModelAdmin):
    list_display = ("created_at", "year", "kind", "actor", "summary")
    list_filter = ("kind", "year")
    search_fields = ("summary",)
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request: HttpRequest, obj: CalendarChange | None = None) -> Any:
        return [f.name for f in CalendarChange._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CalendarChange | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: CalendarChange | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarChange]:
        return super().get_queryset(request).select_related("actor")
