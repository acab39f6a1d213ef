from django.urls import path

from kam.forecasts import views

app_name = "forecasts"
urlpatterns = [
    path("", views.forecast_index, name="index"),
    path("export/", views.export, name="export"),
    path("accuracy/", views.accuracy, name="accuracy"),
]
