"""The one JSON API: a router per app, token authentication, the OpenAPI document at
/api/openapi.json (R-API-1)."""

from ninja import NinjaAPI

from kam.accounts.api import router as accounts_router
from kam.approvals.api import router as approvals_router
from kam.contacts.api import router as contacts_router
from kam.forecasts.api import router as forecasts_router
from kam.interactions.api import router as interactions_router
from kam.notifications.api import router as notifications_router
from kam.opportunities.api import deals_router
from kam.opportunities.api import router as opportunities_router
from kam.products.api import router as products_router
from kam.search.api import router as search_router
from kam.users.api import TokenAuth

api = NinjaAPI(
    title="KAM API",
    version="1",
    description="Key-account sales management. Authenticate with `Authorization: Bearer <token>`.",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/accounts", accounts_router)
api.add_router("/contacts", contacts_router)
api.add_router("/interactions", interactions_router)
api.add_router("/search", search_router)
api.add_router("/products", products_router)
api.add_router("/notifications", notifications_router)
api.add_router("/sales-processes", opportunities_router)
api.add_router("/opportunities", deals_router)
api.add_router("/approvals", approvals_router)
api.add_router("/handovers", "kam.handovers.api.router")
api.add_router("/scorecards", "kam.scorecards.api.router")
api.add_router("/quotes", "kam.quotes.api.router")
api.add_router("/forecasts", forecasts_router)
api.add_router("/deals", "kam.assessments.api.router")
api.add_router("/presales", "kam.presales.api.router")
api.add_router("/bids", "kam.bids.api.router")
api.add_router("/leads", "kam.leads.api.router")
api.add_router("/pools", "kam.pools.api.router")
api.add_router("/reviews", "kam.reviews.api.router")
api.add_router("/tasks", "kam.tasks.api.router")
api.add_router("/intents", "kam.intents.api.router")
api.add_router("/contracts", "kam.contracts.api.router")
api.add_router("/billing", "kam.billing.api.router")
api.add_router("/battle-map", "kam.battlemap.api.router")
api.add_router("/checklists", "kam.checklists.api.router")
api.add_router("/delivery", "kam.delivery.api.router")
