"""Reads of sales processes and stages; everyone logged in may read them."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from kam.opportunities.models import SalesProcess, Stage


def _with_stages(queryset: QuerySet[SalesProcess]) -> QuerySet[SalesProcess]:
    return queryset.prefetch_related(Prefetch("stages", queryset=Stage.objects.order_by("order")))


def sales_processes_list(*, active: bool | None = None) -> QuerySet[SalesProcess]:
    queryset = SalesProcess.objects.all()
    if active is not None:
        queryset = queryset.filter(active=active)
    return _with_stages(queryset).order_by("-is_default", "name_zh", "pk")


def sales_process_get(pk: int) -> SalesProcess:
    return get_object_or_404(_with_stages(SalesProcess.objects.all()), pk=pk)


def sales_process_default() -> SalesProcess | None:
    return _with_stages(SalesProcess.objects.filter(is_default=True)).first()


def process_stages(process: SalesProcess, *, active_only: bool = False) -> list[Stage]:
    """A process's stages in order (open stages first, then WON and LOST)."""
    stages = process.ordered_stages()
    return [s for s in stages if s.active] if active_only else stages


def stage_get(process: SalesProcess, stage_pk: int) -> Stage:
    return get_object_or_404(Stage.objects.select_related("process"), pk=stage_pk, process=process)
