from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from config.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("kam.core.urls")),
    path("users/", include("kam.users.urls")),
    path("accounts/", include("kam.accounts.urls")),
    path("contacts/", include("kam.contacts.urls")),
    path("interactions/", include("kam.interactions.urls")),
    path("search/", include("kam.search.urls")),
    path("products/", include("kam.products.urls")),
    path("opportunities/", include("kam.opportunities.urls")),
    path("leads/", include("kam.leads.urls")),
    path("pool/", include("kam.pools.urls")),
    path("reviews/", include("kam.reviews.urls")),
    path("intents/", include("kam.intents.urls")),
    path("assessments/", include("kam.assessments.urls")),
    path("forecasts/", include("kam.forecasts.urls")),
    path("presales/", include("kam.presales.urls")),
    path("bids/", include("kam.bids.urls")),
    path("quotes/", include("kam.quotes.urls")),
    path("contracts/", include("kam.contracts.urls")),
    path("billing/", include("kam.billing.urls")),
    path("battle-map/", include("kam.battlemap.urls")),
    path("checklists/", include("kam.checklists.urls")),
    path("delivery/", include("kam.delivery.urls")),
    path("notifications/", include("kam.notifications.urls")),
    path("approvals/", include("kam.approvals.urls")),
    path("handovers/", include("kam.handovers.urls")),
    path("scorecards/", include("kam.scorecards.urls")),
    path("audit/", include("kam.audit.urls")),
    path("calendar/", include("kam.workcalendar.urls")),
    path("", include("kam.tasks.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
