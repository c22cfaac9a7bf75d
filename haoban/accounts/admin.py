from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class HaobanUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "real_name_level", "is_staff", "is_active")
    list_filter = ("real_name_level", "is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("实名信息", {"fields": ("display_name", "phone", "real_name_level")}),
    )
