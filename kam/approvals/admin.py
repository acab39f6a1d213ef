from django.contrib import admin
from django.http import HttpRequest

from kam.approvals.models import Approval, ApprovalChainStep, ApprovalStep


class ApprovalStepInline(admin.TabularInline):
    model = ApprovalStep
    extra = 0
    can_delete = False
    readonly_fields = ["round", "position", "approver", "rule_label", "status", "comment",
                       "decided_at"]  # fmt: skip


@admin.register(Approval)
class ApprovalAdmin(admin.ModelAdmin):
    # Decisions go through the services (pages / API); the admin only reads.
    list_display = ["title", "type_code", "requester", "status", "submitted_at"]
    list_filter = ["status", "type_code"]
    search_fields = ["title"]
    inlines = [ApprovalStepInline]
    readonly_fields = [f.name for f in Approval._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ApprovalChainStep)
class ApprovalChainStepAdmin(admin.ModelAdmin):
    list_display = ["type_code", "position", "rule", "role", "user", "min_amount"]
    list_filter = ["type_code"]
    readonly_fields = ["type_code", "position", "rule", "role", "user", "min_amount", "version"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
