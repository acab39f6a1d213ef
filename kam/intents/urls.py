from django.urls import URLPattern, path

from kam.intents import views

app_name = "intents"

urlpatterns: list[URLPattern] = [
    path("", views.board, name="board"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("opportunities/<int:opportunity_pk>/", views.opportunity_panel, name="opportunity_panel"),
    path("leads/<int:lead_pk>/", views.lead_panel, name="lead_panel"),
]
