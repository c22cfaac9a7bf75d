"""事项版本 admin: drafts are edited through ``version_update``; published versions are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from ..models import (
    FeeItem,
    HandlingItem,
    LegalBasis,
    MaterialRequirement,
    ProcessStep,
    ServiceItemVersion,
    ServiceTag,
)
from ..services import CHILD_FIELDS, CatalogError, version_publish, version_update
from .forms import VersionForm


def is_editable(version: ServiceItemVersion | None) -> bool:
    return version is None or version.status == ServiceItemVersion.Status.DRAFT


def error_text(exc: CatalogError) -> str:
    return "；".join(m for messages_ in exc.message_dict.values() for m in messages_)


class _DraftOnly:
    """A list of a version (设立依据, 申报材料 …), editable only while the version is a draft."""

    ordering = ("order", "id")

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return 1 if is_editable(obj) else 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_editable(obj) and super().has_delete_permission(request, obj)


class LegalBasisInline(_DraftOnly, admin.TabularInline):
    model = LegalBasis
    fields = ("order", *CHILD_FIELDS["legal_bases"])


class MaterialInline(_DraftOnly, admin.StackedInline):
    model = MaterialRequirement
    fields = (
        ("order", "name", "required"),
        ("originals", "copies", "format"),
        ("source", "source_reference"),
        ("blank_form", "sample"),
        "notes",
    )


class StepInline(_DraftOnly, admin.TabularInline):
    model = ProcessStep
    fields = ("order", *CHILD_FIELDS["steps"])


class FeeInline(_DraftOnly, admin.TabularInline):
    model = FeeItem
    fields = ("order", *CHILD_FIELDS["fees"])


class HandlingItemInline(_DraftOnly, admin.TabularInline):
    model = HandlingItem
    fields = ("order", *CHILD_FIELDS["handling_items"])


@admin.register(ServiceItemVersion)
class ServiceItemVersionAdmin(admin.ModelAdmin):
    form = VersionForm
    inlines = (LegalBasisInline, MaterialInline, StepInline, FeeInline, HandlingItemInline)
    list_display = ("name", "item_code", "number", "status", "valid_from", "valid_to", "published_at")
    list_filter = ("status", "item_type", "handling_type", "online_depth")
    search_fields = ("name", "item__implementation_code", "item__basic_code")
    list_select_related = ("item",)
    date_hierarchy = "valid_from"
    actions = ("publish_drafts",)
    readonly_fields = (
        "item_link",
        "number",
        "status",
        "valid_from",
        "valid_to",
        "published_at",
        "published_by",
        "change_note",
        "edit_hint",
    )
    fieldsets = (
        (
            "版本",
            {
                "fields": (
                    ("item_link", "number", "status"),
                    ("valid_from", "valid_to"),
                    ("published_at", "published_by"),
                    "change_note",
                    "edit_hint",
                )
            },
        ),
        ("名称与类型", {"fields": ("name", "item_type", "public_service_domain", "applicant_kinds")}),
        ("办理条件与审查要点", {"fields": ("conditions", "review_points")}),
        (
            "时限",
            {
                "fields": (
                    ("legal_limit_amount", "legal_limit_unit"),
                    ("promised_limit_amount", "promised_limit_unit"),
                    ("extension_amount", "max_extensions"),
                )
            },
        ),
        (
            "办理方式",
            {
                "fields": (
                    ("handling_type", "visits_required", "online_depth"),
                    "channels",
                    ("excluded_from_center", "sub_center"),
                    "handling_location",
                    "office_hours",
                    ("consultation_phone", "complaint_phone"),
                )
            },
        ),
        ("收费", {"fields": ("charges_fee", "pay_before_release")}),
        ("审批结果", {"fields": ("result_name", "result_type", ("license_type", "license_type_code"))}),
        ("申请表单与特色服务", {"fields": ("form_schema", "service_tags")}),
    )

    @admin.display(description="事项", ordering="item__implementation_code")
    def item_code(self, obj: ServiceItemVersion) -> str:
        return obj.item.implementation_code

    @admin.display(description="事项")
    def item_link(self, obj: ServiceItemVersion) -> str:
        url = reverse("admin:catalog_serviceitem_change", args=[obj.item_id])
        return format_html('<a href="{}">{}</a>', url, obj.item.implementation_code)

    @admin.display(description="说明")
    def edit_hint(self, obj: ServiceItemVersion) -> str:
        if is_editable(obj):
            return "草稿：保存时按事项规则校验；在版本列表中选择本版本并执行“发布所选草稿”即可发布。"
        return "已发布的版本不可修改。如需修改，请在事项页面点击“创建新版本”，编辑新草稿后发布。"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceItemVersion]:
        return super().get_queryset(request).select_related("item", "published_by")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if "service_tags" in form.base_fields:
            form.base_fields["service_tags"].queryset = ServiceTag.objects.order_by("order")
        return form

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions come from item_create and version_create_draft

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history is kept; there is no service that deletes a version

    def _create_formsets(self, request: HttpRequest, obj: Any, change: bool) -> Any:
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        obj._content_formsets = formsets  # VersionForm validates the lists together with the form
        return formsets, inline_instances

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        pass  # everything is saved by version_update in save_related

    def save_related(
        self, request: HttpRequest, form: Any, formsets: list[BaseInlineFormSet], change: bool
    ) -> None:
        for formset in formsets:
            formset.save(commit=False)  # only records what changed, for the history message
        version_update(version=form.instance, content=form.service_content, actor=request.user)
        form.instance.refresh_from_db()

    @admin.action(description="发布所选草稿", permissions=["change"])
    def publish_drafts(self, request: HttpRequest, queryset: QuerySet[ServiceItemVersion]) -> None:
        published = 0
        for version in queryset.select_related("item").order_by("item_id", "number"):
            if version.is_published:
                self.message_user(request, f"{version}：已发布，跳过", messages.WARNING)
                continue
            try:
                version_publish(version=version, actor=request.user)
            except CatalogError as exc:
                self.message_user(request, f"{version}：{error_text(exc)}", messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(request, f"已发布 {published} 个版本。", messages.SUCCESS)
