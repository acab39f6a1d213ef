from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from kam.users.models import Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "team", "manager", "is_active"]
    list_filter = ["role", "team", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]  # django-stubs types this as a broad union
        ("KAM", {"fields": ("display_name", "role", "team", "manager", "time_zone", "phone")}),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]
