"""Read-mostly admin: every change to an account goes through the services (audit, history,
search index), so the admin only lists and inspects."""

from django.contrib import admin
from django.http import HttpRequest

from kam.accounts.models import (
    Account,
    AccountMerge,
    AccountTeamMember,
    CoreFieldVerification,
    GradeChange,
    OwnerChange,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "credit_code",
        "grade",
        "level",
        "industry",
        "province",
        "owner",
        "team",
    ]
    list_filter = ["grade", "level", "industry", "status"]
    search_fields = ["name", "name_normalized", "credit_code"]
    list_select_related = ["owner", "team"]
    raw_id_fields = ["parent", "owner", "team", "created_by"]


@admin.register(AccountTeamMember)
class AccountTeamMemberAdmin(ReadOnlyAdmin):
    list_display = ["account", "user", "role", "added_at"]
    list_select_related = ["account", "user"]


@admin.register(GradeChange)
class GradeChangeAdmin(ReadOnlyAdmin):
    list_display = ["account", "from_grade", "to_grade", "reason", "actor", "changed_at"]
    list_select_related = ["account", "actor"]


@admin.register(OwnerChange)
class OwnerChangeAdmin(ReadOnlyAdmin):
    list_display = ["account", "from_owner", "to_owner", "reason", "actor", "changed_at"]
    list_select_related = ["account", "from_owner", "to_owner", "actor"]


@admin.register(CoreFieldVerification)
class CoreFieldVerificationAdmin(ReadOnlyAdmin):
    list_display = ["account", "field", "value", "method", "verified_by", "verified_at"]
    list_select_related = ["account", "verified_by"]


@admin.register(AccountMerge)
class AccountMergeAdmin(ReadOnlyAdmin):
    list_display = ["target", "source_name", "source_id", "reason", "actor", "merged_at"]
    list_select_related = ["target", "actor"]
    search_fields = ["source_name", "source_credit_code"]
