"""Back-office admin for accounts (Chinese labels come from the models).

Writes go through :mod:`haoban.accounts.services`: a new agent authorization or staff assignment is created by
``agent_authorize`` / ``staff_assign``, revocation and deactivation are admin actions; the user page shows the
applicant profile and the assignments read-only. Lists show identifiers masked.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from haoban.core.audit import AuditAction, AuditedChangeViewMixin

from .models import AgentAuthorization, ApplicantProfile, StaffAssignment, User
from .services import agent_authorize, agent_revoke, staff_assign, staff_unassign


class _Rollback(Exception):
    pass


def _check_with_service(form: ModelForm, call: Any) -> None:  # type: ignore[type-arg]
    """Run the service in a transaction that is rolled back; show its errors on the form (every one at once)."""
    try:
        with transaction.atomic():
            call()
            raise _Rollback
    except _Rollback:
        return
    except ValidationError as exc:
        for key, messages_ in exc.message_dict.items():
            field = key if key in form.fields else None
            if field is not None and field in form.errors:
                continue  # the form already says what is wrong with it
            for message in messages_:
                form.add_error(field, message)


class AgentAuthorizationForm(ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AgentAuthorization
        fields = ("agent", "principal", "scope", "valid_from", "valid_to", "notes")

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "agent": data["agent"],
            "principal": data["principal"],
            "valid_from": data["valid_from"],
            "valid_to": data.get("valid_to"),
            "scope": data.get("scope", ""),
            "notes": data.get("notes", ""),
        }

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.instance.pk is None and all(
            f in self.cleaned_data for f in ("agent", "principal", "valid_from")
        ):
            _check_with_service(self, lambda: agent_authorize(**self.service_kwargs()))


class StaffAssignmentForm(ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = StaffAssignment
        fields = ("user", "role", "departments", "service_centers", "region", "notes")

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "user": data.get("user") or self.instance.user,
            "role": data.get("role") or self.instance.role,
            "departments": data.get("departments") or (),
            "service_centers": data.get("service_centers") or (),
            "region": data.get("region"),
            "notes": data.get("notes", ""),
        }

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.instance.pk is not None or all(f in self.cleaned_data for f in ("user", "role")):
            _check_with_service(self, lambda: staff_assign(**self.service_kwargs()))


class _ReadOnlyInline(admin.StackedInline):  # type: ignore[type-arg]
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ApplicantProfileInline(_ReadOnlyInline):
    model = ApplicantProfile
    fields = ("kind", "name", "masked_identifier", "legal_representative", "masked_phone")
    readonly_fields = fields

    @admin.display(description="证件号码")
    def masked_identifier(self, obj: ApplicantProfile) -> str:
        return obj.identifier_display

    @admin.display(description="联系电话")
    def masked_phone(self, obj: ApplicantProfile) -> str:
        return obj.masked_phone


class StaffAssignmentInline(_ReadOnlyInline):
    model = StaffAssignment
    fk_name = "user"
    fields = ("role", "departments", "service_centers", "region", "active")
    readonly_fields = fields
    verbose_name_plural = "岗位授权（在“人员岗位授权”中增加或停用）"


@admin.register(User)
class HaobanUserAdmin(AuditedChangeViewMixin, UserAdmin):
    audit_action = AuditAction.USER_READ
    audit_object_type = "accounts.User"
    list_display = ("username", "display_name", "real_name_level", "is_staff", "is_active")
    list_filter = ("real_name_level", "is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("实名信息", {"fields": ("display_name", "phone", "real_name_level")}),
    )
    inlines = (ApplicantProfileInline, StaffAssignmentInline)


@admin.register(ApplicantProfile)
class ApplicantProfileAdmin(AuditedChangeViewMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: applicants register themselves (or at a window, through ``applicant_register``). Opening
    one shows the full 公民身份号码 and phone, so each opening is audit-logged."""

    audit_action = AuditAction.PROFILE_READ
    audit_object_type = "accounts.ApplicantProfile"

    list_display = ("name", "kind", "masked_identifier", "user", "masked_phone", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "user__username", "uscc")
    list_select_related = ("user",)
    fields = ("user", "kind", "name", "resident_id", "uscc", "legal_representative", "phone", "created_at")
    readonly_fields = fields

    @admin.display(description="证件号码")
    def masked_identifier(self, obj: ApplicantProfile) -> str:
        return obj.identifier_display

    @admin.display(description="联系电话")
    def masked_phone(self, obj: ApplicantProfile) -> str:
        return obj.masked_phone

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[ApplicantProfile], search_term: str
    ) -> tuple[QuerySet[ApplicantProfile], bool]:
        # The 公民身份号码 is encrypted: a whole number is found through its blind index, never by a part.
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found = found | queryset.filter(ApplicantProfile.resident_id_lookup(search_term))
        return found, may_have_duplicates

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def _report(modeladmin: admin.ModelAdmin, request: HttpRequest, exc: ValidationError) -> None:  # type: ignore[type-arg]
    modeladmin.message_user(request, "；".join(exc.messages), level=messages.ERROR)


@admin.register(AgentAuthorization)
class AgentAuthorizationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("principal", "agent", "scope", "valid_from", "valid_to", "revoked_at")
    list_filter = ("valid_from", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("principal__name", "agent__username", "agent__display_name")
    list_select_related = ("principal", "agent")
    form = AgentAuthorizationForm
    autocomplete_fields = ("agent", "principal")
    fields = ("agent", "principal", "scope", "valid_from", "valid_to", "notes", "revoked_at", "created_by")
    actions = ("revoke",)

    def get_readonly_fields(self, request: HttpRequest, obj: AgentAuthorization | None = None) -> Any:
        if obj is None:
            return ("revoked_at", "created_by")
        return self.fields

    def save_model(
        self, request: HttpRequest, obj: AgentAuthorization, form: ModelForm, change: bool
    ) -> None:  # type: ignore[type-arg]
        if change:
            return  # nothing is editable after creation; revoke instead
        created = agent_authorize(**form.service_kwargs(), actor=request.user)  # type: ignore[attr-defined]
        obj.pk = created.pk

    @admin.action(description="撤销所选代办授权")
    def revoke(self, request: HttpRequest, queryset: QuerySet[AgentAuthorization]) -> None:
        done = 0
        for authorization in queryset:
            try:
                agent_revoke(authorization=authorization, actor=request.user)  # type: ignore[arg-type]
            except ValidationError as exc:
                _report(self, request, exc)
            else:
                done += 1
        if done:
            self.message_user(request, f"已撤销 {done} 项代办授权。")


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "scope_summary", "active")
    list_filter = ("role", "active", ("region", admin.RelatedOnlyFieldListFilter))
    search_fields = ("user__username", "user__display_name")
    list_select_related = ("user", "region")
    form = StaffAssignmentForm
    autocomplete_fields = ("user", "departments", "service_centers", "region")
    fields = ("user", "role", "departments", "service_centers", "region", "notes", "active", "assigned_by")
    readonly_fields = ("active", "assigned_by")
    actions = ("deactivate",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[StaffAssignment]:
        return super().get_queryset(request).prefetch_related("departments", "service_centers")

    def has_change_permission(self, request: HttpRequest, obj: StaffAssignment | None = None) -> bool:
        # A deactivated assignment is kept as a record; a new one is added instead.
        return (obj is None or obj.active) and super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: StaffAssignment | None = None) -> Any:
        # A role is what an assignment is: to change it, deactivate this one and add another.
        return ("user", "role", *self.readonly_fields) if obj is not None else self.readonly_fields

    @admin.display(description="范围")
    def scope_summary(self, obj: StaffAssignment) -> str:
        parts = [d.short_name or d.name for d in obj.departments.all()]
        parts += [c.name for c in obj.service_centers.all()]
        if obj.region is not None:
            parts.append(f"{obj.region.name}及下级")
        return "、".join(parts) or "不限"

    def save_model(self, request: HttpRequest, obj: StaffAssignment, form: ModelForm, change: bool) -> None:  # type: ignore[type-arg]
        assignment = staff_assign(**form.service_kwargs(), actor=request.user)  # type: ignore[attr-defined]
        obj.pk = assignment.pk

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:  # type: ignore[type-arg]
        pass  # staff_assign has set the departments and centers

    @admin.action(description="停用所选岗位授权")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[StaffAssignment]) -> None:
        done = 0
        for assignment in queryset:
            try:
                staff_unassign(assignment=assignment, actor=request.user)  # type: ignore[arg-type]
            except ValidationError as exc:
                _report(self, request, exc)
            else:
                done += 1
        if done:
            self.message_user(request, f"已停用 {done} 项岗位授权。")
