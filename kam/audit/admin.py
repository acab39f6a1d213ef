from django.contrib import admin

from kam.audit.models import ExportLog, FieldChange


@admin.register(FieldChange)
class FieldChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "content_type", "object_id", "field_label", "actor"]
    list_filter = ["content_type"]


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "what", "file_format", "row_count"]
