from django.urls import path

from kam.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.list, name="list"),
    path("create/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
]
