from django.contrib import admin
from django.http import HttpRequest

from kam.forecasts.models import ForecastSnapshot, ForecastSnapshotRun


class _ReadOnly(admin.ModelAdmin):
    # Snapshots are history: only the weekly job writes them.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ForecastSnapshotRun)
class ForecastSnapshotRunAdmin(_ReadOnly):
    list_display = ["week_start", "row_count", "started_at", "finished_at"]


@admin.register(ForecastSnapshot)
class ForecastSnapshotAdmin(_ReadOnly):
    list_display = [
        "week_start", "period_key", "owner", "team", "category", "amount", "weighted_amount",
        "deal_count",
    ]  # fmt: skip
    list_filter = ["period_key", "category", "week_start"]
    raw_id_fields = ["owner", "run"]
