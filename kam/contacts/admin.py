from django.contrib import admin

from kam.contacts.models import Contact, EngagementPlan, EngagementTouch, GuideCost, ScoreChange


class ScoreChangeInline(admin.TabularInline):
    model = ScoreChange
    extra = 0
    readonly_fields = [
        "closeness", "solution_acceptance", "price_acceptance", "note", "actor", "changed_at",
    ]  # fmt: skip
    can_delete = False


class GuideCostInline(admin.TabularInline):
    model = GuideCost
    extra = 0
    raw_id_fields = ["recorded_by"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = [
        "name", "title", "account", "decision_role", "attitude", "guide_level", "status",
    ]  # fmt: skip
    list_filter = ["status", "decision_role", "attitude", "influence", "guide_level"]
    search_fields = ["name", "title", "department", "account__name"]
    raw_id_fields = ["account", "reports_to"]
    list_select_related = ["account"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [ScoreChangeInline, GuideCostInline]


class EngagementTouchInline(admin.TabularInline):
    model = EngagementTouch
    extra = 0
    raw_id_fields = ["recorded_by"]


@admin.register(EngagementPlan)
class EngagementPlanAdmin(admin.ModelAdmin):
    list_display = ["contact", "our_executive", "purpose", "cadence_days", "next_due", "active"]
    list_filter = ["active"]
    search_fields = ["contact__name", "purpose"]
    raw_id_fields = ["contact", "our_executive"]
    list_select_related = ["contact", "our_executive"]
    inlines = [EngagementTouchInline]
