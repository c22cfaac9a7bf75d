"""政务服务事项 admin: the list, a creation form that calls ``item_create``, the version history, the
actions (认领, 创建新版本, 导出) and the Excel import page."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import excel
from ..models import ItemType, ServiceItem, ServiceItemVersion
from ..services import CatalogError, item_claim, item_create, version_create_draft
from .forms import CREATE_CONTENT_FIELDS, ItemCreateForm
from .versions import error_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DRAFT = ServiceItemVersion.Status.DRAFT
PUBLISHED = ServiceItemVersion.Status.PUBLISHED


class VersionHistoryInline(admin.TabularInline):
    """All versions of the item, newest first, each linking to its page."""

    model = ServiceItemVersion
    fields = ("number", "name", "status", "valid_from", "valid_to", "published_at", "change_note")
    readonly_fields = fields
    ordering = ("-number",)
    extra = 0
    show_change_link = True
    verbose_name_plural = "版本历史"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ItemTypeFilter(admin.SimpleListFilter):
    title = "事项类型"
    parameter_name = "item_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return ItemType.choices

    def queryset(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
        if self.value():
            return queryset.filter(
                Exists(ServiceItemVersion.objects.filter(item=OuterRef("pk"), item_type=self.value()))
            )
        return queryset


class VersionStateFilter(admin.SimpleListFilter):
    title = "版本状态"
    parameter_name = "version_state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return (("published", "有现行版本"), ("unpublished", "从未发布"), ("draft", "有待发布的草稿"))

    def queryset(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
        versions = ServiceItemVersion.objects.filter(item=OuterRef("pk"))
        in_force = Exists(versions.filter(status=PUBLISHED, valid_to__isnull=True))
        if self.value() == "published":
            return queryset.filter(in_force)
        if self.value() == "unpublished":
            return queryset.filter(~Exists(versions.filter(status=PUBLISHED)))
        if self.value() == "draft":
            return queryset.filter(Exists(versions.filter(status=DRAFT)))
        return queryset


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）", help_text="格式见“下载导入模板”中的“说明”表。")
    publish = forms.BooleanField(
        label="导入后发布", required=False, help_text="新建或有变化的事项发布新版本，生效日期为今天。"
    )
    dry_run = forms.BooleanField(label="只检查，不写入", required=False)


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = (
        "implementation_code",
        "current_name",
        "implementing_body",
        "level",
        "region",
        "claim_status",
        "has_draft",
    )
    list_filter = (
        ItemTypeFilter,
        "level",
        "claim_status",
        VersionStateFilter,
        ("implementing_body", admin.RelatedOnlyFieldListFilter),
        ("region", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("implementation_code", "basic_code", "versions__name")
    autocomplete_fields = ("implementing_body", "region")
    list_select_related = ("implementing_body", "region")
    actions = ("claim_items", "create_new_versions", "export_selected")
    inlines = (VersionHistoryInline,)
    readonly_fields = ("current_name",)
    change_list_template = "admin/catalog/serviceitem/change_list.html"
    change_form_template = "admin/catalog/serviceitem/change_form.html"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "implementation_code",
                    "current_name",
                    "basic_code",
                    "level",
                    "implementing_body",
                    "region",
                    "parent",
                )
            },
        ),
        ("认领", {"fields": ("claim_status", "claimed_at", "claimed_by")}),
    )
    add_fieldsets = (
        ("事项编码", {"fields": ("implementing_body", "level", "basic_code", "region")}),
        (
            "第 1 版（草稿）",
            {"fields": CREATE_CONTENT_FIELDS, "description": "其余要素在保存后的草稿版本中填写。"},
        ),
    )

    # --- list and pages ---------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceItem]:
        versions = ServiceItemVersion.objects.filter(item=OuterRef("pk"))
        in_force_first = Case(
            When(status=PUBLISHED, valid_to__isnull=True, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        newest = versions.order_by(in_force_first, "-number").values("name")[:1]
        return (
            super()
            .get_queryset(request)
            .select_related("implementing_body", "region")
            .annotate(current_name=Subquery(newest), draft_exists=Exists(versions.filter(status=DRAFT)))
        )

    @admin.display(description="事项名称", ordering="current_name")
    def current_name(self, obj: ServiceItem) -> str:
        return getattr(obj, "current_name", None) or str(obj)

    @admin.display(description="有草稿", boolean=True, ordering="draft_exists")
    def has_draft(self, obj: ServiceItem) -> bool:
        return bool(getattr(obj, "draft_exists", False))

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = ItemCreateForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else ()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An item's identity never changes; its content is edited in versions, claiming is an action.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ServiceItem, form: Any, change: bool) -> None:
        version = item_create(**form.service_kwargs(), actor=request.user)
        for field in ServiceItem._meta.concrete_fields:
            setattr(obj, field.attname, getattr(version.item, field.attname))
        obj._state.adding = False
        self.message_user(request, "已创建第 1 版草稿，请在“版本历史”中打开并补全要素。", messages.INFO)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        can_act = super().has_change_permission(request)
        context = {**(extra_context or {}), "can_act": can_act}
        return super().change_view(request, object_id, form_url, extra_context=context)

    # --- actions ----------------------------------------------------------------------------------

    def _each(self, request: HttpRequest, items: QuerySet[ServiceItem], call: Any, done: str) -> int:
        count = 0
        for item in items.select_related("implementing_body"):
            try:
                call(item)
            except CatalogError as exc:
                self.message_user(request, f"{item.implementation_code}：{error_text(exc)}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done.format(count=count), messages.SUCCESS)
        return count

    @admin.action(description="认领事项", permissions=["change"])
    def claim_items(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        self._each(
            request,
            queryset,
            lambda item: item_claim(item=item, department=item.implementing_body, actor=request.user),
            "已认领 {count} 个事项。",
        )

    @admin.action(description="创建新版本", permissions=["change"])
    def create_new_versions(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        self._each(
            request,
            queryset,
            lambda item: version_create_draft(item=item, actor=request.user),
            "已为 {count} 个事项创建新版本草稿。",
        )

    @admin.action(description="导出所选事项到 Excel", permissions=["view"])
    def export_selected(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> HttpResponse:
        return self._xlsx_response(
            excel.export_workbook(ServiceItem.objects.filter(pk__in=queryset.values("pk"))), "事项目录"
        )

    # --- extra pages: per-item buttons and Excel --------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("import-excel/", view(self.import_excel_view), name="catalog_serviceitem_import_excel"),
            path("export-excel/", view(self.export_excel_view), name="catalog_serviceitem_export_excel"),
            path(
                "excel-template/", view(self.excel_template_view), name="catalog_serviceitem_excel_template"
            ),
            path(
                "<path:object_id>/new-version/",
                view(require_POST(self.new_version_view)),
                name="catalog_serviceitem_new_version",
            ),
            path(
                "<path:object_id>/claim/",
                view(require_POST(self.claim_view)),
                name="catalog_serviceitem_claim",
            ),
            *super().get_urls(),
        ]

    def _require(self, allowed: bool) -> None:
        if not allowed:
            raise PermissionDenied

    def new_version_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        self._require(super().has_change_permission(request))
        item = get_object_or_404(ServiceItem, pk=object_id)
        try:
            draft = version_create_draft(item=item, actor=request.user)
        except CatalogError as exc:
            self.message_user(request, error_text(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:catalog_serviceitem_change", args=[item.pk]))
        self.message_user(request, f"已创建第 {draft.number} 版草稿。", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:catalog_serviceitemversion_change", args=[draft.pk]))

    def claim_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        self._require(super().has_change_permission(request))
        item = get_object_or_404(ServiceItem.objects.select_related("implementing_body"), pk=object_id)
        try:
            item_claim(item=item, department=item.implementing_body, actor=request.user)
        except CatalogError as exc:
            self.message_user(request, error_text(exc), messages.ERROR)
        else:
            self.message_user(request, f"已由{item.implementing_body}认领。", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:catalog_serviceitem_change", args=[item.pk]))

    def _xlsx_response(self, workbook: Any, stem: str) -> HttpResponse:
        buffer = io.BytesIO()
        workbook.save(buffer)
        buffer.seek(0)
        filename = f"{stem}-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(buffer, as_attachment=True, filename=filename, content_type=XLSX)

    def export_excel_view(self, request: HttpRequest) -> HttpResponse:
        self._require(self.has_view_permission(request))
        return self._xlsx_response(excel.export_workbook(), "事项目录")

    def excel_template_view(self, request: HttpRequest) -> HttpResponse:
        self._require(self.has_view_permission(request))
        return self._xlsx_response(excel.template_workbook(), "事项导入模板")

    def import_excel_view(self, request: HttpRequest) -> HttpResponse:
        self._require(self.has_add_permission(request) and super().has_change_permission(request))
        report = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            report = excel.import_excel(
                form.cleaned_data["file"].read(),
                publish=form.cleaned_data["publish"],
                dry_run=form.cleaned_data["dry_run"],
                actor=request.user,
            )
            if report.ok and not report.dry_run:
                self.message_user(request, report.summary(), messages.SUCCESS)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "从 Excel 导入事项",
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/catalog/serviceitem/import_excel.html", context)
