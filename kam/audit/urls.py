from django.urls import path

from kam.audit import views

app_name = "audit"
urlpatterns = [
    path("exports/", views.exports, name="exports"),
]
