from django.urls import path

from kam.scorecards import views

app_name = "scorecards"
urlpatterns = [
    path("", views.team, name="team"),
    path("rep/<int:pk>/", views.rep_card, name="rep"),
    path("rep/<int:pk>/assess/", views.assess, name="assess"),
]
