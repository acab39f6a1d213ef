from django.urls import path

from kam.interactions import views

app_name = "interactions"
urlpatterns = [
    path("", views.list, name="list"),
    path("create/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
]
