from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kam.interactions.models import Attachment, Interaction


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["original_name", "size", "content_type", "uploaded_by", "uploaded_at"]
    readonly_fields = ["original_name", "size", "content_type", "uploaded_by", "uploaded_at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    """Read-mostly: records are written through the pages and the API so rules, history and
    the search index stay in step."""

    list_display = ["subject", "account", "kind", "occurred_at", "created_by", "accompanied"]
    list_filter = ["kind", "accompanied"]
    search_fields = ["subject", "account__name"]
    date_hierarchy = "occurred_at"
    list_select_related = ["account", "created_by"]
    raw_id_fields = ["account", "created_by", "accompanied_by"]
    filter_horizontal = ["our_participants"]
    readonly_fields = ["created_at", "updated_at", "version"]
    inlines = [AttachmentInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
