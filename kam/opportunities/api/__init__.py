"""The opportunities app's JSON API: /api/sales-processes and /api/opportunities (R-API-1)."""

from kam.opportunities.api import (  # noqa: F401 - they add their endpoints
    approvals,
    deals,
    initiation,
)
from kam.opportunities.api.common import deals_router
from kam.opportunities.api.processes import router

__all__ = ["deals_router", "router"]
